package congestion

import "github.com/quicr/quicr/quic/internal/protocol"

// NewReno is the congestion controller of RFC 9002, section 7 and
// Appendix B, with a loss reduction factor of 1/2.
type NewReno struct {
	maxDatagramSize int
	cwnd            int
	ssthresh        int
	// bytesAcked counts bytes acknowledged in congestion avoidance; the
	// window grows by one datagram per window acknowledged, which is the
	// integer form of B.5's max_datagram_size * sent_bytes / cwnd
	// (RFC 3465, 2.1).
	bytesAcked int
	recovery   recoveryPeriod
	appLimited bool
}

// NewNewReno returns a NewReno controller starting in slow start with the
// initial window for maxDatagramSize (RFC 9002, B.3).
func NewNewReno(maxDatagramSize int) *NewReno {
	return &NewReno{
		maxDatagramSize: maxDatagramSize,
		cwnd:            InitialWindow(maxDatagramSize),
		ssthresh:        InfiniteSSThresh,
	}
}

// OnPacketSent is part of Controller; NewReno keeps no per-send state.
func (r *NewReno) OnPacketSent(now protocol.Time, bytes, bytesInFlight int) {}

// OnPacketAcked grows the window (RFC 9002, B.5).
func (r *NewReno) OnPacketAcked(now, sentTime protocol.Time, bytes, priorInFlight int, rtt RTTStats) {
	r.recovery.onAck(sentTime)
	if !cwndLimited(r.cwnd, priorInFlight, r.maxDatagramSize, r.InSlowStart()) {
		r.appLimited = true
		return
	}
	r.appLimited = false
	if r.recovery.contains(sentTime) {
		return
	}
	if r.cwnd < r.ssthresh {
		r.cwnd += bytes
		return
	}
	r.bytesAcked += bytes
	if r.bytesAcked >= r.cwnd {
		r.bytesAcked -= r.cwnd
		r.cwnd += r.maxDatagramSize
	}
}

// OnCongestionEvent halves the window once per recovery period
// (RFC 9002, B.6).
func (r *NewReno) OnCongestionEvent(now, sentTime protocol.Time) {
	if r.recovery.contains(sentTime) {
		return
	}
	r.recovery.enter(now)
	r.ssthresh = r.cwnd / 2
	r.cwnd = max(r.ssthresh, MinimumWindow(r.maxDatagramSize))
	r.bytesAcked = 0
}

// OnPersistentCongestion collapses the window to the minimum
// (RFC 9002, B.8).
func (r *NewReno) OnPersistentCongestion(now protocol.Time) {
	r.cwnd = MinimumWindow(r.maxDatagramSize)
	r.bytesAcked = 0
	r.recovery.reset()
}

// Window returns the congestion window in bytes.
func (r *NewReno) Window() int { return r.cwnd }

// SlowStartThreshold returns ssthresh in bytes.
func (r *NewReno) SlowStartThreshold() int { return r.ssthresh }

// CanSend reports whether a full-sized datagram fits in the window
// (RFC 9002, 7).
func (r *NewReno) CanSend(bytesInFlight int) bool {
	return bytesInFlight+r.maxDatagramSize <= r.cwnd
}

// SetMaxDatagramSize recomputes the windows for a new datagram size: a
// window still at its initial value moves to the new initial window
// (RFC 9002, 7.2).
func (r *NewReno) SetMaxDatagramSize(n int) {
	if r.cwnd == InitialWindow(r.maxDatagramSize) && r.ssthresh == InfiniteSSThresh {
		r.cwnd = InitialWindow(n)
	}
	r.maxDatagramSize = n
	r.cwnd = max(r.cwnd, MinimumWindow(n))
}

// InSlowStart reports whether cwnd < ssthresh (RFC 9002, 7.3.1).
func (r *NewReno) InSlowStart() bool { return r.cwnd < r.ssthresh }

// InRecovery reports whether a recovery period is in progress.
func (r *NewReno) InRecovery() bool { return r.recovery.in }

// State returns the qlog congestion state.
func (r *NewReno) State() State {
	switch {
	case r.recovery.in:
		return StateRecovery
	case r.appLimited:
		return StateApplicationLimited
	case r.InSlowStart():
		return StateSlowStart
	default:
		return StateCongestionAvoidance
	}
}
