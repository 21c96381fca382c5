package recovery

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// recorder is a Handler that logs packet numbers.
type recorder struct{ acked, lost, discarded []uint64 }

func (r *recorder) OnPacketAcked(p SentPacket)     { r.acked = append(r.acked, p.PacketNumber) }
func (r *recorder) OnPacketLost(p SentPacket)      { r.lost = append(r.lost, p.PacketNumber) }
func (r *recorder) OnPacketDiscarded(p SentPacket) { r.discarded = append(r.discarded, p.PacketNumber) }
func (r *recorder) reset()                         { *r = recorder{} }

const (
	initial   = protocol.SpaceInitial
	handshake = protocol.SpaceHandshake
	appData   = protocol.SpaceAppData
)

func newDetector(server bool) *LossDetector {
	return NewLossDetector(Config{IsServer: server}, congestion.NewNewReno(1200))
}

func sendAt(l *LossDetector, space protocol.Space, pn uint64, at protocol.Time) {
	l.OnPacketSent(SentPacket{PacketNumber: pn, TimeSent: at, Size: 1200, AckEliciting: true, InFlight: true, Space: space})
}

func ack(t *testing.T, l *LossDetector, space protocol.Space, now protocol.Time, h Handler, ranges ...AckRange) AckResult {
	t.Helper()
	res, err := l.OnAckReceived(space, ranges, 0, nil, now, h)
	if err != nil {
		t.Fatalf("OnAckReceived: %v", err)
	}
	return res
}

func TestAckAndRTT(t *testing.T) {
	l := newDetector(true)
	l.SetHandshakeConfirmed(0)
	var h recorder
	for pn := uint64(0); pn < 5; pn++ {
		sendAt(l, appData, pn, protocol.Time(pn)*10*ms)
	}
	if l.BytesInFlight() != 6000 || !l.HasAckElicitingInFlight(appData) {
		t.Fatalf("bytes in flight %d", l.BytesInFlight())
	}
	// PTO from the last packet: 40 + 999 + 25 ms.
	if l.LossTimer() != 1064*ms {
		t.Errorf("PTO timer %v", l.LossTimer())
	}
	res := ack(t, l, appData, 100*ms, &h, AckRange{0, 2})
	if res.NewlyAcked != 3 || res.Lost != 0 || !res.RTTSample || !slices.Equal(h.acked, []uint64{0, 1, 2}) {
		t.Fatalf("result %+v acked %v", res, h.acked)
	}
	if l.RTT().LatestRTT() != 80*time.Millisecond || l.BytesInFlight() != 2400 {
		t.Errorf("latest RTT %v, bytes in flight %d", l.RTT().LatestRTT(), l.BytesInFlight())
	}
	// Only half the window was in use: no growth (RFC 9002, 7.8).
	if l.Controller().Window() != 12000 {
		t.Errorf("window %d", l.Controller().Window())
	}
	// A repeated ACK acknowledges nothing new and takes no RTT sample.
	h.reset()
	res = ack(t, l, appData, 110*ms, &h, AckRange{0, 2})
	if res.NewlyAcked != 0 || res.RTTSample || len(h.acked) != 0 {
		t.Errorf("duplicate ACK: %+v", res)
	}
	// PTO from the newest packet: 40 + 80 + 4*40 + 25 ms.
	if l.LossTimer() != 305*ms {
		t.Errorf("PTO timer %v", l.LossTimer())
	}
	if l.PTOCount() != 0 {
		t.Errorf("pto count %d", l.PTOCount())
	}
	// No RTT sample when the largest acknowledged is not newly acknowledged.
	h.reset()
	res = ack(t, l, appData, 115*ms, &h, AckRange{4, 4}, AckRange{0, 2})
	if !res.RTTSample {
		t.Error("no RTT sample for a new largest")
	}
	res = ack(t, l, appData, 130*ms, &h, AckRange{3, 4})
	if res.NewlyAcked != 1 || res.RTTSample {
		t.Errorf("RTT sample from an old largest: %+v", res)
	}
	if l.LossTimer() != protocol.Never || l.BytesInFlight() != 0 {
		t.Errorf("timer %v with nothing in flight", l.LossTimer())
	}
}

