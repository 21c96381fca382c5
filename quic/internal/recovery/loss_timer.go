package recovery

import (
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// ackElicitingInFlight counts ack-eliciting packets in flight in all
// spaces.
func (l *LossDetector) ackElicitingInFlight() int {
	n := 0
	for i := range l.spaces {
		n += l.spaces[i].ackElicitingInFlight
	}
	return n
}

// peerCompletedAddressValidation reports whether the peer can no longer
// be blocked by the anti-amplification limit (RFC 9002, A.8): always for
// a server; for a client once a Handshake ACK arrived or the handshake is
// confirmed.
func (l *LossDetector) peerCompletedAddressValidation() bool {
	return l.isServer || l.peerAckedHandshake || l.handshakeConfirmed
}

// earliestLossTime returns the earliest loss_time and its space
// (GetLossTimeAndSpace in RFC 9002, A.8).
func (l *LossDetector) earliestLossTime() (protocol.Time, protocol.Space) {
	t, space := protocol.Never, protocol.SpaceInitial
	for s := range l.spaces {
		if l.spaces[s].lossTime < t {
			t, space = l.spaces[s].lossTime, protocol.Space(s)
		}
	}
	return t, space
}

// backoff returns d * 2^n, saturating.
func backoff(d time.Duration, n int) time.Duration {
	const maxD = time.Duration(1<<63 - 1)
	if n >= 62 || d > maxD>>n {
		return maxD
	}
	return d << n
}

// addSat returns t+d, saturating at protocol.Never.
func addSat(t protocol.Time, d time.Duration) protocol.Time {
	if d >= protocol.Never.Sub(t) {
		return protocol.Never
	}
	return t.Add(d)
}

// antiDeadlockSpace is where a client sends a probe with nothing in
// flight: Handshake if it has the keys, else a padded Initial
// (RFC 9002, 6.2.2.1).
func (l *LossDetector) antiDeadlockSpace() protocol.Space {
	if l.hasHandshakeKeys {
		return protocol.SpaceHandshake
	}
	return protocol.SpaceInitial
}

// ptoTimeAndSpace returns when the PTO fires and for which space
// (GetPtoTimeAndSpace in RFC 9002, A.8).
func (l *LossDetector) ptoTimeAndSpace(now protocol.Time) (protocol.Time, protocol.Space) {
	duration := backoff(l.rtt.PTO(false), l.ptoCount)
	if l.maxHandshakePTO > 0 && !l.handshakeConfirmed {
		// A capped backoff keeps a lossy handshake from going quiet for
		// longer than servers wait for it (quic-go gives up after 5 s).
		duration = min(duration, l.maxHandshakePTO)
	}
	if l.ackElicitingInFlight() == 0 {
		// Anti-deadlock PTO starts from now.
		return addSat(now, duration), l.antiDeadlockSpace()
	}
	timeout, space := protocol.Never, protocol.SpaceInitial
	for s := protocol.SpaceInitial; s < protocol.NumSpaces; s++ {
		sp := &l.spaces[s]
		if sp.ackElicitingInFlight == 0 {
			continue
		}
		d := duration
		if s == protocol.SpaceAppData {
			// No Application Data PTO before the handshake is confirmed
			// (RFC 9002, 6.2.1).
			if !l.handshakeConfirmed {
				break
			}
			d = backoff(l.rtt.PTO(true), l.ptoCount)
		}
		if t := addSat(sp.lastAckElicitingTime, d); t < timeout {
			timeout, space = t, s
		}
	}
	if timeout == protocol.Never && !l.peerCompletedAddressValidation() {
		// Only Application Data is in flight, but the client must keep a
		// PTO armed until the server validated its address
		// (RFC 9002, 6.2.2.1).
		return addSat(now, duration), l.antiDeadlockSpace()
	}
	return timeout, space
}

// setLossDetectionTimer re-arms the loss detection timer
// (SetLossDetectionTimer in RFC 9002, A.8).
func (l *LossDetector) setLossDetectionTimer(now protocol.Time) {
	if t, _ := l.earliestLossTime(); t != protocol.Never {
		l.timer = t // time threshold loss detection
		return
	}
	if l.isServer && l.amplificationBlocked {
		l.timer = protocol.Never // nothing could be sent anyway
		return
	}
	if l.ackElicitingInFlight() == 0 && l.peerCompletedAddressValidation() {
		l.timer = protocol.Never
		return
	}
	l.timer, _ = l.ptoTimeAndSpace(now)
}

// TimeoutResult says what OnLossTimeout did: declared packets lost by the
// time threshold, or asked for probes.
type TimeoutResult struct {
	Lost                 int
	CongestionEvent      bool
	PersistentCongestion bool
	// Probes is the number of ack-eliciting probe packets to send in
	// ProbeSpace now, regardless of the congestion window
	// (RFC 9002, 6.2.4 and 7.5). The connection should also probe other
	// spaces with ack-eliciting packets in flight.
	Probes     int
	ProbeSpace protocol.Space
}

// OnLossTimeout handles expiry of the loss detection timer
// (OnLossDetectionTimeout in RFC 9002, A.9). It does nothing before
// LossTimer().
func (l *LossDetector) OnLossTimeout(now protocol.Time, h Handler) TimeoutResult {
	var res TimeoutResult
	if l.timer == protocol.Never || now < l.timer {
		return res
	}
	if t, space := l.earliestLossTime(); t != protocol.Never {
		l.detectAndRemoveLostPackets(space, now, nil, h, &res.Lost, &res.CongestionEvent, &res.PersistentCongestion)
		l.spaces[space].sent.trim()
		l.setLossDetectionTimer(now)
		return res
	}
	if l.ackElicitingInFlight() == 0 {
		// A client's anti-deadlock probe: one padded Initial or one
		// Handshake packet (RFC 9002, 6.2.2.1).
		res.ProbeSpace, res.Probes = l.antiDeadlockSpace(), 1
	} else {
		// Two probes make a single lost datagram less costly
		// (RFC 9002, 6.2.4).
		_, res.ProbeSpace = l.ptoTimeAndSpace(now)
		res.Probes = 2
	}
	l.spaces[res.ProbeSpace].probes = res.Probes
	l.ptoCount++
	l.setLossDetectionTimer(now)
	return res
}

// DiscardSpace drops all recovery state for space when its keys are
// discarded (RFC 9002, 6.4 and A.11): outstanding packets leave bytes in
// flight and go to h.OnPacketDiscarded, and the timers are reset. It also
// serves to drop 0-RTT packets when 0-RTT is rejected.
func (l *LossDetector) DiscardSpace(space protocol.Space, now protocol.Time, h Handler) {
	sp := &l.spaces[space]
	s := &sp.sent
	for i := 0; i < s.n; i++ {
		e := &s.buf[(s.head+i)&(len(s.buf)-1)]
		if e.state != slotOutstanding {
			continue
		}
		if e.p.InFlight {
			l.bytesInFlight -= e.p.Size
		}
		h.OnPacketDiscarded(e.p)
	}
	s.clear()
	sp.ackElicitingInFlight = 0
	sp.lastAckElicitingTime = 0
	sp.lossTime = protocol.Never
	sp.probes = 0
	l.ptoCount = 0
	l.setLossDetectionTimer(now)
}

// ReleaseSpace frees the memory of a space discarded for good (its keys
// are gone: Initial and Handshake, RFC 9001, 4.9). Call it after
// DiscardSpace.
func (l *LossDetector) ReleaseSpace(space protocol.Space) {
	l.spaces[space].sent.release()
}
