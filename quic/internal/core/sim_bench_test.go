package core

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// BenchmarkSimTransfer moves 16 MiB over a clean, fast simulated link: the
// CPU cost of the whole stack (packing, sealing, opening, ACKs, recovery)
// per byte, handshake included.
func BenchmarkSimTransfer(b *testing.B) {
	const size = 16 << 20
	data := randomData(size, 1)
	link := simnet.LinkConfig{Delay: time.Millisecond, Bandwidth: 1_000_000_000, Queue: 1000}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		p, _, sv, c := newSimPair(b, 1, link)
		var snd *sender
		var rcv receiver
		rcv.buf = make([]byte, 0, size)
		err := p.RunUntil(func() bool {
			if snd == nil && c.HandshakeComplete() {
				id, _ := c.OpenStream(streams.Bidi)
				snd = &sender{c: c, id: id, data: data}
			}
			if snd != nil {
				snd.pump(b)
			}
			if len(sv.accepted) == 1 && len(sv.opened[sv.accepted[0]]) > 0 {
				rcv.pump(b, sv.accepted[0], sv.opened[sv.accepted[0]][0])
			}
			return rcv.eof
		}, time.Minute)
		if err != nil || len(rcv.buf) != size {
			b.Fatalf("transfer: %v, %d bytes", err, len(rcv.buf))
		}
	}
}
