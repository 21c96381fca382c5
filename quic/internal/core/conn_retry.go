package core

import (
	"bytes"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// handleRetry processes a Retry packet (RFC 9000, 17.2.5.2).
func (c *Conn) handleRetry(now protocol.Time, hdr *packet.LongHeader, b []byte) {
	// "A client MUST accept and process at most one Retry packet for each
	// connection attempt", and none after it processed any other packet.
	if !c.isClient || c.gotRetry || c.receivedFromPeer() || hdr.Version != c.version {
		return
	}
	// "A client MUST discard a Retry packet with a zero-length Retry Token
	// field."
	if len(hdr.Token) == 0 || hdr.DCID != c.initialSCID {
		return
	}
	if !protect.VerifyRetryIntegrity(c.version, c.odcid.Bytes(), b) {
		c.stats.PacketsDropped++
		return
	}
	if c.tracer != nil {
		c.tracePacket(now, false, protocol.PacketRetry, 0, len(b), nil, hdr.DCID, hdr.SCID)
	}
	c.gotRetry = true
	c.retrySCID = hdr.SCID
	c.retryToken = bytes.Clone(hdr.Token)
	c.remoteCIDs.ReplaceInitial(hdr.SCID)
	// New Initial keys from the Retry's Source Connection ID (RFC 9001,
	// 5.2). Packet numbers keep increasing (RFC 9000, 17.2.5.3).
	if err := c.installInitialKeys(hdr.SCID); err != nil {
		return
	}
	// Everything sent goes again with the token; the first RTT sample is
	// the time to the Retry (RFC 9002, 6.3).
	c.newCongestion()
	c.loss.ResetForRetry(now, c, c.cc, now.Sub(c.created))
}
