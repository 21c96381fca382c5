package core

import (
	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// ackDelayExponent is the ack_delay_exponent we use (the default, RFC 9000,
// 18.2).
const ackDelayExponent = 3

// builtPacket is a packet being assembled in a datagram: its plaintext is
// complete up to the payload, sealing waits until the datagram is done so
// that the last packet can take the datagram's padding.
type builtPacket struct {
	start, pnOffset, lengthOffset int // lengthOffset < 0 for short headers
	end                           int // end of the plaintext payload
	pn                            uint64
	pnLen                         int
	pt                            protocol.PacketType
	ackEliciting                  bool
	padded                        bool // carries PADDING: counts in flight (RFC 9002, 2)
	challenge                     bool // carries PATH_CHALLENGE: the datagram is padded (RFC 9000, 8.2.1)
	pmtuProbe                     bool
	log                           frameLog
}

// PollTransmit writes the datagrams due now into buf (one GSO batch of up
// to maxSegs datagrams of equal size, the last possibly shorter) and
// describes them. ok is false when nothing is to be sent now.
func (c *Conn) PollTransmit(now protocol.Time, buf []byte, maxSegs int) (Transmit, bool) {
	if c.state == stateDraining || c.state == stateClosed {
		return Transmit{}, false
	}
	if c.state == stateClosing {
		return c.pollClose(now, buf)
	}
	c.traceNow = now
	c.maybeUpdateKeys(now)
	if c.pathResponseNeeded && c.pathResponseOffPath() && c.oneRTT.CanSeal() {
		// A probe from another path is answered on that path (RFC 9000,
		// 8.2.2), in a datagram of its own.
		to, from := c.pathResponseTo, sourceAddr(c.pathResponseFrom)
		if n := c.buildPathResponse(now, buf); n > 0 {
			return Transmit{Remote: to, Local: from, ECN: c.path.sendECN(), Size: n, SegSize: n}, true
		}
	}
	if c.probe.active && c.probe.needed && c.oneRTT.CanSeal() {
		if n := c.buildProbeChallenge(now, buf); n > 0 {
			return Transmit{Remote: c.probe.remote, ECN: c.path.sendECN(), Size: n, SegSize: n}, true
		}
	}
	if size := c.pmtudProbeSize(now); size > 0 && c.loss.CanSend(protocol.SpaceAppData) {
		if n := c.buildPMTUProbe(now, buf, size); n > 0 {
			return Transmit{Remote: c.path.remote, Local: c.path.source(), ECN: c.path.sendECN(), Size: n, SegSize: n}, true
		}
	}
	seg := c.path.mtu
	total, segSize := 0, 0
	for n := 0; n < max(maxSegs, 1); n++ {
		limit := seg
		if segSize > 0 {
			limit = segSize
		}
		if total+limit > len(buf) {
			break
		}
		size := c.buildDatagram(now, buf[total:total+limit])
		if size == 0 {
			break
		}
		total += size
		if segSize == 0 {
			segSize = size
		}
		if size < segSize {
			break
		}
	}
	if total == 0 {
		if c.paramsDue {
			// The ServerHello has gone (or cannot go yet): now the rest
			// of the server's flight.
			c.supplyParams(now)
			return c.PollTransmit(now, buf, maxSegs)
		}
		return Transmit{}, false
	}
	c.lastSentAt = now
	return Transmit{Remote: c.path.remote, Local: c.path.source(), ECN: c.path.sendECN(), Size: total, SegSize: segSize}, true
}

// buildDatagram fills out with coalesced packets (RFC 9000, 12.2) and
// returns the datagram's size, 0 if there was nothing to send.
func (c *Conn) buildDatagram(now protocol.Time, out []byte) int {
	limit := len(out)
	if !c.path.validated {
		// RFC 9000, 8.1: at most three times the bytes received.
		limit = min(limit, c.path.amplificationRoom())
		// During the handshake every datagram may need the 1200 bytes of
		// Initial padding; on a new path after it, smaller ones are fine
		// (RFC 9000, 8.2.1 lets PATH_CHALLENGE go unpadded when limited).
		least := protocol.MinInitialDatagramSize
		if c.handshakeConfirmed {
			least = minDatagramOnNewPath
		}
		if limit < least {
			c.loss.SetAmplificationBlocked(true, now)
			return 0
		}
	}
	var pkts [3]builtPacket
	np := 0
	pos := 0
	hasInitial, initialEliciting, challenge := false, false, false
	for s := protocol.SpaceInitial; s < protocol.NumSpaces; s++ {
		pt, ok := c.packetTypeFor(s)
		if !ok {
			continue
		}
		// Keep room for a short header packet's tag and, for an Initial, for
		// padding (RFC 9000, 14.1).
		p, ok := c.buildPacket(now, out, pos, limit, s, pt)
		if !ok {
			continue
		}
		pkts[np] = p
		np++
		pos = p.end + protect.TagLen
		if pt == protocol.PacketInitial {
			hasInitial = true
			initialEliciting = p.ackEliciting
		}
		challenge = challenge || p.challenge
		if pt == protocol.Packet1RTT {
			break // a short header packet runs to the end of the datagram
		}
	}
	if np == 0 {
		return 0
	}
	// RFC 9000, 14.1: a client pads every datagram with an Initial packet,
	// a server every datagram with an ack-eliciting Initial, to 1200 bytes.
	if (challenge || hasInitial && (c.isClient || initialEliciting)) && pos < protocol.MinInitialDatagramSize {
		last := &pkts[np-1]
		pad := min(protocol.MinInitialDatagramSize, limit) - pos
		clear(out[last.end : last.end+pad])
		last.end += pad
		last.padded = true
		pos += pad
	}
	for i := range np {
		c.sealPacket(now, out, &pkts[i])
	}
	return pos
}

// packetTypeFor returns the packet type to use in a space, if we have keys
// for it.
func (c *Conn) packetTypeFor(s protocol.Space) (protocol.PacketType, bool) {
	sp := &c.spaces[s]
	switch s {
	case protocol.SpaceInitial:
		return protocol.PacketInitial, sp.seal != nil && !sp.discarded
	case protocol.SpaceHandshake:
		return protocol.PacketHandshake, sp.seal != nil && !sp.discarded
	}
	if c.oneRTT.CanSeal() {
		return protocol.Packet1RTT, true
	}
	if c.zeroRTTSeal != nil {
		return protocol.Packet0RTT, true
	}
	return 0, false
}

// buildPacket writes the header and frames of one packet at out[pos:],
// leaving room for the AEAD tag before limit. ok is false if the packet
// would carry nothing.
func (c *Conn) buildPacket(now protocol.Time, out []byte, pos, limit int, s protocol.Space, pt protocol.PacketType) (builtPacket, bool) {
	sp := &c.spaces[s]
	p := builtPacket{start: pos, pt: pt, lengthOffset: -1}
	room := limit - pos - protect.TagLen
	if room < 32 {
		return p, false
	}
	canSend := c.loss.CanSend(s)
	if !canSend && s != protocol.SpaceAppData && sp.cryptoSend.HasData(1<<62) &&
		c.loss.ProbesPending(protocol.SpaceInitial)+c.loss.ProbesPending(protocol.SpaceHandshake) > 0 {
		// A PTO probe also carries the other handshake space's CRYPTO
		// data (RFC 9002, 6.2.4), whatever the window: a peer that lost
		// our ServerHello cannot read, so never acknowledges, the
		// Handshake packets that fill the window, and with the Initial
		// packets all declared lost the probes go to the Handshake space.
		canSend = true
	}
	if canSend && pt == protocol.Packet1RTT && c.pacer.Budget(now) < c.path.mtu && c.loss.ProbesPending(s) == 0 {
		// Pacing (RFC 9002, 7.7): only ACKs leave before the next slot.
		canSend = false
		c.pacingBlocked = true
		c.pacingAt = c.pacer.NextSendTime(now, c.path.mtu)
	}
	wantAck := pt != protocol.Packet0RTT && sp.ack.HasNewPackets()
	ackDue := wantAck && sp.ack.ShouldSendAck(now)
	probe := c.loss.ProbesPending(s) > 0
	if probe && s != protocol.SpaceAppData && !sp.cryptoSend.HasData(1<<62) {
		// Every handshake probe carries the unacknowledged CRYPTO data, not
		// a bare PING: one probe getting through then suffices (RFC 9002,
		// 6.2.4).
		sp.cryptoSend.RequeueUnacked()
	}
	data := canSend && c.hasData(now, s, pt)
	challenge := pt == protocol.Packet1RTT && c.challengeNeeded
	if !ackDue && !data && !probe && !challenge {
		return p, false
	}

	// Header.
	largestAcked := int64(-1)
	if l, ok := c.loss.LargestAcked(s); ok {
		largestAcked = int64(l)
	}
	if s == protocol.SpaceAppData {
		c.maybeSkipPN()
	}
	p.pn = sp.nextPN
	p.pnLen = packet.PacketNumberLen(int64(p.pn), largestAcked)
	b := out[pos:pos:limit]
	if pt == protocol.Packet1RTT {
		b = packet.AppendShortHeader(b, c.remoteCIDs.Current(), int64(p.pn), p.pnLen, false, false)
		p.pnOffset = pos + len(b) - p.pnLen
	} else {
		h := packet.LongHeader{Version: c.version, Type: pt, DCID: c.remoteCIDs.Current(), SCID: c.initialSCID}
		if pt == protocol.PacketInitial {
			h.Token = c.retryToken
		}
		var lo int
		b, lo = packet.AppendLongHeader(b, h, int64(p.pn), p.pnLen)
		p.lengthOffset = pos + lo
		p.pnOffset = pos + len(b) - p.pnLen
	}
	payloadStart := len(b)
	max := limit - pos - protect.TagLen
	if max-payloadStart < 8 {
		return p, false
	}
	p.log = c.newLog()

	// Frames, most important first. A path challenge goes in the first
	// packet on a new path, whatever the congestion window (RFC 9000, 8.2).
	if challenge {
		f := wire.PathChallengeFrame{Data: c.challengeData}
		b = f.Append(b)
		p.ackEliciting = true
		p.challenge = true
		c.onChallengeSent(now)
	}
	if wantAck && (ackDue || data || probe || challenge) {
		b = c.appendAck(now, b, max, s, &p)
	}
	if canSend || probe {
		b = c.appendFrames(now, b, max, s, pt, &p)
	}
	if probe && !p.ackEliciting && len(b) < max {
		b = append(b, wire.FrameTypePing) // RFC 9002, 6.2.4
		p.log.add(logPing)
		p.ackEliciting = true
	}
	if len(b) == payloadStart {
		c.recycleLog(p.log)
		return p, false
	}
	// The header protection sample needs 4 bytes after the start of the
	// packet number (RFC 9001, 5.4.2).
	for len(b)-payloadStart+p.pnLen < 4 {
		b = append(b, 0)
		p.padded = true
	}
	sp.nextPN++
	p.end = pos + len(b)
	return p, true
}

// hasData reports whether space s has frames to send besides ACKs.
func (c *Conn) hasData(now protocol.Time, s protocol.Space, pt protocol.PacketType) bool {
	sp := &c.spaces[s]
	if sp.cryptoSend.HasData(1<<62) && pt != protocol.Packet0RTT {
		return true
	}
	if s != protocol.SpaceAppData {
		return false
	}
	if pt == protocol.Packet1RTT && (c.handshakeDoneSend || c.pathResponseNeeded || c.newTokenDue() ||
		c.localCIDs.HasPending() || c.remoteCIDs.HasPending()) {
		return true
	}
	if c.maxDataNeeded || c.maxStreamsBidiNeeded || c.maxStreamsUniNeeded || len(c.ctrlQueue) > 0 {
		return true
	}
	if len(c.datagramsOut) > 0 {
		return true
	}
	if c.keepAliveDue(now) {
		return true
	}
	for _, st := range c.sendQueue[c.sendHead:] {
		if st.wantsSend(c.connSend.Available()) {
			return true
		}
	}
	return false
}

// appendAck appends an ACK frame for space s (RFC 9000, 19.3).
func (c *Conn) appendAck(now protocol.Time, b []byte, max int, s protocol.Space, p *builtPacket) []byte {
	t := c.spaces[s].ack
	rs := t.Ranges()
	if rs.Empty() {
		return b
	}
	f := &c.txAck
	f.Ranges = f.Ranges[:0]
	for i := 0; i < rs.Len(); i++ {
		r := rs.At(i)
		f.Ranges = append(f.Ranges, wire.AckRange{Smallest: r.Start, Largest: r.End - 1})
	}
	f.AckDelay = uint64(t.AckDelay(now).Microseconds()) >> ackDelayExponent
	if s == protocol.SpaceInitial {
		f.AckDelay = 0
	}
	counts, hasECN := t.ECNCounts()
	f.ECN = hasECN
	f.ECT0, f.ECT1, f.CE = counts.ECT0, counts.ECT1, counts.CE
	nb, k := f.AppendWithin(b, max-len(b))
	if k == 0 {
		return b
	}
	t.OnAckSent(now)
	p.log.add1(logAck, f.Ranges[0].Largest)
	if s == protocol.SpaceAppData && c.awaitingPeerUpdateAck && f.Ranges[0].Largest >= c.peerUpdatePN {
		// We acknowledged the packet that started the peer's key update
		// with the new keys: another update is now allowed (RFC 9001, 6.2).
		c.awaitingPeerUpdateAck = false
	}
	return nb
}

// appendFrames appends the ack-eliciting frames due in space s.
func (c *Conn) appendFrames(now protocol.Time, b []byte, max int, s protocol.Space, pt protocol.PacketType, p *builtPacket) []byte {
	sp := &c.spaces[s]
	start := len(b)
	if pt != protocol.Packet0RTT {
		b = c.appendCrypto(b, max, sp, p)
	}
	if s == protocol.SpaceAppData {
		if pt == protocol.Packet1RTT {
			b = c.appendConnControl(now, b, max, p)
		}
		b = c.appendStreamControl(now, b, max, p)
		b = c.appendDatagrams(b, max, p)
		b = c.appendStreams(b, max, p)
		if len(b) == start && c.keepAliveDue(now) && len(b) < max {
			b = append(b, wire.FrameTypePing)
			p.log.add(logPing)
		}
	}
	if len(b) > start {
		p.ackEliciting = true
	}
	return b
}

// appendCrypto appends CRYPTO frames (RFC 9000, 19.6).
func (c *Conn) appendCrypto(b []byte, max int, sp *pnSpace, p *builtPacket) []byte {
	for sp.cryptoSend.HasData(1 << 62) {
		f := wire.CryptoFrame{Offset: sp.cryptoSend.NextOffset()}
		n := f.MaxDataLen(max - len(b))
		if n <= 0 {
			break
		}
		off, data, _, _ := sp.cryptoSend.NextFrame(n, 1<<62)
		f.Offset, f.Data = off, data
		sp.cryptoLastOff = off
		b = f.Append(b)
		p.log.add2(logCrypto, off, uint64(len(data)))
	}
	return b
}

// appendConnControl appends connection-level control frames of 1-RTT
// packets.
func (c *Conn) appendConnControl(now protocol.Time, b []byte, max int, p *builtPacket) []byte {
	if c.handshakeDoneSend && len(b) < max {
		b = append(b, wire.FrameTypeHandshakeDone)
		p.log.add(logHandshakeDone)
		c.handshakeDoneSend = false
	}
	if c.pathResponseNeeded && !c.pathResponseOffPath() {
		f := wire.PathResponseFrame{Data: c.pathResponseData}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			c.pathResponseNeeded = false
		}
	}
	fits := func(n int) bool { return len(b)+n <= max }
	b = c.localCIDs.AppendPending(b, fits, func(seq uint64) { p.log.add1(logNewConnID, seq) })
	b = c.remoteCIDs.AppendPending(b, fits, func(seq uint64) { p.log.add1(logRetireConnID, seq) })
	if c.newTokenDue() {
		f := wire.NewTokenFrame{Token: c.newToken(now, c.path.remote)}
		if len(f.Token) > 0 && len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add(logNewToken)
			c.newTokenNeeded = false
		}
	}
	return b
}

