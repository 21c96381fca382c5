package recovery

import (
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// ResetForRetry resets loss recovery and congestion control when a client
// receives a Retry (RFC 9002, 6.3): every outstanding packet goes to
// h.OnPacketLost so its frames are sent again (the server dropped them;
// this is not a congestion signal), timers and the PTO backoff are
// cleared, cc replaces the controller and the RTT estimator restarts
// from initialRTT, which may be the time from the first Initial to the
// Retry (zero means the default). Packet numbers continue.
func (l *LossDetector) ResetForRetry(now protocol.Time, h Handler, cc congestion.Controller, initialRTT time.Duration) {
	for space := range l.spaces {
		sp := &l.spaces[space]
		s := &sp.sent
		for i := 0; i < s.n; i++ {
			e := &s.buf[(s.head+i)&(len(s.buf)-1)]
			if e.state == slotOutstanding {
				h.OnPacketLost(e.p)
			}
		}
		s.clear()
		sp.ackElicitingInFlight = 0
		sp.lastAckElicitingTime = 0
		sp.lossTime = protocol.Never
		sp.probes = 0
	}
	l.bytesInFlight = 0
	l.ptoCount = 0
	l.cc = cc
	l.rtt.Reset(initialRTT)
	l.setLossDetectionTimer(now)
}

// OnPathChange switches to a new path's congestion controller and restarts
// the RTT estimator from initialRTT (RFC 9000, 9.4). Packets in flight
// stay counted.
func (l *LossDetector) OnPathChange(cc congestion.Controller, initialRTT time.Duration) {
	l.cc = cc
	l.rtt.Reset(initialRTT)
}
