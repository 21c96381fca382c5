package qlog

import "time"

// RecoveryParameters is the data of recovery:parameters_set: the RFC 9002
// constants in use (Appendix A.2, B.2). Zero fields other than
// TimerGranularity are not logged.
type RecoveryParameters struct {
	ReorderingThreshold           uint64
	TimeThreshold                 float64 // RTT multiplier, 9/8
	TimerGranularity              time.Duration
	InitialRTT                    time.Duration
	MaxDatagramSize               uint64
	InitialCongestionWindow       uint64
	MinimumCongestionWindow       uint64
	LossReductionFactor           float64
	PersistentCongestionThreshold uint64
}

// RecoveryParametersSet logs recovery:parameters_set.
func (t *ConnectionTracer) RecoveryParametersSet(now int64, p *RecoveryParameters) {
	if t == nil || !t.begin(now, evRecoveryParametersSet) {
		return
	}
	e := &t.e
	e.uintOpt("reordering_threshold", p.ReorderingThreshold)
	if p.TimeThreshold != 0 {
		e.float("time_threshold", p.TimeThreshold)
	}
	e.ms("timer_granularity", p.TimerGranularity)
	if p.InitialRTT != 0 {
		e.ms("initial_rtt", p.InitialRTT)
	}
	e.uintOpt("max_datagram_size", p.MaxDatagramSize)
	e.uintOpt("initial_congestion_window", p.InitialCongestionWindow)
	e.uintOpt("minimum_congestion_window", p.MinimumCongestionWindow)
	if p.LossReductionFactor != 0 {
		e.float("loss_reduction_factor", p.LossReductionFactor)
	}
	e.uintOpt("persistent_congestion_threshold", p.PersistentCongestionThreshold)
	t.finish()
}

// Metrics is a snapshot of the recovery state for metrics_updated.
type Metrics struct {
	MinRTT           time.Duration
	SmoothedRTT      time.Duration
	LatestRTT        time.Duration
	RTTVariance      time.Duration
	PTOCount         uint64
	CongestionWindow uint64
	BytesInFlight    uint64
	// SSThresh above 2^53 (the "infinite" initial value) is not logged:
	// JavaScript readers cannot hold it.
	SSThresh        uint64
	PacketsInFlight uint64
	PacingRate      uint64 // bits per second
}

// maxSafeInteger is 2^53, above which JSON numbers lose precision in qvis.
const maxSafeInteger = 1 << 53

// MetricsUpdated logs recovery:metrics_updated with the fields of m that
// differ from the last logged snapshot, all in one event as the draft asks
// (quic-events, 9.2); nothing is written when none changed. Pass the full
// current state every time.
func (t *ConnectionTracer) MetricsUpdated(now int64, m *Metrics) {
	if t == nil {
		return
	}
	t.mu.Lock()
	cur := *m
	if cur.SSThresh > maxSafeInteger {
		cur.SSThresh = t.metrics.SSThresh
	}
	old := t.metrics
	if cur == old || !t.beginLocked(now, evMetricsUpdated) {
		t.mu.Unlock()
		return
	}
	e := &t.e
	if cur.MinRTT != old.MinRTT {
		e.ms("min_rtt", cur.MinRTT)
	}
	if cur.SmoothedRTT != old.SmoothedRTT {
		e.ms("smoothed_rtt", cur.SmoothedRTT)
	}
	if cur.LatestRTT != old.LatestRTT {
		e.ms("latest_rtt", cur.LatestRTT)
	}
	if cur.RTTVariance != old.RTTVariance {
		e.ms("rtt_variance", cur.RTTVariance)
	}
	if cur.PTOCount != old.PTOCount {
		e.uint("pto_count", cur.PTOCount)
	}
	if cur.CongestionWindow != old.CongestionWindow {
		e.uint("congestion_window", cur.CongestionWindow)
	}
	if cur.BytesInFlight != old.BytesInFlight {
		e.uint("bytes_in_flight", cur.BytesInFlight)
	}
	if cur.SSThresh != old.SSThresh {
		e.uint("ssthresh", cur.SSThresh)
	}
	if cur.PacketsInFlight != old.PacketsInFlight {
		e.uint("packets_in_flight", cur.PacketsInFlight)
	}
	if cur.PacingRate != old.PacingRate {
		e.uint("pacing_rate", min(cur.PacingRate, maxSafeInteger))
	}
	t.metrics = cur
	t.finish()
}

// CongestionStateUpdated logs recovery:congestion_state_updated; states
// are the controller's own names ("slow_start", "congestion_avoidance",
// "recovery", "application_limited"). old and trigger may be "".
func (t *ConnectionTracer) CongestionStateUpdated(now int64, old, new, trigger string) {
	if t == nil || !t.begin(now, evCongestionStateUpdated) {
		return
	}
	t.e.strOpt("old", old)
	t.e.str("new", new)
	t.e.strOpt("trigger", trigger)
	t.finish()
}

// LossTimerUpdated logs recovery:loss_timer_updated. delta, the time from
// now until the timer fires, is written for TimerSet only; space "" is
// not logged.
func (t *ConnectionTracer) LossTimerUpdated(now int64, event TimerEvent, timerType TimerType, space PacketNumberSpace, delta time.Duration) {
	if t == nil || !t.begin(now, evLossTimerUpdated) {
		return
	}
	t.e.str("event_type", string(event))
	t.e.strOpt("timer_type", string(timerType))
	t.e.strOpt("packet_number_space", string(space))
	if event == TimerSet {
		t.e.ms("delta", delta)
	}
	t.finish()
}

// PacketLost logs recovery:packet_lost: the header (type and number at
// least), the frames if known, and the trigger.
func (t *ConnectionTracer) PacketLost(now int64, p *Packet, trigger LossTrigger) {
	if t == nil || !t.begin(now, evPacketLost) {
		return
	}
	e := &t.e
	e.header(&p.Header)
	if p.Frames != nil {
		e.frames("frames", p.Frames)
	}
	if p.IsMTUProbe {
		e.bool("is_mtu_probe_packet", true)
	}
	e.strOpt("trigger", string(trigger))
	t.finish()
}

// MarkedForRetransmit logs recovery:marked_for_retransmit with the frames
// whose data is queued again.
func (t *ConnectionTracer) MarkedForRetransmit(now int64, frames []Frame) {
	if t == nil || !t.begin(now, evMarkedForRetransmit) {
		return
	}
	t.e.frames("frames", frames)
	t.finish()
}

// ECNStateUpdated logs recovery:ecn_state_updated (RFC 9000, A.4); old
// may be "".
func (t *ConnectionTracer) ECNStateUpdated(now int64, old, new ECNState) {
	if t == nil || !t.begin(now, evECNStateUpdated) {
		return
	}
	t.e.strOpt("old", string(old))
	t.e.str("new", string(new))
	t.finish()
}