// newTokenDue reports whether a NEW_TOKEN frame (RFC 9000, 8.1.3) is to
// be sent. It waits for the handshake to complete and goes with
// HANDSHAKE_DONE: in the first flight it was one more packet to seal, and
// for the client to open, before the handshake could go on.
func (c *Conn) newTokenDue() bool {
	return c.newTokenNeeded && c.handshakeDone && c.newToken != nil
}

// appendStreamControl appends flow-control and stream control frames.
func (c *Conn) appendStreamControl(now protocol.Time, b []byte, max int, p *builtPacket) []byte {
	if c.maxDataNeeded {
		f := wire.MaxDataFrame{Max: c.connRecv.Update(now, c.loss.RTT().SmoothedRTT())}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add(logMaxData)
			c.maxDataNeeded = false
		}
	}
	if c.maxStreamsBidiNeeded {
		f := wire.MaxStreamsFrame{Bidi: true, Max: c.acceptBidi.Update()}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add(logMaxStreamsBidi)
			c.maxStreamsBidiNeeded = false
		}
	}
	if c.maxStreamsUniNeeded {
		f := wire.MaxStreamsFrame{Max: c.acceptUni.Update()}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add(logMaxStreamsUni)
			c.maxStreamsUniNeeded = false
		}
	}
	if c.openBidi.ShouldSendBlocked(c.wantBidi) {
		f := wire.StreamsBlockedFrame{Bidi: true, Max: c.openBidi.Max()}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			c.openBidi.MarkBlockedSent()
		}
	}
	if c.openUni.ShouldSendBlocked(c.wantUni) {
		f := wire.StreamsBlockedFrame{Max: c.openUni.Max()}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			c.openUni.MarkBlockedSent()
		}
	}
	kept := c.ctrlQueue[:0]
	for _, s := range c.ctrlQueue {
		b = c.appendOneStreamControl(now, b, max, s, p)
		if s.wantsCtrl() {
			kept = append(kept, s)
		} else {
			s.inCtrlQueue = false
			c.maybeFinishStream(s)
		}
	}
	clear(c.ctrlQueue[len(kept):])
	c.ctrlQueue = kept
	return b
}

