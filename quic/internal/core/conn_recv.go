package core

import (
	"errors"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// HandleDatagram processes one received datagram: each coalesced packet in
// turn (RFC 9000, 12.2).
func (c *Conn) HandleDatagram(now protocol.Time, d Datagram) {
	if c.state == stateClosed {
		return
	}
	c.traceNow = now
	c.stats.BytesReceived += uint64(len(d.Data))
	if d.Remote == c.path.remote && !c.path.validated {
		c.path.bytesRecv += uint64(len(d.Data))
		c.loss.SetAmplificationBlocked(c.path.amplificationRoom() < c.path.mtu, now)
	}
	if c.state == stateDraining {
		return // RFC 9000, 10.2.2: a draining endpoint sends nothing
	}
	b := d.Data
	var firstDCID protocol.ConnectionID
	for i := 0; len(b) > 0; i++ {
		n, dcid, err := c.handlePacket(now, d, b, i == 0)
		if err != nil {
			c.closeWithError(now, err)
			return
		}
		if n <= 0 {
			break
		}
		// Ignore coalesced packets for another connection ID (RFC 9000,
		// 12.2).
		if i == 0 {
			firstDCID = dcid
		} else if dcid != firstDCID {
			break
		}
		b = b[n:]
	}
	if c.state == stateClosing {
		// Answer packets that keep arriving with CONNECTION_CLOSE, at an
		// exponentially falling rate (RFC 9000, 10.2.1).
		c.packetsWhileClosing++
		if c.packetsWhileClosing >= 1<<min(c.closesSent, 16) {
			c.closeSendNow = true
			c.packetsWhileClosing = 0
		}
	}
}

// handlePacket processes the packet at the start of b. It returns the bytes
// it spans (0 to give up on the rest of the datagram), its Destination
// Connection ID, and a connection error if it violated the protocol.
func (c *Conn) handlePacket(now protocol.Time, d Datagram, b []byte, first bool) (int, protocol.ConnectionID, error) {
	if !packet.IsLongHeader(b[0]) {
		return c.handleShortPacket(now, d, b, first)
	}
	hdr, err := packet.ParseLongHeader(b)
	if err != nil {
		if errors.Is(err, packet.ErrUnsupportedVersion) || hdr.Version == 0 && hdr.Type == 0 {
			c.stats.PacketsDropped++
			return 0, hdr.DCID, nil
		}
		if !errors.Is(err, packet.ErrFixedBit) {
			c.stats.PacketsDropped++
			return 0, hdr.DCID, nil
		}
		// A cleared fixed bit is allowed: we advertise grease_quic_bit
		// (RFC 9287, 3).
	}
	switch hdr.Type {
	case protocol.PacketVersionNegotiation:
		c.handleVersionNegotiation(now, b)
		return 0, hdr.DCID, nil
	case protocol.PacketRetry:
		c.handleRetry(now, &hdr, b)
		return 0, hdr.DCID, nil
	}
	pkt := b[:hdr.PacketLen]
	space := hdr.Type.Space()
	keys := c.readKeys(now, &hdr)
	if hdr.Type == protocol.PacketHandshake && !c.isClient && c.handshakeConfirmed && !c.handshakeDoneAcked &&
		now-c.hdResentAt > protocol.Time(c.loss.RTT().PTO(false)) {
		// A Handshake packet after we confirmed: the client has not got
		// HANDSHAKE_DONE yet. Send it again now rather than at the next
		// PTO (RFC 9002, 6.2.4 leaves the timing open).
		c.handshakeDoneSend = true
		c.hdResentAt = now
	}
	if keys == nil || c.spaces[space].discarded {
		if keys == nil && hdr.Type == protocol.PacketHandshake {
			c.noteEarlyPacket()
		}
		c.drop(now, hdr.Type, len(pkt), qlog.DropKeyUnavailable)
		return hdr.PacketLen, hdr.DCID, nil
	}
	firstByte, pnLen, truncated, err := keys.Unprotect(pkt, hdr.PNOffset)
	if err != nil {
		c.drop(now, hdr.Type, len(pkt), qlog.DropInvalid)
		return hdr.PacketLen, hdr.DCID, nil
	}
	pn := c.decodePN(space, truncated, pnLen)
	payload, err := keys.Open(pkt, hdr.PNOffset+pnLen, uint64(pn))
	if err != nil {
		// RFC 9001, 5.5: discard, don't close.
		c.drop(now, hdr.Type, len(pkt), qlog.DropDecryptionFailure)
		return hdr.PacketLen, hdr.DCID, nil
	}
	if err := packet.CheckReservedBits(firstByte); err != nil {
		return 0, hdr.DCID, err
	}
	if hdr.Type == protocol.PacketInitial && c.isClient && len(hdr.Token) > 0 {
		// RFC 9000, 17.2.2: a server's Initial carries no token.
		return 0, hdr.DCID, violation("server Initial with a token")
	}
	if c.isClient && !c.receivedFromPeer() {
		// The server's first Initial names its connection ID (RFC 9000,
		// 7.2).
		c.peerSCID = hdr.SCID
		c.remoteCIDs.ReplaceInitial(hdr.SCID)
	}
	if err := c.processPayload(now, d, hdr.Type, uint64(pn), payload, len(pkt), hdr.DCID, hdr.SCID); err != nil {
		return 0, hdr.DCID, err
	}
	if hdr.Type == protocol.PacketHandshake && !c.isClient {
		// A Handshake packet proves the client owns its address (RFC 9000,
		// 8.1), and the server stops using Initial keys (RFC 9001, 4.9.1).
		c.validatePath(now)
		c.dropSpace(now, protocol.SpaceInitial)
	}
	return hdr.PacketLen, hdr.DCID, nil
}

// readKeys picks the keys that open a long-header packet, nil if there are
// none.
func (c *Conn) readKeys(now protocol.Time, hdr *packet.LongHeader) *protect.Keys {
	if hdr.Version != c.version {
		if !c.acceptVersionChange(now, hdr) {
			return nil
		}
		if !c.isClient {
			return c.origInitialOpen
		}
	}
	if hdr.Type == protocol.Packet0RTT {
		if c.isClient {
			return nil
		}
		return c.zeroRTTOpen
	}
	return c.spaces[hdr.Type.Space()].open
}

// receivedFromPeer reports whether any packet of the peer was processed.
func (c *Conn) receivedFromPeer() bool { return c.stats.PacketsReceived > 0 }

// validatePath lifts the anti-amplification limit (RFC 9000, 8.1).
func (c *Conn) validatePath(now protocol.Time) {
	if c.path.validated {
		return
	}
	c.path.validated = true
	c.loss.SetAmplificationBlocked(false, now)
}

func (c *Conn) handleShortPacket(now protocol.Time, d Datagram, b []byte, first bool) (int, protocol.ConnectionID, error) {
	hdr, err := packet.ParseShortHeader(b, c.initialSCID.Len())
	if err != nil && !errors.Is(err, packet.ErrFixedBit) {
		c.stats.PacketsDropped++
		return 0, hdr.DCID, nil
	}
	if !c.oneRTT.CanOpen() {
		c.noteEarlyPacket()
		c.drop(now, protocol.Packet1RTT, len(b), qlog.DropKeyUnavailable)
		return len(b), hdr.DCID, nil
	}
	firstByte, pnLen, truncated, err := c.oneRTT.Unprotect(b, hdr.PNOffset)
	if err != nil {
		c.checkStatelessReset(now, d, first)
		return len(b), hdr.DCID, nil
	}
	pn := c.decodePN(protocol.SpaceAppData, truncated, pnLen)
	payload, slot, err := c.oneRTT.Open(b, hdr.PNOffset+pnLen, uint64(pn))
	if err != nil {
		c.checkStatelessReset(now, d, first)
		return len(b), hdr.DCID, nil
	}
	if err := packet.CheckReservedBits(firstByte); err != nil {
		return 0, hdr.DCID, err
	}
	if slot == protect.KeyNext {
		if err := c.onPeerKeyUpdate(now, uint64(pn)); err != nil {
			return 0, hdr.DCID, err
		}
	}
	if err := c.processPayload(now, d, protocol.Packet1RTT, uint64(pn), payload, len(b), hdr.DCID, protocol.ConnectionID{}); err != nil {
		return 0, hdr.DCID, err
	}
	if !c.isClient && c.rxNonProbing && c.state == stateEstablished && c.pathChanged(d) {
		// RFC 9000, 9.3: a non-probing packet from a new address, if it
		// is the newest, moves the connection there.
		if l, ok := c.spaces[protocol.SpaceAppData].ack.Largest(); ok && l == uint64(pn) {
			c.migrate(now, d)
		}
	}
	if !c.isClient && c.handshakeDone && d.Remote == c.path.remote && !c.challengeOutstanding {
		// A 1-RTT packet from the client on the handshake's path proves
		// its address (RFC 9000, 8.1). A new path is proven only by
		// PATH_RESPONSE (RFC 9000, 8.2): anyone can replay a packet from a
		// spoofed address.
		c.validatePath(now)
	}
	return len(b), hdr.DCID, nil
}

// decodePN recovers a full packet number (RFC 9000, 17.1 and A.3).
func (c *Conn) decodePN(space protocol.Space, truncated uint64, pnLen int) int64 {
	largest := int64(-1)
	if l, ok := c.spaces[space].ack.Largest(); ok {
		largest = int64(l)
	}
	return packet.DecodePacketNumber(largest, truncated, pnLen*8)
}

// processPayload handles a decrypted packet: duplicate detection, frames,
// and the ACK bookkeeping (RFC 9000, 13.2).
func (c *Conn) processPayload(now protocol.Time, d Datagram, pt protocol.PacketType, pn uint64, payload []byte, size int, dcid, scid protocol.ConnectionID) error {
	space := pt.Space()
	sp := &c.spaces[space]
	if sp.ack.IsDuplicate(pn) {
		c.drop(now, pt, size, qlog.DropDuplicate)
		return nil
	}
	c.rxDCID = dcid
	if c.tracer != nil {
		c.tracePacket(now, false, pt, pn, size, payload, dcid, scid)
	}
	if len(payload) == 0 {
		// RFC 9000, 12.4: "An endpoint MUST treat receipt of a packet
		// containing no frames as a connection error of type
		// PROTOCOL_VIOLATION."
		return violation("packet with no frames")
	}
	c.stats.PacketsReceived++
	if pt == protocol.Packet0RTT {
		c.used0RTT = true
	}
	ackEliciting, err := c.handleFrames(now, d, pt, payload)
	if err != nil {
		return err
	}
	if c.state == stateClosed {
		return nil
	}
	sp.ack.OnPacketReceived(pn, now, ackEliciting, d.ECN)
	// Any packet restarts the idle timer (RFC 9000, 10.1).
	c.lastActivity = now
	c.sentSinceReceive = false
	return nil
}

// checkStatelessReset treats an undecryptable datagram that ends in a
// known reset token as a stateless reset (RFC 9000, 10.3.1).
func (c *Conn) checkStatelessReset(now protocol.Time, d Datagram, first bool) {
	c.drop(now, protocol.Packet1RTT, len(d.Data), qlog.DropDecryptionFailure)
	c.noteDecryptFailure(now)
	if !first || len(d.Data) < 21 {
		return
	}
	if c.remoteCIDs.IsStatelessReset(d.Data[len(d.Data)-16:]) {
		c.enterDraining(now, ErrStatelessReset)
	}
}

// drop counts (and traces) a packet discarded without processing.
func (c *Conn) drop(now protocol.Time, pt protocol.PacketType, size int, trigger qlog.DropTrigger) {
	c.stats.PacketsDropped++
	if c.tracer != nil {
		c.traceDropped(now, pt, size, trigger)
	}
}
