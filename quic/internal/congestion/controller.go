// Package congestion holds QUIC's congestion controllers (RFC 9002, 7 and
// RFC 9438) and the pacer (RFC 9002, 7.7). Everything here is sans-IO:
// times come in as protocol.Time and nothing reads a clock.
package congestion

import (
	"math"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// RTTStats is the view of the RTT estimator (RFC 9002, 5) a controller or
// the pacer needs. recovery.RTTStats implements it.
type RTTStats interface {
	SmoothedRTT() time.Duration
	MinRTT() time.Duration
	LatestRTT() time.Duration
}

// Controller is a sender-side congestion controller. The loss detector
// calls it; bytes in flight are counted by the caller and passed in.
type Controller interface {
	// OnPacketSent records an in-flight packet of the given size;
	// bytesInFlight includes it.
	OnPacketSent(now protocol.Time, bytes, bytesInFlight int)
	// OnPacketAcked processes one newly acknowledged in-flight packet.
	// priorInFlight is bytes in flight before the ACK frame was processed
	// and tells whether the window was used (RFC 9002, 7.8).
	OnPacketAcked(now, sentTime protocol.Time, bytes, priorInFlight int, rtt RTTStats)
	// OnCongestionEvent reacts to a loss or an ECN-CE increase; sentTime is
	// when the lost (or CE-acknowledged) packet was sent (RFC 9002, 7.3.2).
	OnCongestionEvent(now, sentTime protocol.Time)
	// OnPersistentCongestion collapses the window (RFC 9002, 7.6.2).
	OnPersistentCongestion(now protocol.Time)
	// Window returns the congestion window in bytes.
	Window() int
	// SlowStartThreshold returns ssthresh in bytes, math.MaxInt if unset.
	SlowStartThreshold() int
	// CanSend reports whether another packet fits in the window.
	CanSend(bytesInFlight int) bool
	// SetMaxDatagramSize updates the datagram size after PMTU discovery.
	SetMaxDatagramSize(n int)
	// InSlowStart reports whether the window is below ssthresh.
	InSlowStart() bool
	// InRecovery reports whether a recovery period is in progress.
	InRecovery() bool
	// State returns the state for qlog's congestion_state_updated.
	State() State
}

// State is a congestion controller state as qlog names it.
type State uint8

// Controller states.
const (
	StateSlowStart State = iota
	StateCongestionAvoidance
	StateApplicationLimited
	StateRecovery
)

var stateNames = [...]string{"slow_start", "congestion_avoidance", "application_limited", "recovery"}

// String returns the qlog name of s.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// InitialWindow returns kInitialWindow for a datagram size (RFC 9002, 7.2).
func InitialWindow(maxDatagramSize int) int {
	return min(10*maxDatagramSize, max(14720, 2*maxDatagramSize))
}

// MinimumWindow returns kMinimumWindow for a datagram size (RFC 9002, 7.2).
func MinimumWindow(maxDatagramSize int) int { return 2 * maxDatagramSize }

// InfiniteSSThresh is the initial slow start threshold (RFC 9002, B.3).
const InfiniteSSThresh = math.MaxInt

// maxBurstPackets is how far below the window bytes in flight may stay
// while the sender still counts as using the window: a burst the pacer
// or GSO batching holds back is not application limiting (RFC 9002, 7.8).
const maxBurstPackets = 3

// cwndLimited reports whether the sender was using its window when an ACK
// arrived (RFC 9002, 7.8). In slow start, half the window suffices, since
// the window doubles every round trip.
func cwndLimited(cwnd, priorInFlight, maxDatagramSize int, slowStart bool) bool {
	if priorInFlight >= cwnd {
		return true
	}
	if slowStart && priorInFlight > cwnd/2 {
		return true
	}
	return cwnd-priorInFlight <= maxBurstPackets*maxDatagramSize
}

// recoveryPeriod tracks the recovery period shared by both controllers
// (RFC 9002, 7.3.2): one window reduction per round trip.
type recoveryPeriod struct {
	start  protocol.Time
	active bool // a recovery period has started (start is valid)
	in     bool // and no packet sent after start has been acknowledged yet
}

// contains reports whether a packet sent at sentTime belongs to the current
// recovery period (InCongestionRecovery in RFC 9002, B.5).
func (r *recoveryPeriod) contains(sentTime protocol.Time) bool {
	return r.active && sentTime <= r.start
}

// enter starts a new recovery period at now.
func (r *recoveryPeriod) enter(now protocol.Time) {
	r.start, r.active, r.in = now, true, true
}

// onAck ends the recovery period when a packet sent after it started is
// acknowledged (RFC 9002, 7.3.2).
func (r *recoveryPeriod) onAck(sentTime protocol.Time) {
	if r.in && !r.contains(sentTime) {
		r.in = false
	}
}

// reset forgets the recovery period (RFC 9002, B.8 on persistent congestion).
func (r *recoveryPeriod) reset() { *r = recoveryPeriod{} }
