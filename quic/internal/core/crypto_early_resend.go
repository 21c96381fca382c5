package core

import "github.com/quicr/quicr/quic/internal/protocol"

// Two signs that the peer missed part of our handshake flight let us send
// it again before the PTO, a limited number of times (RFC 9002, 6.2.3): a
// server that receives the client's Initial CRYPTO data again (the client
// did not get the server's Initial packets, or its RTT estimate is too
// short), and a client that receives Handshake or 1-RTT packets before it
// has Handshake keys (the server's Initial packets were lost on the way).
// The first PTO is a whole second while no RTT has been measured (RFC
// 9002, 6.2.2), so under loss this saves most of a handshake's time.

// maxEarlyResends bounds the early resends of a connection.
const maxEarlyResends = 2

// resendFlightEarly queues this endpoint's unacknowledged CRYPTO data in
// the Initial and Handshake spaces for sending again, as a PTO probe
// would; the anti-amplification limit still applies when it leaves. A
// flight already waiting to go (the peer's retransmission spans several
// packets) is not counted again.
func (c *Conn) resendFlightEarly() {
	if c.earlyResends >= maxEarlyResends {
		return
	}
	for s := protocol.SpaceInitial; s <= protocol.SpaceHandshake; s++ {
		if sp := &c.spaces[s]; sp.seal != nil && !sp.discarded && sp.cryptoSend.HasData(1<<62) {
			return
		}
	}
	c.earlyResends++
	c.requeueHandshakeCrypto()
}

// noteEarlyPacket is called with a Handshake or 1-RTT packet that arrived
// before its keys.
func (c *Conn) noteEarlyPacket() {
	if c.isClient && c.spaces[protocol.SpaceHandshake].open == nil {
		c.resendFlightEarly()
	}
}
