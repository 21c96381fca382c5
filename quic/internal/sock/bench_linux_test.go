//go:build linux

package sock

import (
	"net/netip"
	"testing"
	"time"
)

// benchPair opens two loopback sockets; drain reads want datagrams.
func benchPair(b *testing.B, tx, rx Options) (*Conn, *Conn, func(want int)) {
	a := listen(b, "udp4", "127.0.0.1:0", tx)
	c := listen(b, "udp4", "127.0.0.1:0", rx)
	msgs := NewMessages(64)
	// A lost datagram fails the benchmark rather than hanging it.
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Minute)); err != nil {
		b.Fatal(err)
	}
	drain := func(want int) {
		for got := 0; got < want; {
			n, err := c.ReadBatch(msgs)
			if err != nil {
				b.Fatal(err)
			}
			for i := range n {
				got += msgs[i].NumSegments()
			}
		}
	}
	return a, c, drain
}

// BenchmarkBatch sends and receives 32 datagrams of 1200 bytes per
// operation through sendmmsg/recvmmsg, and through one call per datagram.
func BenchmarkBatch(b *testing.B) {
	const count, size = 32, 1200
	for _, bc := range []struct {
		name string
		opts Options
	}{
		{"mmsg", Options{DisableGSO: true, DisableGRO: true}},
		{"msg", Options{DisableGSO: true, DisableGRO: true, DisableBatch: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tx, rx, drain := benchPair(b, bc.opts, bc.opts)
			msgs := make([]Message, count)
			for i := range msgs {
				msgs[i] = Message{Buf: payload(i, size), Addr: rx.LocalAddr(), ECN: ECNECT0}
			}
			b.ReportAllocs()
			b.SetBytes(count * size)
			for b.Loop() {
				if _, err := tx.WriteBatch(msgs); err != nil {
					b.Fatal(err)
				}
				drain(count)
			}
		})
	}
}

// BenchmarkGSO sends 32 datagrams of 1200 bytes per operation as one
// buffer: with GSO to a GRO receiver, with GSO to a plain receiver, and
// with neither (sendmmsg of separate datagrams).
func BenchmarkGSO(b *testing.B) {
	const count, size = 32, 1200
	for _, bc := range []struct {
		name   string
		tx, rx Options
	}{
		{"gso+gro", Options{}, Options{}},
		{"gso", Options{}, Options{DisableGRO: true}},
		{"none", Options{DisableGSO: true}, Options{DisableGRO: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tx, rx, drain := benchPair(b, bc.tx, bc.rx)
			buf := gsoBuffer(0, count, size, size)
			b.ReportAllocs()
			b.SetBytes(count * size)
			for b.Loop() {
				if err := tx.WriteGSO(buf, size, rx.LocalAddr(), ECNECT0, netip.Addr{}); err != nil {
					b.Fatal(err)
				}
				drain(count)
			}
		})
	}
}