func (c *Conn) appendOneStreamControl(now protocol.Time, b []byte, max int, s *stream, p *builtPacket) []byte {
	if s.resetNeeded {
		f := wire.ResetStreamFrame{StreamID: uint64(s.id), ErrorCode: s.resetCode, FinalSize: s.finalSize}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add1(logResetStream, uint64(s.id))
			s.resetNeeded = false
		}
	}
	if s.stopNeeded {
		f := wire.StopSendingFrame{StreamID: uint64(s.id), ErrorCode: s.ourStopCode}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add1(logStopSending, uint64(s.id))
			s.stopNeeded = false
		}
	}
	if s.maxDataNeeded {
		f := wire.MaxStreamDataFrame{StreamID: uint64(s.id), Max: s.recvWindow.Update(now, c.loss.RTT().SmoothedRTT())}
		if len(b)+f.Len() <= max {
			b = f.Append(b)
			p.log.add1(logMaxStreamData, uint64(s.id))
			s.maxDataNeeded = false
			// Keep the connection window ahead of the stream windows.
			c.connRecv.EnsureWindow(s.recvWindow.Window() * 3 / 2)
		}
	}
	return b
}

// appendDatagrams appends queued DATAGRAM frames that fit (RFC 9221, 5).
func (c *Conn) appendDatagrams(b []byte, max int, p *builtPacket) []byte {
	for len(c.datagramsOut) > 0 {
		f := wire.DatagramFrame{Data: c.datagramsOut[0]}
		if len(b)+f.Len() > max {
			break
		}
		b = f.Append(b)
		p.log.add(logDatagram)
		c.datagramsOut[0] = nil
		c.datagramsOut = c.datagramsOut[1:]
	}
	return b
}

