package core

import (
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// BenchmarkPacketPath moves stream data between two connected Conns with no
// network in between: every packet the client sends is handed straight to
// the server and back, so the figures are the core's own cost per byte:
// packing, sealing, opening, frame parsing, ACK processing, stream
// buffering. With tracing off it must not allocate in steady state.
func BenchmarkPacketPath(b *testing.B) {
	p, _, sv, c := newSimPair(b, 1, simnet.SimpleP2P())
	if err := p.RunUntil(func() bool { return confirmed(c, sv) }, 5_000_000_000); err != nil {
		b.Fatal(err)
	}
	s := sv.accepted[0]
	id, _ := c.OpenStream(streams.Bidi)
	chunk := make([]byte, 16<<10)
	rbuf := make([]byte, 64<<10)
	buf := make([]byte, 64*1500)
	now := p.Now()
	from, to := p.Client.Addr(), p.Server.Addr()
	var sid streams.ID
	opened := false
	pump := func(src, dst *Conn, srcAddr, dstAddr simnet.Datagram) {
		for {
			t, ok := src.PollTransmit(now, buf, 64)
			if !ok {
				return
			}
			for off := 0; off < t.Size; off += t.SegSize {
				end := min(off+t.SegSize, t.Size)
				dst.HandleDatagram(now, Datagram{Remote: srcAddr.From, Local: dstAddr.From, Data: buf[off:end]})
			}
		}
	}
	ca, sa := simnet.Datagram{From: from}, simnet.Datagram{From: to}
	step := func() {
		now += protocol.Time(20_000) // 20 µs per round: pacing and ACK delay move on
		c.HandleTimeout(now)
		s.HandleTimeout(now)
		pump(c, s, ca, sa)
		for {
			e, ok := s.PollEvent()
			if !ok {
				break
			}
			if e.Kind == EventStreamOpened && !opened {
				sid, opened = e.StreamID, true
			}
		}
		if opened {
			for {
				n, _ := s.StreamRead(sid, rbuf)
				if n == 0 {
					break
				}
			}
		}
		pump(s, c, sa, ca)
		for {
			if _, ok := c.PollEvent(); !ok {
				break
			}
		}
	}
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	for b.Loop() {
		for written := 0; written < len(chunk); {
			n, err := c.StreamWrite(id, chunk[written:])
			if err != nil {
				b.Fatal(err)
			}
			written += n
			step()
		}
	}
}
