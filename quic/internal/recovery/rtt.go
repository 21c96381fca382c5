// Package recovery implements QUIC loss detection and acknowledgment
// generation: the RTT estimator (RFC 9002, 5), the receive-side ACK
// tracker (RFC 9000, 13.2), the sent packet store and the loss detector
// with its probe timeout (RFC 9002, 6 and Appendix A). It is sans-IO:
// every input carries the time, and results come back through return
// values and a Handler.
package recovery

import (
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// RFC 9002 constants (Appendix A.2).
const (
	// DefaultInitialRTT is kInitialRtt (RFC 9002, 6.2.2).
	DefaultInitialRTT = 333 * time.Millisecond
	// Granularity is kGranularity, the timer granularity.
	Granularity = time.Millisecond
	// DefaultMaxAckDelay is max_ack_delay when the peer does not send the
	// transport parameter (RFC 9000, 18.2).
	DefaultMaxAckDelay = 25 * time.Millisecond
	// packetThreshold is kPacketThreshold (RFC 9002, 6.1.1).
	packetThreshold = 3
	// persistentCongestionThreshold is kPersistentCongestionThreshold
	// (RFC 9002, 7.6.1).
	persistentCongestionThreshold = 3
)

// RTTStats estimates the path's round-trip time (RFC 9002, 5).
type RTTStats struct {
	initialRTT  time.Duration
	latest      time.Duration
	min         time.Duration
	smoothed    time.Duration
	rttvar      time.Duration
	maxAckDelay time.Duration // the peer's max_ack_delay
	hasSample   bool
	firstSample protocol.Time // first_rtt_sample
}

// NewRTTStats returns an estimator starting from initialRTT, or
// DefaultInitialRTT if it is zero (RFC 9002, 5.3).
func NewRTTStats(initialRTT time.Duration) *RTTStats {
	r := &RTTStats{maxAckDelay: DefaultMaxAckDelay}
	r.Reset(initialRTT)
	return r
}

// Reset forgets all samples and starts again from initialRTT (or
// DefaultInitialRTT), as for a new path (RFC 9002, 5.3; RFC 9000, 9.4).
func (r *RTTStats) Reset(initialRTT time.Duration) {
	if initialRTT <= 0 {
		initialRTT = DefaultInitialRTT
	}
	*r = RTTStats{
		initialRTT:  initialRTT,
		smoothed:    initialRTT,
		rttvar:      initialRTT / 2,
		maxAckDelay: r.maxAckDelay,
	}
}

// SetMaxAckDelay records the peer's max_ack_delay transport parameter.
func (r *RTTStats) SetMaxAckDelay(d time.Duration) { r.maxAckDelay = d }

// MaxAckDelay returns the peer's max_ack_delay.
func (r *RTTStats) MaxAckDelay() time.Duration { return r.maxAckDelay }

// LatestRTT returns latest_rtt, zero before the first sample.
func (r *RTTStats) LatestRTT() time.Duration { return r.latest }

// MinRTT returns min_rtt, zero before the first sample.
func (r *RTTStats) MinRTT() time.Duration { return r.min }

// SmoothedRTT returns smoothed_rtt.
func (r *RTTStats) SmoothedRTT() time.Duration { return r.smoothed }

// RTTVar returns rttvar.
func (r *RTTStats) RTTVar() time.Duration { return r.rttvar }

// HasSample reports whether an RTT sample has been taken.
func (r *RTTStats) HasSample() bool { return r.hasSample }

// FirstSampleTime returns when the first sample was taken
// (first_rtt_sample); valid only if HasSample.
func (r *RTTStats) FirstSampleTime() protocol.Time { return r.firstSample }

// Update adds a sample latest (ack_time - send time of the largest
// acknowledged packet) with the peer's reported ackDelay (RFC 9002, 5.3
// and A.7). Before the handshake is confirmed, ackDelay is not capped by
// max_ack_delay; it is never subtracted below min_rtt.
func (r *RTTStats) Update(latest, ackDelay time.Duration, handshakeConfirmed bool, now protocol.Time) {
	if latest < 0 {
		latest = 0
	}
	r.latest = latest
	if !r.hasSample {
		r.hasSample = true
		r.firstSample = now
		r.min = latest
		r.smoothed = latest
		r.rttvar = latest / 2
		return
	}
	r.min = min(r.min, latest)
	if handshakeConfirmed {
		ackDelay = min(ackDelay, r.maxAckDelay)
	}
	adjusted := latest
	if ackDelay > 0 && latest >= r.min+ackDelay {
		adjusted = latest - ackDelay
	}
	r.rttvar = (3*r.rttvar + abs(r.smoothed-adjusted)) / 4
	r.smoothed = (7*r.smoothed + adjusted) / 8
}

// OnPersistentCongestion resets min_rtt to the latest sample, so the
// estimate can follow an RTT increase (RFC 9002, 5.2).
func (r *RTTStats) OnPersistentCongestion() { r.min = r.latest }

// PTO returns the probe timeout period without backoff (RFC 9002,
// 6.2.1): smoothed_rtt + max(4*rttvar, kGranularity), plus max_ack_delay
// if includeMaxAckDelay (Application Data space).
func (r *RTTStats) PTO(includeMaxAckDelay bool) time.Duration {
	d := r.smoothed + max(4*r.rttvar, Granularity)
	if includeMaxAckDelay {
		d += r.maxAckDelay
	}
	return d
}

// PersistentCongestionDuration returns the span of losses that declares
// persistent congestion (RFC 9002, 7.6.1).
func (r *RTTStats) PersistentCongestionDuration() time.Duration {
	return r.PTO(true) * persistentCongestionThreshold
}

// lossDelay returns the time threshold for loss detection (RFC 9002,
// 6.1.2): max(9/8 * max(smoothed_rtt, latest_rtt), kGranularity).
func (r *RTTStats) lossDelay() time.Duration {
	d := max(r.smoothed, r.latest)
	return max(d+d/8, Granularity)
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