func TestPacketAndTimeThreshold(t *testing.T) {
	l := newDetector(true)
	var h recorder
	for pn := uint64(0); pn < 6; pn++ {
		sendAt(l, appData, pn, protocol.Time(pn)*ms)
	}
	// latest_rtt = 45 ms; the loss delay is 9/8 of it, 50.625 ms.
	res := ack(t, l, appData, 50*ms, &h, AckRange{4, 5})
	if res.Lost != 3 || !slices.Equal(h.lost, []uint64{0, 1, 2}) || !res.CongestionEvent {
		t.Fatalf("packet threshold: %+v lost %v", res, h.lost)
	}
	if l.Controller().Window() != 6000 || !l.Controller().InRecovery() {
		t.Errorf("window %d after loss", l.Controller().Window())
	}
	// Packet 3 is within the packet threshold: its loss timer is
	// 3 + 50.625 ms.
	want := 3*ms + protocol.Time(50625*time.Microsecond)
	if l.LossTimer() != want {
		t.Fatalf("loss timer %v, want %v", l.LossTimer(), want)
	}
	// Too early: nothing happens.
	if r := l.OnLossTimeout(want-1, &h); r != (TimeoutResult{}) {
		t.Errorf("early timeout did %+v", r)
	}
	h.reset()
	r := l.OnLossTimeout(want, &h)
	if r.Lost != 1 || r.Probes != 0 || !slices.Equal(h.lost, []uint64{3}) {
		t.Fatalf("time threshold: %+v lost %v", r, h.lost)
	}
	// Packet 3 was sent before recovery began: no second reduction.
	if l.Controller().Window() != 6000 || l.BytesInFlight() != 0 {
		t.Errorf("window %d, in flight %d", l.Controller().Window(), l.BytesInFlight())
	}
}

func TestPTOClient(t *testing.T) {
	l := newDetector(false)
	var h recorder
	sendAt(l, initial, 0, 0)
	if l.LossTimer() != 999*ms {
		t.Fatalf("first PTO %v", l.LossTimer())
	}
	r := l.OnLossTimeout(999*ms, &h)
	if r.Probes != 2 || r.ProbeSpace != initial || l.PTOCount() != 1 || l.ProbesPending(initial) != 2 {
		t.Fatalf("PTO: %+v count %d", r, l.PTOCount())
	}
	if !l.CanSend(initial) {
		t.Error("probe blocked")
	}
	// Backed off: 0 + 2*999 ms.
	if l.LossTimer() != 1998*ms {
		t.Errorf("backed-off PTO %v", l.LossTimer())
	}
	sendAt(l, initial, 1, 999*ms)
	if l.ProbesPending(initial) != 1 || l.LossTimer() != 2997*ms {
		t.Errorf("after probe: pending %d timer %v", l.ProbesPending(initial), l.LossTimer())
	}
	// An Initial ACK does not reset the client's backoff; with nothing in
	// flight the client keeps an anti-deadlock timer (RFC 9002, 6.2.2.1):
	// first sample 100 ms, PTO 300 ms, doubled.
	ack(t, l, initial, 1099*ms, &h, AckRange{0, 1})
	if l.PTOCount() != 1 || l.LossTimer() != 1699*ms {
		t.Fatalf("anti-deadlock timer %v, pto count %d", l.LossTimer(), l.PTOCount())
	}
	r = l.OnLossTimeout(1699*ms, &h)
	if r.Probes != 1 || r.ProbeSpace != initial {
		t.Errorf("anti-deadlock probe %+v", r)
	}
	l.SetHasHandshakeKeys()
	r = l.OnLossTimeout(l.LossTimer(), &h)
	if r.Probes != 1 || r.ProbeSpace != handshake || l.PTOCount() != 3 {
		t.Errorf("anti-deadlock probe with handshake keys %+v", r)
	}
	// A Handshake ACK completes address validation: the backoff resets and,
	// with nothing in flight, no timer is armed.
	sendAt(l, handshake, 0, 5000*ms)
	ack(t, l, handshake, 5100*ms, &h, AckRange{0, 0})
	if l.PTOCount() != 0 || l.LossTimer() != protocol.Never {
		t.Errorf("after Handshake ACK: count %d timer %v", l.PTOCount(), l.LossTimer())
	}
}

