package recovery

import (
	"slices"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/rangeset"
)

const ms = protocol.Time(time.Millisecond)

type rx struct {
	pn           uint64
	at           protocol.Time
	ackEliciting bool
	ecn          ECN
	dup          bool
	deadline     protocol.Time // AckDeadline after the packet
}

func runTracker(t *testing.T, tr *AckTracker, steps []rx) {
	t.Helper()
	for i, s := range steps {
		if dup := tr.OnPacketReceived(s.pn, s.at, s.ackEliciting, s.ecn); dup != s.dup {
			t.Fatalf("step %d: pn %d dup %v", i, s.pn, dup)
		}
		if d := tr.AckDeadline(); d != s.deadline {
			t.Fatalf("step %d: pn %d deadline %v, want %v", i, s.pn, d, s.deadline)
		}
	}
}

func TestAckTrackerAppData(t *testing.T) {
	tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
	never := protocol.Never
	runTracker(t, tr, []rx{
		{pn: 0, at: 0, ackEliciting: false, deadline: never},       // non-eliciting never forces an ACK
		{pn: 1, at: 1 * ms, ackEliciting: true, deadline: 26 * ms}, // delayed by max_ack_delay
		{pn: 1, at: 2 * ms, ackEliciting: true, dup: true, deadline: 26 * ms},
		{pn: 2, at: 3 * ms, ackEliciting: true, deadline: 3 * ms}, // second eliciting: at once
	})
	if !tr.ShouldSendAck(3*ms) || !tr.HasNewPackets() {
		t.Fatal("ACK not due")
	}
	if d := tr.AckDelay(5 * ms); d != 2*time.Millisecond {
		t.Errorf("ack delay %v", d)
	}
	tr.OnAckSent(5 * ms)
	if tr.ShouldSendAck(100*ms) || tr.HasNewPackets() {
		t.Fatal("ACK still due after sending")
	}
	runTracker(t, tr, []rx{
		{pn: 3, at: 10 * ms, ackEliciting: true, deadline: 35 * ms},
		// A gap before an ack-eliciting packet: at once (RFC 9000, 13.2.1).
		{pn: 5, at: 11 * ms, ackEliciting: true, deadline: 11 * ms},
	})
	tr.OnAckSent(11 * ms)
	runTracker(t, tr, []rx{
		// Out of order, below the largest ack-eliciting: at once.
		{pn: 4, at: 12 * ms, ackEliciting: true, deadline: 12 * ms},
	})
	tr.OnAckSent(12 * ms)
	runTracker(t, tr, []rx{
		// A gap filled by non-eliciting packets is not a gap.
		{pn: 6, at: 13 * ms, ackEliciting: false, deadline: never},
		{pn: 7, at: 14 * ms, ackEliciting: true, deadline: 39 * ms},
	})
	tr.OnAckSent(14 * ms)
	runTracker(t, tr, []rx{
		// CE-marked: at once.
		{pn: 8, at: 20 * ms, ackEliciting: true, ecn: ECNCE, deadline: 20 * ms},
	})
	tr.OnAckSent(20 * ms)
	runTracker(t, tr, []rx{
		{pn: 9, at: 21 * ms, ackEliciting: false, ecn: ECNECT0, deadline: never},
		{pn: 10, at: 22 * ms, ackEliciting: false, ecn: ECNECT1, deadline: never},
	})
	if c, ok := tr.ECNCounts(); !ok || c != (ECNCounts{ECT0: 1, ECT1: 1, CE: 1}) {
		t.Errorf("ECN counts %+v", c)
	}
	if want := []rangeset.Range{{Start: 0, End: 11}}; !slices.Equal(tr.Ranges().Ranges(), want) {
		t.Errorf("ranges %v", tr.Ranges().Ranges())
	}
	if l, ok := tr.Largest(); !ok || l != 10 || tr.LargestReceivedTime() != 22*ms {
		t.Errorf("largest %d at %v", l, tr.LargestReceivedTime())
	}
}

func TestAckTrackerHandshakeImmediate(t *testing.T) {
	for _, space := range []protocol.Space{protocol.SpaceInitial, protocol.SpaceHandshake} {
		tr := NewAckTracker(space, 25*time.Millisecond)
		runTracker(t, tr, []rx{
			{pn: 0, at: 5 * ms, ackEliciting: true, deadline: 5 * ms},
		})
		if tr.AckDelay(10*ms) != 0 {
			t.Errorf("%v: non-zero ack delay", space)
		}
	}
}

func TestAckTrackerAckFrequency(t *testing.T) {
	tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
	// Ack-Eliciting Threshold 3: the fourth ack-eliciting packet is
	// acknowledged at once.
	tr.SetAckFrequency(3, 10*time.Millisecond, 1)
	runTracker(t, tr, []rx{
		{pn: 0, at: 0, ackEliciting: true, deadline: 10 * ms},
		{pn: 1, at: 1 * ms, ackEliciting: true, deadline: 10 * ms},
		{pn: 2, at: 2 * ms, ackEliciting: true, deadline: 10 * ms},
		{pn: 3, at: 3 * ms, ackEliciting: true, deadline: 3 * ms},
	})
	tr.OnAckSent(3 * ms)
	runTracker(t, tr, []rx{
		// With a threshold above 1, only the first of consecutive
		// CE-marked packets is acknowledged at once (draft, 6.3).
		{pn: 4, at: 4 * ms, ackEliciting: true, ecn: ECNCE, deadline: 4 * ms},
	})
	tr.OnAckSent(4 * ms)
	runTracker(t, tr, []rx{
		{pn: 5, at: 5 * ms, ackEliciting: true, ecn: ECNCE, deadline: 15 * ms},
	})
	tr.OnImmediateAck(6 * ms)
	if tr.AckDeadline() != 6*ms {
		t.Errorf("IMMEDIATE_ACK: deadline %v", tr.AckDeadline())
	}
	tr.OnAckSent(6 * ms)
	// Reordering Threshold 0: reordering never forces an ACK.
	tr.SetAckFrequency(3, 10*time.Millisecond, 0)
	runTracker(t, tr, []rx{
		{pn: 9, at: 7 * ms, ackEliciting: true, deadline: 17 * ms},
		{pn: 7, at: 8 * ms, ackEliciting: true, deadline: 17 * ms},
	})
}

