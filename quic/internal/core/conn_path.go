package core

import (
	"github.com/quicr/quicr/quic/internal/protocol"
)

// handlePathChallenge answers PATH_CHALLENGE with PATH_RESPONSE
// (RFC 9000, 8.2.2).
func (c *Conn) handlePathChallenge(now protocol.Time, d Datagram, data [8]byte) {
	c.pathResponseNeeded = true
	c.pathResponseData = data
}

// handlePathResponse completes a path validation we started
// (RFC 9000, 8.2.3); a response to no outstanding challenge is ignored.
func (c *Conn) handlePathResponse(now protocol.Time, d Datagram, data [8]byte) {
	if c.challengeOutstanding && data == c.challengeData {
		c.challengeOutstanding = false
		c.validatePath(now)
	}
}
