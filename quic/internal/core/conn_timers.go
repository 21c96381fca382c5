package core

import (
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// NextTimeout returns when HandleTimeout must next be called, or
// protocol.Never.
func (c *Conn) NextTimeout() protocol.Time {
	switch c.state {
	case stateClosed:
		return protocol.Never
	case stateClosing, stateDraining:
		return c.closeDeadline
	}
	t := c.loss.LossTimer()
	// An ACK waits for room when the anti-amplification limit blocks
	// sending: new bytes from the peer are what frees it.
	if c.path.validated || c.path.amplificationRoom() >= minDatagramOnNewPath {
		for s := range c.spaces {
			sp := &c.spaces[s]
			if sp.ack.HasNewPackets() && (sp.seal != nil || s == int(protocol.SpaceAppData)) {
				t = min(t, sp.ack.AckDeadline())
			}
		}
	}
	t = min(t, c.idleDeadline())
	if !c.handshakeDone && c.cfg.HandshakeTimeout > 0 {
		t = min(t, c.created.Add(c.cfg.HandshakeTimeout))
	}
	if k := c.keepAliveAt(); k != protocol.Never {
		t = min(t, k)
	}
	t = min(t, c.prevKeyDropAt, c.challengeDeadline)
	if c.challengeOutstanding {
		t = min(t, c.challengeAbandonAt)
	}
	if c.probe.active {
		t = min(t, c.probe.deadline)
	}
	if c.pmtudWaiting() {
		t = min(t, c.pmtud.nextAt)
	}
	if c.pacingBlocked {
		t = min(t, c.pacingAt)
	}
	return t
}

// idleDeadline returns when the idle timeout fires: the negotiated timeout,
// but at least three PTOs, after the last activity (RFC 9000, 10.1).
func (c *Conn) idleDeadline() protocol.Time {
	d := c.idleTimeout
	if !c.havePeerParams {
		d = c.cfg.MaxIdleTimeout
	}
	if d <= 0 {
		return protocol.Never
	}
	return c.lastActivity.Add(max(d, 3*c.loss.RTT().PTO(true)))
}

// keepAliveAt returns when a keep-alive PING is due.
func (c *Conn) keepAliveAt() protocol.Time {
	if c.cfg.KeepAlivePeriod <= 0 || !c.handshakeConfirmed {
		return protocol.Never
	}
	return max(c.lastAckElicitingSent, c.lastActivity).Add(c.cfg.KeepAlivePeriod)
}

func (c *Conn) keepAliveDue(now protocol.Time) bool {
	return now >= c.keepAliveAt()
}

// HandleTimeout runs the timers due at now.
func (c *Conn) HandleTimeout(now protocol.Time) {
	c.traceNow = now
	c.pacingBlocked = false
	switch c.state {
	case stateClosed:
		return
	case stateClosing, stateDraining:
		if now >= c.closeDeadline {
			c.finish()
		}
		return
	}
	if now >= c.idleDeadline() {
		c.closeSilently(ErrIdleTimeout)
		return
	}
	if !c.handshakeDone && c.cfg.HandshakeTimeout > 0 && now >= c.created.Add(c.cfg.HandshakeTimeout) {
		c.closeSilently(ErrHandshakeTimeout)
		return
	}
	c.checkChallenge(now)
	c.checkProbe(now)
	if now >= c.prevKeyDropAt {
		c.oneRTT.DropPreviousReadKey()
		c.prevKeyDropAt = protocol.Never
	}
	if now >= c.loss.LossTimer() {
		res := c.loss.OnLossTimeout(now, c)
		if res.Probes > 0 {
			c.prepareProbe(res.ProbeSpace)
		}
	}
}

// prepareProbe makes a PTO probe carry data when there is some: the
// unacknowledged CRYPTO data of the space (RFC 9002, 6.2.4 prefers
// retransmitting data to a bare PING).
func (c *Conn) prepareProbe(s protocol.Space) {
	if s == protocol.SpaceAppData && !c.isClient && c.handshakeConfirmed && !c.handshakeDoneAcked {
		// Until the client confirms, HANDSHAKE_DONE is what it needs
		// (RFC 9001, 4.1.2): every probe carries it.
		c.handshakeDoneSend = true
	}
	c.requeueHandshakeCrypto()
}

// requeueHandshakeCrypto queues the unacknowledged CRYPTO data of the
// Initial and Handshake spaces for sending again.
func (c *Conn) requeueHandshakeCrypto() {
	for s := protocol.SpaceInitial; s <= protocol.SpaceHandshake; s++ {
		if sp := &c.spaces[s]; sp.seal != nil && !sp.discarded {
			sp.cryptoSend.RequeueUnacked()
		}
	}
}

// durationOrNever converts a deadline to the time left, for tests.
func durationOrNever(now, t protocol.Time) time.Duration {
	if t == protocol.Never {
		return -1
	}
	return t.Sub(now)
}
