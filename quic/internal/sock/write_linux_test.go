//go:build linux

package sock

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestWriteRejectsIPv6OnIPv4Socket(t *testing.T) {
	c := listen(t, "udp4", "127.0.0.1:0", Options{})
	if err := c.WriteGSO([]byte("x"), 0, netip.MustParseAddrPort("[::1]:9"), 0, netip.Addr{}); !errors.Is(err, errFamily) {
		t.Fatalf("got %v, want %v", err, errFamily)
	}
}

// TestWriteBatchPartialFailure checks that a datagram the kernel refuses
// stops the batch at its index, after the ones before it went out.
func TestWriteBatchPartialFailure(t *testing.T) {
	for _, opts := range []Options{{}, {DisableBatch: true}} {
		tx := listen(t, "udp4", "127.0.0.1:0", opts)
		rx := listen(t, "udp4", "127.0.0.1:0", Options{})
		to := rx.LocalAddr()
		msgs := []Message{
			{Buf: payload(0, 100), Addr: to},
			{Buf: payload(1, 100), Addr: to},
			{Buf: payload(2, 70000), Addr: to}, // larger than any UDP datagram
			{Buf: payload(3, 100), Addr: to},
		}
		n, err := tx.WriteBatch(msgs)
		if n != 2 || !errors.Is(err, unix.EMSGSIZE) {
			t.Fatalf("batch %v: WriteBatch = %d, %v; want 2, EMSGSIZE", opts.DisableBatch, n, err)
		}
		checkDatagrams(t, readDatagrams(t, rx, 2), map[int][]byte{0: msgs[0].Buf, 1: msgs[1].Buf})
		if st := tx.Stats(); st.DatagramsSent != 2 || st.Fallbacks != 0 {
			t.Fatalf("stats %+v", st)
		}
	}
}

// TestConcurrentWriters sends from several goroutines at once, as
// connection drivers do, while one goroutine reads.
func TestConcurrentWriters(t *testing.T) {
	const writers, rounds, segs = 4, 25, 4
	tx := listen(t, "udp4", "127.0.0.1:0", Options{})
	rx := listen(t, "udp4", "127.0.0.1:0", Options{})
	errs := make(chan error, writers)
	for g := range writers {
		go func() {
			for r := range rounds {
				first := (g*rounds + r) * segs
				if err := tx.WriteGSO(gsoBuffer(first, segs, 1000, 1000), 1000, rx.LocalAddr(), ECNECT0, netip.Addr{}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	got := readDatagrams(t, rx, writers*rounds*segs)
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	want := map[int][]byte{}
	for i := range writers * rounds * segs {
		want[i] = payload(i, 1000)
	}
	checkDatagrams(t, got, want)
	if st := tx.Stats(); st.GSOSends != writers*rounds || st.DatagramsSent != writers*rounds*segs {
		t.Fatalf("stats %+v", st)
	}
}

func TestCloseUnblocksRead(t *testing.T) {
	c, err := Listen("udp4", "127.0.0.1:0", testOptions(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.ReadBatch(NewMessages(2))
		done <- err
	}()
	c.Close()
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ReadBatch after Close: %v, want net.ErrClosed", err)
	}
}

// TestNoAllocs checks that the batch paths allocate nothing per call.
func TestNoAllocs(t *testing.T) {
	tx := listen(t, "udp4", "127.0.0.1:0", Options{})
	rx := listen(t, "udp4", "127.0.0.1:0", Options{DisableGRO: true})
	to := rx.LocalAddr()
	buf := gsoBuffer(0, 4, 1200, 1200)
	batch := []Message{{Buf: payload(1, 1200), Addr: to, ECN: ECNECT0}, {Buf: buf, Addr: to, SegSize: 1200, Local: netip.MustParseAddr("127.0.0.1")}}
	msgs := NewMessages(16)
	if err := rx.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	drain := func() {
		for got := 0; got < 9; {
			n, err := rx.ReadBatch(msgs)
			if err != nil {
				t.Fatal(err)
			}
			got += n
		}
	}
	allocs := testing.AllocsPerRun(50, func() {
		if err := tx.WriteGSO(buf, 1200, to, ECNECT0, netip.Addr{}); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.WriteBatch(batch); err != nil {
			t.Fatal(err)
		}
		drain()
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per send and receive of 9 datagrams, want 0", allocs)
	}
}

func TestTruncatedRead(t *testing.T) {
	tx := listen(t, "udp4", "127.0.0.1:0", Options{})
	rx := listen(t, "udp4", "127.0.0.1:0", Options{})
	if err := tx.WriteGSO(payload(1, 1000), 0, rx.LocalAddr(), ECNNotECT, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	if err := rx.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	msgs := []Message{{Buf: make([]byte, 100)}}
	n, err := rx.ReadBatch(msgs)
	if err != nil || n != 1 {
		t.Fatalf("ReadBatch = %d, %v", n, err)
	}
	if msgs[0].N != 100 || msgs[0].NumSegments() != 1 || rx.Stats().Truncated != 1 {
		t.Fatalf("read %d bytes in %d segments, stats %+v; want 100, 1, one truncation", msgs[0].N, msgs[0].NumSegments(), rx.Stats())
	}
}