// minStreamFrameRoom is the least room worth starting a STREAM frame in.
const minStreamFrameRoom = 24

// appendStreams appends STREAM frames round-robin over the streams with
// data (RFC 9000, 2.3 leaves prioritisation to us).
func (c *Conn) appendStreams(b []byte, max int, p *builtPacket) []byte {
	for c.sendHead < len(c.sendQueue) && max-len(b) >= minStreamFrameRoom {
		s := c.sendQueue[c.sendHead]
		credit := c.connSend.Available()
		if !s.wantsSend(credit) {
			c.blockedCheck(s)
			c.popSendQueue()
			continue
		}
		f := wire.StreamFrame{StreamID: uint64(s.id), Offset: s.send.NextOffset()}
		n := f.MaxDataLen(max - len(b))
		if n < 0 {
			break
		}
		limit := min(s.sendWindow.Max(), s.send.Sent()+credit)
		off, data, fin, isNew := s.send.NextFrame(n, limit)
		if len(data) == 0 && !fin {
			c.blockedCheck(s)
			c.popSendQueue()
			continue
		}
		f.Offset, f.Data, f.Fin = off, data, fin
		b = f.Append(b)
		if isNew {
			c.connSend.Consume(uint64(len(data)))
			s.sendWindow.Consume(uint64(len(data)))
		}
		kind := logStream
		if fin {
			kind = logStreamFin
			if s.sendState == streams.SendSend {
				c.setSendState(s, streams.SendDataSent)
			}
		}
		p.log.add3(kind, uint64(s.id), off, uint64(len(data)))
		// Round-robin: the stream goes to the back of the queue.
		c.popSendQueue()
		if s.wantsSend(c.connSend.Available()) {
			c.queueSend(s)
		} else {
			c.blockedCheck(s)
		}
	}
	c.appendBlocked(&b, max)
	return b
}

