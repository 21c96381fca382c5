package core

import (
	"slices"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// VersionNegotiationError ends a client connection whose server offered no
// version we support (RFC 9000, 6.2). Offered lists what the server sent,
// so the caller may retry with one of them.
type VersionNegotiationError struct {
	Ours, Offered []protocol.Version
}

func (e *VersionNegotiationError) Error() string { return "quic: no compatible QUIC version" }

// handleVersionNegotiation processes a Version Negotiation packet
// (RFC 9000, 6.2).
func (c *Conn) handleVersionNegotiation(now protocol.Time, b []byte) {
	// Only a client that has heard nothing else from the server acts on
	// one (RFC 9000, 6.2).
	if !c.isClient || c.receivedFromPeer() || c.gotRetry {
		return
	}
	dcid, scid, versions, err := packet.ParseVersionNegotiation(b)
	if err != nil || !slices.Equal(dcid, c.initialSCID.Bytes()) || !slices.Equal(scid, c.odcid.Bytes()) {
		return
	}
	// "A client MUST discard a Version Negotiation packet that lists the
	// QUIC version selected by the client." (RFC 9000, 6.2)
	if versions.Contains(c.version) {
		return
	}
	offered := make([]protocol.Version, 0, versions.Len())
	for v := range versions.All() {
		offered = append(offered, v)
	}
	if c.tracer != nil {
		p := qlog.Packet{
			Header: qlog.PacketHeader{PacketType: qlog.PacketTypeVersionNegotiation, DestConnectionID: dcid, SrcConnectionID: scid},
			Raw:    qlog.RawInfo{Length: uint64(len(b))},
		}
		for _, v := range offered {
			p.SupportedVersions = append(p.SupportedVersions, uint32(v))
		}
		c.tracer.PacketReceived(int64(now), &p)
	}
	c.enterDraining(now, &VersionNegotiationError{Ours: c.cfg.Versions, Offered: offered})
	c.closeDeadline = now // nothing to drain: the server has no state
}

// acceptVersionChange decides what to do with a long-header packet whose
// version differs from the one in use (RFC 9368, 2.3).
func (c *Conn) acceptVersionChange(now protocol.Time, hdr *packet.LongHeader) bool {
	if !slices.Contains(c.cfg.Versions, hdr.Version) {
		return false
	}
	if c.isClient {
		// The server's Initial tells the Negotiated Version; it may follow
		// an ACK in the original version, but not the ServerHello
		// (RFC 9368, 2.3).
		if c.spaces[protocol.SpaceHandshake].open != nil || hdr.Type != protocol.PacketInitial {
			return false
		}
		c.version = hdr.Version
		return c.installInitialKeys(c.odcid) == nil
	}
	// A server that switched keeps reading the client's Initials of the
	// original version until the client follows.
	return hdr.Type == protocol.PacketInitial && c.origInitialOpen != nil && hdr.Version == c.origVersion
}

// compatible reports whether a first flight of version a can be converted
// to version b: QUIC v1 and v2 are compatible both ways (RFC 9369, 4).
func compatible(a, b protocol.Version) bool {
	known := func(v protocol.Version) bool { return v == protocol.Version1 || v == protocol.Version2 }
	return known(a) && known(b)
}

// negotiateVersion is the server's compatible version negotiation, run once
// the client's transport parameters are known (RFC 9368, 2.3): the first
// version in our preference order that the client lists and that its
// Chosen Version converts to.
func (c *Conn) negotiateVersion() error {
	if !c.havePeerParams || !c.peerParams.HasVersionInformation {
		return nil
	}
	vi := &c.peerParams.VersionInformation
	if !slices.Contains(vi.Available, vi.Chosen) {
		return &qerr.TransportError{Code: qerr.TransportParameterError, Reason: "chosen version not among available versions"}
	}
	for _, v := range c.cfg.Versions {
		if !slices.Contains(vi.Available, v) || !compatible(c.version, v) {
			continue
		}
		if v == c.version {
			return nil
		}
		// Switch: keep the original Initial read keys for the client's
		// packets still in flight, derive the new version's keys.
		c.origVersion = c.version
		c.origInitialOpen = c.spaces[protocol.SpaceInitial].open
		c.version = v
		seal, open, err := protect.NewInitialKeys(v, c.initialKeyDCID.Bytes(), true)
		if err != nil {
			return err
		}
		c.spaces[protocol.SpaceInitial].seal = seal
		c.spaces[protocol.SpaceInitial].open = open
		return nil
	}
	return nil
}

// checkServerVersionInformation is the client's downgrade check
// (RFC 9368, 4): the server's Chosen Version must be the version in use,
// and one we offered.
func (c *Conn) checkServerVersionInformation() error {
	if !c.peerParams.HasVersionInformation {
		return nil
	}
	vi := &c.peerParams.VersionInformation
	if vi.Chosen != c.version || !slices.Contains(c.cfg.Versions, vi.Chosen) {
		return &qerr.TransportError{Code: qerr.VersionNegotiationError, Reason: "server's chosen version does not match"}
	}
	return nil
}