func TestPTOClientAppDataOnly(t *testing.T) {
	// A client with only 0-RTT in flight and no validation keeps a PTO
	// armed for the handshake spaces.
	l := newDetector(false)
	sendAt(l, appData, 0, 0)
	if l.LossTimer() != 999*ms {
		t.Fatalf("timer %v", l.LossTimer())
	}
	if r := l.OnLossTimeout(999*ms, &recorder{}); r.ProbeSpace != initial || r.Probes != 2 {
		t.Errorf("probe %+v", r)
	}
}

func TestPTOServerAmplification(t *testing.T) {
	l := newDetector(true)
	sendAt(l, initial, 0, 0)
	l.SetAmplificationBlocked(true, 0)
	if l.LossTimer() != protocol.Never {
		t.Fatalf("blocked server armed PTO at %v", l.LossTimer())
	}
	// A datagram from the client unblocks it: the timer, now in the past,
	// fires at once.
	l.SetAmplificationBlocked(false, 2000*ms)
	if l.LossTimer() != 999*ms {
		t.Fatalf("timer %v", l.LossTimer())
	}
	if r := l.OnLossTimeout(2000*ms, &recorder{}); r.Probes != 2 || r.ProbeSpace != initial {
		t.Errorf("probe %+v", r)
	}
}

func TestPTOAppDataWaitsForConfirmation(t *testing.T) {
	l := newDetector(true)
	sendAt(l, appData, 0, 0)
	if l.LossTimer() != protocol.Never {
		t.Fatalf("Application Data PTO before confirmation: %v", l.LossTimer())
	}
	sendAt(l, handshake, 0, 5*ms)
	if l.LossTimer() != 1004*ms {
		t.Fatalf("Handshake PTO %v", l.LossTimer())
	}
	var h recorder
	l.DiscardSpace(handshake, 10*ms, &h)
	l.SetHandshakeConfirmed(10 * ms)
	// max_ack_delay counts in the Application Data space: 999 + 25 ms.
	if l.LossTimer() != 1024*ms || !slices.Equal(h.discarded, []uint64{0}) {
		t.Fatalf("timer %v discarded %v", l.LossTimer(), h.discarded)
	}
	r := l.OnLossTimeout(1024*ms, &h)
	if r.ProbeSpace != appData || l.LossTimer() != 2048*ms {
		t.Errorf("probe %+v, backed-off timer %v", r, l.LossTimer())
	}
}

func TestDiscardSpace(t *testing.T) {
	l := newDetector(true)
	var h recorder
	sendAt(l, initial, 0, 0)
	sendAt(l, initial, 1, 1*ms)
	sendAt(l, handshake, 0, 2*ms)
	l.OnPacketSent(SentPacket{PacketNumber: 2, TimeSent: 3 * ms, Size: 50, Space: initial}) // ACK only
	l.OnLossTimeout(l.LossTimer(), &h)
	if l.PTOCount() != 1 || l.BytesInFlight() != 3600 {
		t.Fatalf("count %d in flight %d", l.PTOCount(), l.BytesInFlight())
	}
	l.DiscardSpace(initial, 1500*ms, &h)
	if !slices.Equal(h.discarded, []uint64{0, 1, 2}) || l.BytesInFlight() != 1200 || l.PTOCount() != 0 || l.ProbesPending(initial) != 0 {
		t.Fatalf("discarded %v in flight %d", h.discarded, l.BytesInFlight())
	}
	if l.LossTimer() != 1001*ms { // the Handshake packet's PTO, backoff reset
		t.Errorf("timer %v", l.LossTimer())
	}
}