func (c *Conn) popSendQueue() {
	c.sendQueue[c.sendHead].inSendQueue = false
	c.sendQueue[c.sendHead] = nil
	c.sendHead++
	if c.sendHead == len(c.sendQueue) {
		c.sendQueue, c.sendHead = c.sendQueue[:0], 0
	}
}

// blockedCheck notes a stream that has data but no credit, so that
// STREAM_DATA_BLOCKED or DATA_BLOCKED goes out (RFC 9000, 4.1).
func (c *Conn) blockedCheck(s *stream) {
	if !s.hasSend || s.sendState != streams.SendSend {
		return
	}
	if s.send.Sent() < s.send.Written() && s.send.Sent() >= s.sendWindow.Max() && !s.blockedSent {
		c.blockedStreams = append(c.blockedStreams, s.id)
	}
	if s.send.Sent() < s.send.Written() && c.connSend.Available() == 0 {
		c.connBlockedFrame = true
		if !s.connBlocked {
			s.connBlocked = true
			c.connBlocked = append(c.connBlocked, s)
		}
	}
}

// appendBlocked appends the *_BLOCKED frames noted while packing streams.
func (c *Conn) appendBlocked(b *[]byte, max int) {
	if c.connBlockedFrame && !c.dataBlockedSent {
		f := wire.DataBlockedFrame{Max: c.connSend.Max()}
		if len(*b)+f.Len() <= max {
			*b = f.Append(*b)
			c.dataBlockedSent = true
		}
	}
	c.connBlockedFrame = false
	for _, id := range c.blockedStreams {
		s := c.streams[id]
		if s == nil || s.blockedSent {
			continue
		}
		f := wire.StreamDataBlockedFrame{StreamID: uint64(id), Max: s.sendWindow.Max()}
		if len(*b)+f.Len() > max {
			break
		}
		*b = f.Append(*b)
		s.blockedSent = true
	}
	c.blockedStreams = c.blockedStreams[:0]
}

