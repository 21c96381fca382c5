package core

import (
	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// keyUpdateMargin starts a key update when this fraction of the AEAD
// confidentiality limit is used (RFC 9001, 6.6).
const keyUpdateMargin = 0.75

// InitiateKeyUpdate starts a key update (RFC 9001, 6.1). It returns an
// error if one is not allowed yet: before the handshake is confirmed, or
// before a packet of the current key phase was acknowledged.
func (c *Conn) InitiateKeyUpdate(now protocol.Time) error {
	if !c.handshakeConfirmed || !c.phaseAcked {
		return protect.ErrKeyUpdatePending
	}
	if err := c.oneRTT.InitiateKeyUpdate(); err != nil {
		return err
	}
	c.startKeyPhase(now)
	if c.tracer != nil {
		c.traceKey(now, protocol.SpaceAppData, false, true, c.oneRTT.WriteGeneration(), qlog.KeyTriggerLocalUpdate)
	}
	return nil
}

// startKeyPhase records the start of a new write key phase: the next
// update waits until a packet of this phase is acknowledged (RFC 9001, 6.1),
// and the previous read key goes after three PTOs (RFC 9001, 6.5).
func (c *Conn) startKeyPhase(now protocol.Time) {
	c.firstPhasePN = c.spaces[protocol.SpaceAppData].nextPN
	c.phaseAcked = false
	c.prevKeyDropAt = now.Add(3 * c.loss.RTT().PTO(true))
}

// onPeerKeyUpdate runs when a packet opened with the next read keys: the
// peer started a key update and our write keys followed (RFC 9001, 6.2).
func (c *Conn) onPeerKeyUpdate(now protocol.Time, pn uint64) error {
	if !c.handshakeConfirmed && c.isClient {
		// The server may not update keys before the handshake is
		// confirmed (RFC 9001, 6.1).
		return &qerr.TransportError{Code: qerr.KeyUpdateError, Reason: "key update before handshake confirmation"}
	}
	if c.awaitingPeerUpdateAck {
		// "An endpoint MAY treat such consecutive key updates as a
		// connection error of type KEY_UPDATE_ERROR." (RFC 9001, 6.2)
		return &qerr.TransportError{Code: qerr.KeyUpdateError, Reason: "consecutive key updates without acknowledgement"}
	}
	c.awaitingPeerUpdateAck = true
	c.peerUpdatePN = pn
	c.startKeyPhase(now)
	if c.tracer != nil {
		c.traceKey(now, protocol.SpaceAppData, false, false, c.oneRTT.ReadGeneration(), qlog.KeyTriggerRemoteUpdate)
		c.traceKey(now, protocol.SpaceAppData, false, true, c.oneRTT.WriteGeneration(), qlog.KeyTriggerRemoteUpdate)
	}
	return nil
}

// maybeUpdateKeys starts a key update on our own when the configured
// interval or the AEAD limit margin is reached (RFC 9001, 6.6).
func (c *Conn) maybeUpdateKeys(now protocol.Time) {
	if !c.handshakeConfirmed || !c.phaseAcked || !c.oneRTT.CanSeal() {
		return
	}
	sealed := c.oneRTT.Sealed()
	limit := float64(c.oneRTT.Suite().ConfidentialityLimit()) * keyUpdateMargin
	if (c.cfg.KeyUpdateInterval > 0 && sealed >= c.cfg.KeyUpdateInterval) || float64(sealed) >= limit {
		c.InitiateKeyUpdate(now)
	}
}

// noteDecryptFailure counts packets that failed authentication; past the
// integrity limit the connection must close (RFC 9001, 6.6).
func (c *Conn) noteDecryptFailure(now protocol.Time) {
	c.decryptFailures++
	if c.oneRTT.CanOpen() && c.decryptFailures >= c.oneRTT.Suite().IntegrityLimit() {
		c.closeWithError(now, &qerr.TransportError{Code: qerr.AEADLimitReached, Reason: "AEAD integrity limit reached"})
	}
}