// TestAckTrackerReorderingThreshold replays the examples of
// draft-ietf-quic-ack-frequency, 6.2.1, where ACKs are sent only because
// of reordering.
func TestAckTrackerReorderingThreshold(t *testing.T) {
	tests := []struct {
		threshold uint64
		received  []uint64
		ackAfter  []bool
	}{
		{3, []uint64{0, 1, 3, 4, 5, 8, 9, 10}, []bool{false, false, false, false, true, false, true, true}},
		{5, []uint64{0, 1, 3, 5, 6, 7, 8, 9}, []bool{false, false, false, false, false, true, false, true}},
	}
	for _, tt := range tests {
		tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
		tr.SetAckFrequency(100, time.Hour, tt.threshold)
		for i, pn := range tt.received {
			now := protocol.Time(i) * ms
			tr.OnPacketReceived(pn, now, true, ECNNotECT)
			if got := tr.ShouldSendAck(now); got != tt.ackAfter[i] {
				t.Fatalf("threshold %d, packet %d: ACK %v, want %v", tt.threshold, pn, got, tt.ackAfter[i])
			}
			if tr.ShouldSendAck(now) {
				tr.OnAckSent(now)
			}
		}
	}
	// A packet below Largest Acked - Reordering Threshold was probably
	// declared lost already: acknowledge it at once.
	tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
	tr.SetAckFrequency(100, time.Hour, 3)
	for pn := uint64(0); pn < 10; pn++ {
		if pn != 2 {
			tr.OnPacketReceived(pn, 0, true, ECNNotECT)
		}
	}
	tr.OnAckSent(0)
	tr.OnPacketReceived(2, ms, true, ECNNotECT)
	if !tr.ShouldSendAck(ms) {
		t.Error("late packet below the reported window not acknowledged at once")
	}
}

func TestAckTrackerForgetting(t *testing.T) {
	tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
	for _, pn := range []uint64{0, 1, 2, 4, 5, 7} {
		tr.OnPacketReceived(pn, 0, true, ECNNotECT)
	}
	// Our ACK frame with Largest Acknowledged 5 was acknowledged: stop
	// acknowledging below 5 and refuse those packet numbers from now on.
	tr.OnAckAcked(5)
	if want := []rangeset.Range{{Start: 5, End: 6}, {Start: 7, End: 8}}; !slices.Equal(tr.Ranges().Ranges(), want) {
		t.Errorf("ranges %v", tr.Ranges().Ranges())
	}
	if !tr.IsDuplicate(3) || !tr.OnPacketReceived(3, 0, true, ECNNotECT) || tr.IsDuplicate(6) {
		t.Error("forgotten packet number accepted, or missing one refused")
	}
	// A cap on ranges drops the oldest.
	tr.SetMaxRanges(2)
	tr.OnPacketReceived(9, 0, true, ECNNotECT)
	if tr.Ranges().Len() != 2 || !tr.IsDuplicate(5) || tr.Ranges().At(0) != (rangeset.Range{Start: 9, End: 10}) {
		t.Errorf("ranges %v", tr.Ranges().Ranges())
	}
}

func TestAckTrackerAllocs(t *testing.T) {
	tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
	pn := uint64(0)
	allocs := testing.AllocsPerRun(100, func() {
		for i := 0; i < 100; i++ {
			if i%10 != 9 { // a loss every ten packets
				tr.OnPacketReceived(pn, protocol.Time(pn), true, ECNECT0)
			}
			pn++
		}
		tr.OnAckSent(protocol.Time(pn))
		tr.OnAckAcked(pn - 50)
	})
	if allocs != 0 {
		t.Errorf("%v allocs per run", allocs)
	}
}

func TestSentPacketsRing(t *testing.T) {
	var s sentPackets
	// Send 0..199 skipping every tenth number; the ring grows past 64.
	for pn := uint64(0); pn < 200; pn++ {
		if pn%10 == 5 {
			continue
		}
		s.push(SentPacket{PacketNumber: pn})
	}
	if s.n != 200 || s.first != 0 || s.next != 200 {
		t.Fatalf("n %d first %d next %d", s.n, s.first, s.next)
	}
	if !s.wasSkipped(15) || s.wasSkipped(16) || !s.wasSkipped(195) {
		t.Error("skip detection in the ring")
	}
	for pn := uint64(0); pn < 100; pn++ {
		if e := s.slot(pn); e.state == slotOutstanding {
			e.state = slotAcked
		}
	}
	s.trim()
	if s.first != 100 || s.n != 100 {
		t.Fatalf("after trim: first %d n %d", s.first, s.n)
	}
	// Skipped numbers that left the ring are still remembered (the last
	// skipHistory of them).
	if !s.wasSkipped(95) || s.wasSkipped(94) {
		t.Error("skip history")
	}
	s.clear()
	s.push(SentPacket{PacketNumber: 300})
	if s.first != 300 || s.n != 1 || s.next != 301 {
		t.Errorf("after clear: first %d n %d next %d", s.first, s.n, s.next)
	}
	defer func() {
		if recover() == nil {
			t.Error("decreasing packet number accepted")
		}
	}()
	s.push(SentPacket{PacketNumber: 300})
}
