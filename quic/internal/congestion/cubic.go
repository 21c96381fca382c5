package congestion

import (
	"math"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// CUBIC constants (RFC 9438, 4.1.1).
const (
	cubicC     = 0.4 // segments per second cubed
	betaCubic  = 0.7
	alphaCubic = 3 * (1 - betaCubic) / (1 + betaCubic) // 4.3
)

// Cubic is the CUBIC congestion controller of RFC 9438 with windows kept
// in bytes (4.1). Slow start is Reno's (RFC 9002, 7.3.1); recovery
// periods, the minimum window and persistent congestion follow RFC 9002.
type Cubic struct {
	maxDatagramSize int
	cwnd            float64 // bytes; fractional so per-ACK increments add up
	ssthresh        int
	recovery        recoveryPeriod
	appLimited      bool

	// FastConvergence lowers W_max when the window shrinks between
	// congestion events (RFC 9438, 4.7). NewCubic enables it.
	FastConvergence bool

	wMax       float64       // bytes; 0 until the first congestion event
	cwndPrior  float64       // bytes, cwnd before the last reduction
	k          float64       // seconds to climb back to wMax
	wEst       float64       // bytes, Reno-friendly estimate (4.3)
	epochStart protocol.Time // t_epoch
	inEpoch    bool          // a congestion avoidance stage is under way
	lastAck    protocol.Time
	hasLastAck bool
}

// NewCubic returns a CUBIC controller in slow start with the initial window
// for maxDatagramSize and fast convergence enabled.
func NewCubic(maxDatagramSize int) *Cubic {
	return &Cubic{
		maxDatagramSize: maxDatagramSize,
		cwnd:            float64(InitialWindow(maxDatagramSize)),
		ssthresh:        InfiniteSSThresh,
		FastConvergence: true,
	}
}

// OnPacketSent is part of Controller; application-limited periods are
// detected on acknowledgment instead.
func (c *Cubic) OnPacketSent(now protocol.Time, bytes, bytesInFlight int) {}

// wCubic returns W_cubic(t) in bytes (RFC 9438, eq. 1).
func (c *Cubic) wCubic(t float64) float64 {
	d := t - c.k
	return cubicC*d*d*d*float64(c.maxDatagramSize) + c.wMax
}

// OnPacketAcked grows the window: slow start below ssthresh, else the
// larger of the cubic and Reno-friendly windows (RFC 9438, 4.2-4.5).
func (c *Cubic) OnPacketAcked(now, sentTime protocol.Time, bytes, priorInFlight int, rtt RTTStats) {
	c.recovery.onAck(sentTime)
	since, hadAck := now.Sub(c.lastAck), c.hasLastAck
	c.lastAck, c.hasLastAck = now, true
	if !cwndLimited(int(c.cwnd), priorInFlight, c.maxDatagramSize, c.InSlowStart()) {
		c.appLimited = true
		// t must not include application-limited time (4.2).
		if c.inEpoch && hadAck && since > 0 {
			c.epochStart = c.epochStart.Add(since)
		}
		return
	}
	c.appLimited = false
	if c.recovery.contains(sentTime) {
		return
	}
	if c.InSlowStart() {
		c.cwnd += float64(bytes)
		return
	}
	mds := float64(c.maxDatagramSize)
	if !c.inEpoch {
		c.startEpoch(now)
	}
	t := now.Sub(c.epochStart).Seconds()

	// Reno-friendly region (4.3, eq. 4), with alpha 1 once W_est has
	// reached the window before the last reduction.
	alpha := alphaCubic
	if c.wEst >= c.cwndPrior {
		alpha = 1
	}
	c.wEst += alpha * mds * float64(bytes) / c.cwnd
	if c.wCubic(t) < c.wEst {
		c.cwnd = max(c.cwnd, c.wEst) // an ACK never shrinks the window
		return
	}

	// Concave and convex regions (4.4, 4.5): move towards the target one
	// RTT ahead, bounded to [cwnd, 1.5*cwnd] (4.2).
	target := c.wCubic(t + rtt.SmoothedRTT().Seconds())
	target = min(max(target, c.cwnd), 1.5*c.cwnd)
	c.cwnd += (target - c.cwnd) * float64(bytes) / c.cwnd
}

// startEpoch begins a congestion avoidance stage (4.2). Without a W_max
// above the window (after persistent congestion), K is 0 and W_max is the
// current window (4.8).
func (c *Cubic) startEpoch(now protocol.Time) {
	c.inEpoch = true
	c.epochStart = now
	if c.wMax <= c.cwnd {
		c.k = 0
		c.wMax = c.cwnd
	} else {
		c.k = math.Cbrt((c.wMax - c.cwnd) / (cubicC * float64(c.maxDatagramSize)))
	}
	c.wEst = c.cwnd
}

// OnCongestionEvent reduces the window by beta_cubic once per recovery
// period (RFC 9438, 4.6 and 4.7; RFC 9002, 7.3.2).
func (c *Cubic) OnCongestionEvent(now, sentTime protocol.Time) {
	if c.recovery.contains(sentTime) {
		return
	}
	c.recovery.enter(now)
	c.inEpoch = false
	if c.FastConvergence && c.cwnd < c.wMax {
		c.wMax = c.cwnd * (1 + betaCubic) / 2
	} else {
		c.wMax = c.cwnd
	}
	c.cwndPrior = c.cwnd
	minWin := MinimumWindow(c.maxDatagramSize)
	// RFC 9438 permits cwnd in place of flight_size because growth stops
	// while application limited (4.6).
	c.ssthresh = max(int(c.cwnd*betaCubic), minWin)
	c.cwnd = float64(c.ssthresh)
}

// OnPersistentCongestion collapses the window to the minimum; the next
// congestion avoidance stage starts with K = 0 (RFC 9438, 4.8;
// RFC 9002, 7.6.2).
func (c *Cubic) OnPersistentCongestion(now protocol.Time) {
	c.cwnd = float64(MinimumWindow(c.maxDatagramSize))
	c.recovery.reset()
	c.inEpoch = false
	c.wMax = 0
}

// Window returns the congestion window in bytes.
func (c *Cubic) Window() int { return int(c.cwnd) }

// SlowStartThreshold returns ssthresh in bytes.
func (c *Cubic) SlowStartThreshold() int { return c.ssthresh }

// CanSend reports whether a full-sized datagram fits in the window
// (RFC 9002, 7).
func (c *Cubic) CanSend(bytesInFlight int) bool {
	return bytesInFlight+c.maxDatagramSize <= int(c.cwnd)
}

// SetMaxDatagramSize recomputes the windows for a new datagram size
// (RFC 9002, 7.2).
func (c *Cubic) SetMaxDatagramSize(n int) {
	if int(c.cwnd) == InitialWindow(c.maxDatagramSize) && c.ssthresh == InfiniteSSThresh {
		c.cwnd = float64(InitialWindow(n))
	}
	c.maxDatagramSize = n
	c.cwnd = max(c.cwnd, float64(MinimumWindow(n)))
	c.inEpoch = false // K depends on the segment size: restart the stage
}

// InSlowStart reports whether cwnd < ssthresh.
func (c *Cubic) InSlowStart() bool { return int(c.cwnd) < c.ssthresh }

// InRecovery reports whether a recovery period is in progress.
func (c *Cubic) InRecovery() bool { return c.recovery.in }

// State returns the qlog congestion state.
func (c *Cubic) State() State {
	switch {
	case c.recovery.in:
		return StateRecovery
	case c.appLimited:
		return StateApplicationLimited
	case c.InSlowStart():
		return StateSlowStart
	default:
		return StateCongestionAvoidance
	}
}
