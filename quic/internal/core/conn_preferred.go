package core

import (
	"net/netip"

	"github.com/quicr/quicr/quic/internal/connid"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/tparams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Server preferred address (RFC 9000, 9.6): the server offers another
// address with a connection ID of sequence number 1; the client validates
// the new path with PATH_CHALLENGE and moves to it.

// addPreferredAddress puts the preferred_address transport parameter into
// the server's parameters and routes its connection ID.
func (c *Conn) addPreferredAddress(p *tparams.Parameters) {
	v4, v6 := c.cfg.PreferredAddressV4, c.cfg.PreferredAddressV6
	if !v4.IsValid() && !v6.IsValid() {
		return
	}
	cid, tok := c.cidGen()
	c.localCIDs.SetPreferredAddressID(cid, tok)
	c.emit(Event{Kind: EventConnIDIssued, ConnID: cid})
	p.PreferredAddress = tparams.PreferredAddress{IPv4: v4, IPv6: v6, ConnectionID: cid, StatelessResetToken: tok}
	p.HasPreferredAddress = true
}

// probeState is a path the client is validating before moving to it.
type probeState struct {
	active    bool
	remote    netip.AddrPort
	dcid      protocol.ConnectionID
	challenge [8]byte
	needed    bool // PATH_CHALLENGE to send (again)
	sent      int
	deadline  protocol.Time
}

// choosePreferredAddress picks the server's preferred address to move to:
// the one of the family we use now, or the other if our socket is
// dual-stack.
func (c *Conn) choosePreferredAddress(pa *tparams.PreferredAddress) netip.AddrPort {
	v4 := c.path.remote.Addr().Unmap().Is4()
	same, other := pa.IPv6, pa.IPv4
	if v4 {
		same, other = pa.IPv4, pa.IPv6
	}
	if same.IsValid() && !same.Addr().IsUnspecified() {
		return same
	}
	dualStack := c.path.local.Addr().Is6() && c.path.local.Addr().IsUnspecified()
	if dualStack && other.IsValid() && !other.Addr().IsUnspecified() {
		return other
	}
	return netip.AddrPort{}
}

// startPreferredMigration begins validating the server's preferred address
// once the handshake is confirmed (RFC 9000, 9.6.1).
func (c *Conn) startPreferredMigration(now protocol.Time) {
	if !c.isClient || !c.havePeerParams || !c.peerParams.HasPreferredAddress || c.cfg.DisableActiveMigration {
		return
	}
	pa := &c.peerParams.PreferredAddress
	to := c.choosePreferredAddress(pa)
	if !to.IsValid() || to == c.path.remote {
		return
	}
	// The ID that came with the address has sequence number 1 (RFC 9000,
	// 5.1.1).
	if err := c.remoteCIDs.OnNewConnectionID(1, 0, pa.ConnectionID, connid.ResetToken(pa.StatelessResetToken)); err != nil {
		return
	}
	c.remoteCIDs.Reserve(pa.ConnectionID)
	c.emit(Event{Kind: EventResetToken, Data: append([]byte(nil), pa.StatelessResetToken[:]...)})
	c.probe = probeState{active: true, remote: to, dcid: pa.ConnectionID, needed: true, deadline: protocol.Never}
	c.rng.Read(c.probe.challenge[:])
}

// buildProbeChallenge writes a datagram to the probed path: PATH_CHALLENGE
// padded to 1200 bytes (RFC 9000, 8.2.1), with the new path's connection
// ID.
func (c *Conn) buildProbeChallenge(now protocol.Time, out []byte) int {
	size := min(len(out), protocol.MinInitialDatagramSize)
	n := c.buildPaddedPacket(now, out, size, c.probe.dcid, builtPacket{}, func(b []byte, _ *frameLog) []byte {
		f := wire.PathChallengeFrame{Data: c.probe.challenge}
		return f.Append(b)
	})
	if n > 0 {
		c.probe.needed = false
		c.probe.sent++
		c.probe.deadline = now.Add(c.loss.RTT().PTO(false))
	}
	return n
}

// onProbeResponse completes the validation: the connection moves to the
// new path and its connection ID (RFC 9000, 9.6.1).
func (c *Conn) onProbeResponse(now protocol.Time, data [8]byte) bool {
	if !c.probe.active || data != c.probe.challenge {
		return false
	}
	c.probe.active = false
	c.onPreferredAddress = true
	c.remoteCIDs.SwitchTo(c.probe.dcid)
	c.path.remote = c.probe.remote
	c.path.validated = true
	c.newCongestion()
	c.loss.OnPathChange(c.cc, c.cfg.InitialRTT)
	return true
}

// checkProbe retransmits an unanswered PATH_CHALLENGE and gives up after
// maxChallenges tries: the client stays where it is (RFC 9000, 9.6.1).
func (c *Conn) checkProbe(now protocol.Time) {
	if !c.probe.active || now < c.probe.deadline {
		return
	}
	if c.probe.sent >= maxChallenges {
		c.probe.active = false
		return
	}
	c.probe.needed = true
	c.probe.deadline = protocol.Never
}