// sealPacket finishes a built packet: Length field, packet protection,
// and the record the loss detector keeps.
func (c *Conn) sealPacket(now protocol.Time, out []byte, p *builtPacket) {
	if c.cfg.GreaseQUICBit && p.pt == protocol.Packet1RTT && c.havePeerParams && c.peerParams.GreaseQUICBit && c.rng.Uint64()&1 == 0 {
		// The peer accepts either value of the QUIC bit: an unpredictable
		// one keeps middleboxes from relying on it (RFC 9287, 3.1). Off by
		// default: packet analysers (the interop runner's among them) read
		// a cleared bit in a coalesced packet as padding.
		out[p.start] &^= 0x40
	}
	if c.tracer != nil {
		c.tracePacket(now, true, p.pt, p.pn, p.end-p.start+protect.TagLen, out[p.pnOffset+p.pnLen:p.end], c.remoteCIDs.Current(), c.initialSCID)
	}
	c.protectPacket(out, p)
	size := p.end - p.start + protect.TagLen
	c.stats.PacketsSent++
	c.stats.BytesSent += uint64(size)
	if !c.path.validated {
		c.path.bytesSent += uint64(size)
	}
	c.loss.OnPacketSent(recovery.SentPacket{
		PacketNumber: p.pn,
		TimeSent:     now,
		Size:         size,
		AckEliciting: p.ackEliciting,
		InFlight:     p.ackEliciting || p.padded,
		PMTUProbe:    p.pmtuProbe,
		ECN:          c.path.sendECN(),
		Space:        p.pt.Space(),
		Frames:       p.log,
	})
	if p.ackEliciting {
		if !c.sentSinceReceive {
			// RFC 9000, 10.1: sending the first ack-eliciting packet after
			// receiving restarts the idle timer; later ones do not, or a
			// peer that went away would never time out.
			c.lastActivity = now
			c.sentSinceReceive = true
		}
		c.lastAckElicitingSent = now
		if p.pt == protocol.Packet1RTT {
			c.pacer.OnSent(now, size)
		}
	}
	if c.isClient && p.pt == protocol.PacketHandshake {
		// RFC 9001, 4.9.1: a client discards Initial keys when it first
		// sends a Handshake packet.
		c.dropSpace(now, protocol.SpaceInitial)
	}
}

