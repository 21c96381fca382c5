package recovery

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// countHandler counts outcomes without allocating.
type countHandler struct{ acked, lost, discarded int }

func (c *countHandler) OnPacketAcked(SentPacket)     { c.acked++ }
func (c *countHandler) OnPacketLost(SentPacket)      { c.lost++ }
func (c *countHandler) OnPacketDiscarded(SentPacket) { c.discarded++ }

// flight sends 1000 ack-eliciting packets from *pn and fills ranges with a
// 32-range ACK frame over them, largest first: runs of 30 with one-packet
// gaps.
func flight(l *LossDetector, pn *uint64, now *protocol.Time, ranges []AckRange) {
	base := *pn
	for i := 0; i < 1000; i++ {
		l.OnPacketSent(SentPacket{PacketNumber: *pn, TimeSent: *now, Size: 1200, AckEliciting: true, InFlight: true, Space: protocol.SpaceAppData})
		*pn++
		*now += protocol.Time(10 * time.Microsecond)
	}
	for k := range 32 {
		lo := base + uint64(k)*31
		ranges[31-k] = AckRange{Smallest: lo, Largest: lo + 29}
	}
	*now += protocol.Time(40 * time.Millisecond)
}

func BenchmarkOnAckReceived(b *testing.B) {
	l := NewLossDetector(Config{IsServer: true}, congestion.NewCubic(1200))
	l.SetHandshakeConfirmed(0)
	var h countHandler
	ranges := make([]AckRange, 32)
	var pn uint64
	var now protocol.Time
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		flight(l, &pn, &now, ranges)
		b.StartTimer()
		if _, err := l.OnAckReceived(protocol.SpaceAppData, ranges, 0, nil, now, &h); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAckProcessingAllocs(t *testing.T) {
	l := NewLossDetector(Config{IsServer: true}, congestion.NewCubic(1200))
	l.SetHandshakeConfirmed(0)
	var h countHandler
	ranges := make([]AckRange, 32)
	var pn uint64
	var now protocol.Time
	flight(l, &pn, &now, ranges) // grow the ring once
	if _, err := l.OnAckReceived(protocol.SpaceAppData, ranges, 0, nil, now, &h); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		flight(l, &pn, &now, ranges)
		if _, err := l.OnAckReceived(protocol.SpaceAppData, ranges, 0, nil, now, &h); err != nil {
			t.Fatal(err)
		}
		l.OnLossTimeout(l.LossTimer(), &h)
	})
	if allocs != 0 {
		t.Errorf("%v allocs per flight", allocs)
	}
	if h.acked != 22*960 || h.lost != 31+21*40 { // the first flight plus 21 runs
		t.Errorf("acked %d lost %d", h.acked, h.lost)
	}
}
