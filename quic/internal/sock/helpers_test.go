package sock

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"testing"
	"time"
)

// testOptions ignores the environment so a kill switch set in the shell
// cannot change what a test expects.
func testOptions(o Options) Options {
	o.IgnoreEnv = true
	return o
}

func listen(t testing.TB, network, address string, o Options) *Conn {
	t.Helper()
	c, err := Listen(network, address, testOptions(o))
	if err != nil {
		t.Fatalf("Listen(%s, %s): %v", network, address, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// payload builds datagram i of size n: its index, then a pattern, so a
// receiver can check both identity and content.
func payload(i, n int) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(i*7 + j)
	}
	binary.BigEndian.PutUint16(b, uint16(i))
	return b
}

// gsoBuffer concatenates count datagrams of seg bytes, the last of last
// bytes, numbered from first.
func gsoBuffer(first, count, seg, last int) []byte {
	var b []byte
	for i := range count {
		n := seg
		if i == count-1 {
			n = last
		}
		b = append(b, payload(first+i, n)...)
	}
	return b
}

// received is one datagram as a test saw it after splitting GRO reads.
type received struct {
	data    []byte
	from    netip.AddrPort
	local   netip.Addr
	ecn     uint8
	segSize int // of the read that carried it
	segs    int // datagrams in that read
}

// readDatagrams reads until want datagrams have arrived, with a deadline
// so a lost datagram fails the test instead of hanging it.
func readDatagrams(t testing.TB, c *Conn, want int) []received {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	msgs := NewMessages(8)
	var got []received
	for len(got) < want {
		n, err := c.ReadBatch(msgs)
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("got %d datagrams, want %d", len(got), want)
			}
			t.Fatal(err)
		}
		for _, m := range msgs[:n] {
			for i := range m.NumSegments() {
				got = append(got, received{
					data:    bytes.Clone(m.Segment(i)),
					from:    m.Addr,
					local:   m.Local,
					ecn:     m.ECN,
					segSize: m.SegSize,
					segs:    m.NumSegments(),
				})
			}
		}
	}
	if len(got) > want {
		t.Fatalf("got %d datagrams, want %d", len(got), want)
	}
	return got
}

// checkDatagrams checks that got holds exactly the wanted datagrams, in
// any order.
func checkDatagrams(t testing.TB, got []received, want map[int][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d datagrams, want %d", len(got), len(want))
	}
	seen := map[int]bool{}
	for _, r := range got {
		if len(r.data) < 2 {
			t.Fatalf("runt datagram %x", r.data)
		}
		i := int(binary.BigEndian.Uint16(r.data))
		if seen[i] {
			t.Fatalf("datagram %d twice", i)
		}
		seen[i] = true
		if !bytes.Equal(r.data, want[i]) {
			t.Fatalf("datagram %d: got %d bytes, want %d (or content differs)", i, len(r.data), len(want[i]))
		}
	}
}

func addrOf(t testing.TB, c *Conn, host string) netip.AddrPort {
	t.Helper()
	return netip.AddrPortFrom(netip.MustParseAddr(host), c.LocalAddr().Port())
}