// maybeSkipPN skips a packet number now and then, so that an ACK of a
// number never sent exposes a peer acknowledging optimistically (RFC 9000,
// 21.4).
func (c *Conn) maybeSkipPN() {
	sp := &c.spaces[protocol.SpaceAppData]
	if c.nextSkip == 0 {
		c.nextSkip = sp.nextPN + 64 + c.rng.Uint64()%1024
	}
	if sp.nextPN == c.nextSkip {
		sp.nextPN++
		c.nextSkip = sp.nextPN + 256 + c.rng.Uint64()%32768
	}
}

// buildPaddedPacket writes a datagram of size bytes holding one 1-RTT
// packet to dcid: the frames that frames appends (logging them), then
// PADDING. Probes and path validation use it (RFC 9000, 8.2.1 and 14.4).
// It returns the size, or 0 having sent nothing if out is too small or the
// frames leave no room for the tag.
func (c *Conn) buildPaddedPacket(now protocol.Time, out []byte, size int, dcid protocol.ConnectionID, p builtPacket, frames func(b []byte, log *frameLog) []byte) int {
	if len(out) < size {
		return 0
	}
	sp := &c.spaces[protocol.SpaceAppData]
	p.pt, p.lengthOffset, p.pn, p.padded, p.ackEliciting = protocol.Packet1RTT, -1, sp.nextPN, true, true
	largestAcked := int64(-1)
	if l, ok := c.loss.LargestAcked(protocol.SpaceAppData); ok {
		largestAcked = int64(l)
	}
	p.pnLen = packet.PacketNumberLen(int64(p.pn), largestAcked)
	b := packet.AppendShortHeader(out[:0:size], dcid, int64(p.pn), p.pnLen, false, false)
	p.pnOffset = len(b) - p.pnLen
	p.log = c.newLog()
	b = frames(b, &p.log)
	pad := size - protect.TagLen - len(b)
	if pad < 0 {
		c.recycleLog(p.log)
		return 0
	}
	b = append(b, make([]byte, pad)...)
	p.end = len(b)
	sp.nextPN++
	c.sealPacket(now, out, &p)
	return size
}

// buildPathResponse writes a datagram holding one 1-RTT packet with
// PATH_RESPONSE, padded to 1200 bytes (RFC 9000, 8.2.2), and returns its
// size.
func (c *Conn) buildPathResponse(now protocol.Time, out []byte) int {
	size := min(len(out), protocol.MinInitialDatagramSize)
	n := c.buildPaddedPacket(now, out, size, c.remoteCIDs.Current(), builtPacket{}, func(b []byte, _ *frameLog) []byte {
		f := wire.PathResponseFrame{Data: c.pathResponseData}
		b = f.Append(b)
		if op := &c.offPathChallenge; !c.isClient && (op.to != c.pathResponseTo || !op.sent && !op.validated) {
			*op = offPathChallenge{to: c.pathResponseTo, sent: true}
			c.rng.Read(op.data[:])
			ch := wire.PathChallengeFrame{Data: op.data}
			b = ch.Append(b)
		}
		return b
	})
	if n > 0 {
		c.pathResponseNeeded = false
	}
	return n
}
