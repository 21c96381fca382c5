package core

import (
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// minDatagramOnNewPath is the least room worth building a datagram in on
// a path that is not validated yet.
const minDatagramOnNewPath = 64

// maxChallenges bounds the PATH_CHALLENGE retransmissions of one path
// validation before it is abandoned (RFC 9000, 8.2.4).
const maxChallenges = 5

// handlePathChallenge answers PATH_CHALLENGE with PATH_RESPONSE on the path
// it arrived on (RFC 9000, 8.2.2).
func (c *Conn) handlePathChallenge(now protocol.Time, d Datagram, data [8]byte) {
	c.pathResponseNeeded = true
	c.pathResponseData = data
	c.pathResponseTo = d.Remote
	c.pathResponseFrom = d.Local
}

// pathResponseOffPath reports whether the pending PATH_RESPONSE answers a
// challenge that came on another 4-tuple than the current path's (another
// peer address, or another of our addresses, like a preferred address), so
// it goes back there in a datagram of its own (RFC 9000, 8.2.2).
func (c *Conn) pathResponseOffPath() bool {
	return c.pathResponseTo.IsValid() && c.pathChanged(Datagram{Remote: c.pathResponseTo, Local: c.pathResponseFrom})
}

// offPathChallenge is a server's PATH_CHALLENGE to the address of a
// client's probe on a path the connection does not use (RFC 9000, 8.2.1
// lets either endpoint validate a path at any time). It rides in the
// packet with the PATH_RESPONSE, so the server's first packet on the new
// path challenges it; if the client migrates before answering, migrate
// takes the challenge over and retransmits it.
type offPathChallenge struct {
	to        netip.AddrPort
	data      [8]byte
	sent      bool // awaiting PATH_RESPONSE
	validated bool // to answered
}

// handlePathResponse completes a path validation we started
// (RFC 9000, 8.2.3); a response to no outstanding challenge is ignored.
func (c *Conn) handlePathResponse(now protocol.Time, d Datagram, data [8]byte) {
	if c.onProbeResponse(now, data) {
		return
	}
	if op := &c.offPathChallenge; op.sent && data == op.data && d.Remote == op.to {
		op.sent, op.validated = false, true
		return
	}
	if !c.challengeOutstanding || data != c.challengeData {
		return
	}
	c.challengeOutstanding = false
	c.challengeNeeded = false
	c.challengeDeadline = protocol.Never
	c.validatePath(now)
	c.prevPath = nil
}

// migrate moves the connection to the peer's new address (RFC 9000, 9.3):
// the new path is validated with PATH_CHALLENGE, limited to three times
// what it delivered until then, and gets fresh congestion state unless only
// the port changed (RFC 9000, 9.4).
func (c *Conn) migrate(now protocol.Time, d Datagram) {
	old := c.path
	if old.validated {
		c.prevPath = &old
	}
	c.path = pathState{remote: d.Remote, local: d.Local, mtu: old.mtu, ecn: ecnTesting}
	c.path.bytesRecv = uint64(len(d.Data))
	if d.Remote.Addr() != old.remote.Addr() {
		c.newCongestion()
		c.loss.OnPathChange(c.cc, c.cfg.InitialRTT)
	}
	// RFC 9000, 9.5: a connection ID is not used toward two addresses.
	c.remoteCIDs.SwitchToUnused()
	op := c.offPathChallenge
	c.offPathChallenge = offPathChallenge{}
	switch {
	case op.validated && op.to == d.Remote:
		// Already proven by a PATH_RESPONSE from there (8.2.3).
		c.validatePath(now)
		c.prevPath = nil
	case op.sent && op.to == d.Remote:
		// The challenge that went with our PATH_RESPONSE is still out:
		// its answer validates the path, retransmitted after a PTO.
		c.startChallenge(now)
		c.challengeData = op.data
		c.onChallengeSent(now)
	default:
		c.startChallenge(now)
	}
}

// startChallenge begins validating the current path.
func (c *Conn) startChallenge(now protocol.Time) {
	c.rng.Read(c.challengeData[:])
	c.challengeOutstanding = true
	c.challengeNeeded = true
	c.challengesSent = 0
	c.challengeDeadline = protocol.Never
	// RFC 9000, 8.2.4: abandon after three times the larger PTO, even if
	// the retransmissions could not go out.
	c.challengeAbandonAt = now.Add(3 * max(c.loss.RTT().PTO(true), time.Duration(c.cfg.InitialRTT)*2))
}

// onChallengeSent arms the retransmission of PATH_CHALLENGE: a new one
// after a PTO, abandoning the path after maxChallenges (RFC 9000, 8.2.4
// suggests three PTOs overall).
func (c *Conn) onChallengeSent(now protocol.Time) {
	c.challengeNeeded = false
	c.challengesSent++
	c.challengeDeadline = now.Add(max(c.loss.RTT().PTO(false), 50*time.Millisecond))
}

// checkChallenge handles the path-validation timer.
func (c *Conn) checkChallenge(now protocol.Time) {
	if !c.challengeOutstanding || now < min(c.challengeDeadline, c.challengeAbandonAt) {
		return
	}
	if c.challengesSent < maxChallenges && now < c.challengeAbandonAt {
		c.challengeNeeded = true
		c.challengeDeadline = protocol.Never
		return
	}
	// Validation failed: go back to the last validated path (RFC 9000,
	// 9.3.2), if there is one.
	c.challengeOutstanding = false
	c.challengeDeadline = protocol.Never
	if c.prevPath != nil {
		c.path = *c.prevPath
		c.prevPath = nil
	}
}

// pathChanged reports whether a datagram arrived on another 4-tuple than
// the current path's: another peer address, or (for a server with several
// addresses, like a preferred address) another local address.
func (c *Conn) pathChanged(d Datagram) bool {
	if d.Remote != c.path.remote {
		return true
	}
	return d.Local.IsValid() && c.path.local.IsValid() && d.Local.Addr() != c.path.local.Addr()
}

// LocalAddressChanged tells a client connection that its datagrams now
// leave from local, a new socket (active migration, RFC 9000, 9.2). Once
// the handshake is confirmed it moves like a migrating endpoint must: a
// connection ID never used on the old path (9.5), congestion state and
// RTT estimate started over (9.4), and the new path validated with
// PATH_CHALLENGE (8.2). Before that, or on a server, only the address is
// noted (RFC 9000, 9: no migration before the handshake is confirmed). A
// server that set disable_active_migration gets no packet at all from the
// new address, not even CONNECTION_CLOSE (RFC 9000, 9): the connection
// ends at once with ErrMigrationDisabled; unless the client moved to the
// server's preferred address, which lifts that ban (RFC 9000, 18.2). It reports whether the
// connection migrated.
func (c *Conn) LocalAddressChanged(now protocol.Time, local netip.AddrPort) bool {
	c.path.local = local
	if !c.isClient || !c.handshakeConfirmed || c.state != stateEstablished {
		return false
	}
	if c.havePeerParams && c.peerParams.DisableActiveMigration && !c.onPreferredAddress {
		c.enterDraining(now, ErrMigrationDisabled)
		c.closeDeadline = now
		return false
	}
	c.remoteCIDs.SwitchToUnused()
	c.newCongestion()
	c.loss.OnPathChange(c.cc, c.cfg.InitialRTT)
	c.path.ecn = ecnTesting
	c.prevPath = nil
	// The client validates its own new path; its amplification limit
	// stays off, that limit guards the server's view of an address.
	c.startChallenge(now)
	return true
}