// persistentScenario plays RFC 9002's example (7.6.3) with one unit of
// 50 ms after an RTT sample that makes the PTO period 100 ms ("2").
func persistentScenario(t *testing.T, ackFive, sampleFirst bool) (*LossDetector, AckResult, *recorder) {
	l := newDetector(true)
	l.SetHandshakeConfirmed(0)
	var h recorder
	base := protocol.Time(0)
	if sampleFirst {
		// latest 25 ms: smoothed 25, rttvar 12.5, PTO 25+50+25 = 100 ms.
		sendAt(l, appData, 0, 0)
		ack(t, l, appData, 25*ms, &h, AckRange{0, 0})
		if l.RTT().PTO(true) != 100*time.Millisecond {
			t.Fatalf("PTO %v", l.RTT().PTO(true))
		}
		base = 100 * ms
	} else {
		sendAt(l, appData, 0, 0) // never acknowledged, so no sample yet
	}
	unit := func(u float64) protocol.Time { return base + protocol.Time(u*float64(50*ms)) }
	sendAt(l, appData, 1, unit(0))
	sendAt(l, appData, 2, unit(1))
	if sampleFirst {
		// ACK of 1 with 35 ms ack delay keeps smoothed at 25 ms.
		if _, err := l.OnAckReceived(appData, []AckRange{{1, 1}, {0, 0}}, 35*time.Millisecond, nil, unit(1.2), &h); err != nil {
			t.Fatal(err)
		}
	}
	for pn := uint64(3); pn <= 7; pn++ {
		sendAt(l, appData, pn, unit(float64(pn-1)))
	}
	sendAt(l, appData, 8, unit(8))
	if ackFive {
		ack(t, l, appData, unit(8.5), &h, AckRange{5, 5})
	}
	sendAt(l, appData, 9, unit(12))
	h.reset()
	res := ack(t, l, appData, unit(12.2), &h, AckRange{9, 9})
	return l, res, &h
}

func TestPersistentCongestion(t *testing.T) {
	l, res, h := persistentScenario(t, false, true)
	if !slices.Equal(h.lost, []uint64{2, 3, 4, 5, 6, 7, 8}) || !res.PersistentCongestion {
		t.Fatalf("lost %v, result %+v", h.lost, res)
	}
	// The window collapsed to 2400 and, as recovery was reset, the ACK of
	// packet 9 then grew it in slow start (RFC 9002, B.8 before B.5).
	if l.Controller().Window() != congestion.MinimumWindow(1200)+1200 || !l.Controller().InSlowStart() {
		t.Errorf("window %d after persistent congestion", l.Controller().Window())
	}
	if l.RTT().MinRTT() != l.RTT().LatestRTT() {
		t.Error("min_rtt not reset to the latest sample")
	}
}

func TestNoPersistentCongestion(t *testing.T) {
	// An acknowledged packet splits the lost span into two short ones.
	l, res, _ := persistentScenario(t, true, true)
	if res.PersistentCongestion || l.Controller().Window() == congestion.MinimumWindow(1200) {
		t.Errorf("persistent congestion across an acknowledged packet: %+v", res)
	}
	// Without an RTT sample before the losses, the span does not count.
	_, res, h := persistentScenario(t, false, false)
	if res.PersistentCongestion || len(h.lost) == 0 {
		t.Errorf("persistent congestion without a prior RTT sample: %+v lost %v", res, h.lost)
	}
}

