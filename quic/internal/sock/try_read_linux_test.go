//go:build linux

package sock

import (
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// tryReadAll calls TryReadBatch until want datagrams came or the deadline
// passed: a datagram sent on loopback is queued by the time the send
// returns, so the loop ends at once in practice.
func tryReadAll(t *testing.T, c *Conn, want int) []received {
	t.Helper()
	msgs := NewMessages(4)
	var got []received
	for deadline := time.Now().Add(5 * time.Second); len(got) < want && time.Now().Before(deadline); {
		n, err := c.TryReadBatch(msgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs[:n] {
			for i := range m.NumSegments() {
				got = append(got, received{data: append([]byte(nil), m.Segment(i)...), from: m.Addr, local: m.Local})
			}
		}
		if n == 0 {
			runtime.Gosched()
		}
	}
	return got
}

func TestTryReadBatch(t *testing.T) {
	a := listen(t, "udp4", "127.0.0.1:0", Options{})
	b := listen(t, "udp4", "127.0.0.1:0", Options{})
	msgs := NewMessages(4)
	if n, err := b.TryReadBatch(msgs); n != 0 || err != nil {
		t.Fatalf("TryReadBatch on an empty socket = %d, %v; want 0, nil", n, err)
	}
	for i := range 3 {
		if err := a.WriteGSO(payload(i, 100+i), 0, b.LocalAddr(), ECNNotECT, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
	}
	got := tryReadAll(t, b, 3)
	checkDatagrams(t, got, map[int][]byte{0: payload(0, 100), 1: payload(1, 101), 2: payload(2, 102)})
	if got[0].from != a.LocalAddr() || got[0].local != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("from %v local %v, want %v and 127.0.0.1", got[0].from, got[0].local, a.LocalAddr())
	}
	if n, err := b.TryReadBatch(msgs); n != 0 || err != nil {
		t.Fatalf("TryReadBatch after draining = %d, %v; want 0, nil", n, err)
	}
}

// TestTryReadBesideReadBatch checks that TryReadBatch neither waits for a
// ReadBatch parked in another goroutine nor shares a datagram with it:
// each datagram reaches exactly one of them.
func TestTryReadBesideReadBatch(t *testing.T) {
	a := listen(t, "udp4", "127.0.0.1:0", Options{})
	b := listen(t, "udp4", "127.0.0.1:0", Options{})
	if err := b.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	const total = 50
	parked := make(chan []received)
	go func() {
		var got []received
		msgs := NewMessages(4)
		for {
			n, err := b.ReadBatch(msgs)
			if err != nil {
				parked <- got // the deadline, or the socket closed
				return
			}
			for _, m := range msgs[:n] {
				for i := range m.NumSegments() {
					got = append(got, received{data: append([]byte(nil), m.Segment(i)...)})
				}
			}
		}
	}()
	want := map[int][]byte{}
	var tried []received
	msgs := NewMessages(4)
	for i := range total {
		want[i] = payload(i, 64)
		if err := a.WriteGSO(want[i], 0, b.LocalAddr(), ECNNotECT, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
		n, err := b.TryReadBatch(msgs) // returns at once, whoever holds the read lock
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs[:n] {
			for s := range m.NumSegments() {
				tried = append(tried, received{data: append([]byte(nil), m.Segment(s)...)})
			}
		}
	}
	// Once the two have counted every datagram, closing the socket ends
	// the parked read.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); runtime.Gosched() {
		if st := b.Stats(); st.DatagramsReceived == total {
			break
		}
	}
	b.Close()
	got := append(<-parked, tried...)
	checkDatagrams(t, got, want)
}