func TestInvalidAcks(t *testing.T) {
	l := newDetector(true)
	var h recorder
	sendAt(l, appData, 0, 0)
	sendAt(l, appData, 2, 1*ms) // 1 skipped
	for _, pn := range []uint64{3, 4, 5} {
		sendAt(l, appData, pn, 2*ms)
	}
	tests := []struct {
		name   string
		ranges []AckRange
	}{
		{"unsent", []AckRange{{6, 6}}},
		{"skipped", []AckRange{{1, 2}}},
		{"empty", nil},
		{"inverted", []AckRange{{3, 2}}},
		{"overlap", []AckRange{{3, 5}, {2, 3}}},
		{"ascending", []AckRange{{0, 0}, {3, 3}}},
	}
	for _, tt := range tests {
		_, err := l.OnAckReceived(appData, tt.ranges, 0, &ECNCounts{}, 5*ms, &h)
		var te *qerr.TransportError
		if !errors.As(err, &te) || te.Code != qerr.ProtocolViolation || te.FrameType != 0x03 {
			t.Errorf("%s: error %v", tt.name, err)
		}
	}
	if _, ok := l.LargestAcked(appData); ok || len(h.acked) != 0 || l.BytesInFlight() != 6000 {
		t.Fatalf("state changed by invalid ACKs: acked %v", h.acked)
	}
	// Once 0..5 leave the ring, the skipped number is still remembered.
	ack(t, l, appData, 5*ms, &h, AckRange{2, 5}, AckRange{0, 0})
	if _, err := l.OnAckReceived(appData, []AckRange{{1, 1}}, 0, nil, 6*ms, &h); err == nil {
		t.Error("ACK of a skipped number accepted after it left the ring")
	}
}

func TestECNValidation(t *testing.T) {
	send := func(l *LossDetector, pn uint64, at protocol.Time, e ECN) {
		l.OnPacketSent(SentPacket{PacketNumber: pn, TimeSent: at, Size: 1200, AckEliciting: true, InFlight: true, Space: appData, ECN: e})
	}
	tests := []struct {
		name      string
		counts    *ECNCounts
		want      ECNResult
		congested bool
	}{
		{"no counts for marked packets", nil, ECNFailed, false},
		{"counts cover", &ECNCounts{ECT0: 2}, ECNValid, false},
		{"more than acked (lost ACKs)", &ECNCounts{ECT0: 3}, ECNValid, false},
		{"CE counts toward ECT0", &ECNCounts{ECT0: 1, CE: 1}, ECNValid, true},
		{"bleached", &ECNCounts{ECT0: 1}, ECNFailed, false},
		{"remarked to ECT1", &ECNCounts{ECT1: 2}, ECNFailed, false},
		{"more ECT0 than sent", &ECNCounts{ECT0: 5}, ECNFailed, false},
	}
	for _, tt := range tests {
		l := newDetector(true)
		for pn := uint64(0); pn < 4; pn++ {
			send(l, pn, protocol.Time(pn)*ms, ECNECT0)
		}
		res, err := l.OnAckReceived(appData, []AckRange{{0, 1}}, 0, tt.counts, 50*ms, &recorder{})
		if err != nil {
			t.Fatal(err)
		}
		if res.ECN != tt.want || res.ECNCongestion != tt.congested || res.CongestionEvent != tt.congested {
			t.Errorf("%s: %+v", tt.name, res)
		}
		if tt.congested && l.Controller().Window() != 6000 {
			t.Errorf("%s: CE did not reduce the window: %d", tt.name, l.Controller().Window())
		}
	}

	// Counts that decrease fail; an ACK that does not raise the largest
	// acknowledged is not validated at all.
	l := newDetector(true)
	for pn := uint64(0); pn < 4; pn++ {
		send(l, pn, protocol.Time(pn)*ms, ECNECT0)
	}
	var h recorder
	if res, _ := l.OnAckReceived(appData, []AckRange{{2, 2}}, 0, &ECNCounts{ECT0: 1}, 50*ms, &h); res.ECN != ECNValid {
		t.Fatalf("first: %+v", res)
	}
	if res, _ := l.OnAckReceived(appData, []AckRange{{2, 2}, {0, 0}}, 0, nil, 51*ms, &h); res.ECN != ECNUnchecked {
		t.Errorf("reordered ACK validated: %+v", res)
	}
	if res, _ := l.OnAckReceived(appData, []AckRange{{3, 3}}, 0, &ECNCounts{ECT0: 0, CE: 1}, 52*ms, &h); res.ECN != ECNFailed {
		t.Errorf("decreasing counts: %+v", res)
	}
	// Unmarked packets with no counts are simply unchecked.
	l = newDetector(true)
	send(l, 0, 0, ECNNotECT)
	if res, _ := l.OnAckReceived(appData, []AckRange{{0, 0}}, 0, nil, 10*ms, &h); res.ECN != ECNUnchecked {
		t.Errorf("unmarked: %+v", res)
	}
}

func TestNonElicitingAndProbeLoss(t *testing.T) {
	l := newDetector(true)
	var h recorder
	// An ACK-only packet: not in flight, no RTT sample when acknowledged
	// alone, no congestion when lost.
	l.OnPacketSent(SentPacket{PacketNumber: 0, TimeSent: 0, Size: 40, Space: appData})
	if l.BytesInFlight() != 0 || l.LossTimer() != protocol.Never {
		t.Fatalf("ACK-only packet in flight")
	}
	res := ack(t, l, appData, 10*ms, &h, AckRange{0, 0})
	if res.NewlyAcked != 1 || res.RTTSample || l.RTT().HasSample() {
		t.Errorf("%+v", res)
	}
	// A lost PMTU probe is not a congestion signal (RFC 9000, 14.4).
	l.OnPacketSent(SentPacket{PacketNumber: 1, TimeSent: 20 * ms, Size: 1500, AckEliciting: true, InFlight: true, PMTUProbe: true, Space: appData})
	for pn := uint64(2); pn < 5; pn++ {
		sendAt(l, appData, pn, 21*ms)
	}
	res = ack(t, l, appData, 60*ms, &h, AckRange{3, 4})
	if res.Lost != 1 || res.CongestionEvent || l.Controller().Window() != 12000 {
		t.Errorf("probe loss: %+v window %d", res, l.Controller().Window())
	}
}

func TestMetrics(t *testing.T) {
	l := newDetector(true)
	sendAt(l, appData, 0, 0)
	ack(t, l, appData, 100*ms, &recorder{}, AckRange{0, 0})
	m := l.Metrics()
	want := Metrics{
		MinRTT: 100 * time.Millisecond, SmoothedRTT: 100 * time.Millisecond, LatestRTT: 100 * time.Millisecond,
		RTTVariance: 50 * time.Millisecond, CongestionWindow: 12000, SSThresh: congestion.InfiniteSSThresh,
		PacingRate: 1200000, // 1.25 * 12000 B / 0.1 s = 150000 B/s
	}
	if m != want {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
}

func TestResetForRetry(t *testing.T) {
	l := newDetector(false)
	var h recorder
	sendAt(l, initial, 0, 0)
	sendAt(l, appData, 0, 1*ms) // 0-RTT
	l.OnLossTimeout(999*ms, &h)
	cc := congestion.NewCubic(1200)
	l.ResetForRetry(1000*ms, &h, cc, 50*time.Millisecond)
	if !slices.Equal(h.lost, []uint64{0, 0}) || l.BytesInFlight() != 0 || l.PTOCount() != 0 || l.ProbesPending(initial) != 0 {
		t.Fatalf("lost %v in flight %d", h.lost, l.BytesInFlight())
	}
	if l.Controller() != cc || l.RTT().SmoothedRTT() != 50*time.Millisecond {
		t.Error("controller or RTT not reset")
	}
	// The client is still unvalidated: the anti-deadlock PTO is armed,
	// from the new initial RTT: 50 + 4*25 ms.
	if l.LossTimer() != 1150*ms {
		t.Errorf("timer %v", l.LossTimer())
	}
	// Packet numbers continue after the Retry.
	sendAt(l, initial, 1, 1000*ms)
	ack(t, l, initial, 1050*ms, &h, AckRange{1, 1})
	if _, err := l.OnAckReceived(initial, []AckRange{{0, 1}}, 0, nil, 1060*ms, &h); err != nil {
		t.Errorf("ACK covering the pre-Retry packet: %v", err)
	}
	l.OnPathChange(congestion.NewNewReno(1200), 0)
	if l.RTT().HasSample() || l.RTT().SmoothedRTT() != DefaultInitialRTT || l.Controller().Window() != 12000 {
		t.Error("path change did not reset")
	}
}
