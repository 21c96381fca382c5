package core

import (
	"bytes"
	"time"

	"github.com/quicr/quicr/quic/internal/connid"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/wire"
)

// handleFrames processes the frames of a decrypted packet of type pt and
// reports whether any was ack-eliciting (RFC 9000, 12.4 and 13.2).
func (c *Conn) handleFrames(now protocol.Time, d Datagram, pt protocol.PacketType, payload []byte) (ackEliciting bool, err error) {
	c.rxNonProbing = false
	space := pt.Space()
	for len(payload) > 0 {
		typ, _, err := wire.ParseFrameType(payload)
		if err != nil {
			return false, err
		}
		// RFC 9000, 12.4: a frame type not permitted in this packet type is
		// a PROTOCOL_VIOLATION.
		if !wire.FrameAllowed(typ, pt) {
			return false, &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: typ, Reason: "frame not allowed in this packet type"}
		}
		if wire.IsAckEliciting(typ) {
			ackEliciting = true
		}
		if !wire.IsProbing(typ) {
			c.rxNonProbing = true
		}
		n, err := c.handleFrame(now, d, space, pt, typ, payload)
		if err != nil {
			return false, err
		}
		payload = payload[n:]
		if c.state >= stateDraining {
			return ackEliciting, nil
		}
	}
	return ackEliciting, nil
}

// handleFrame parses and processes the frame of type typ at the start of b.
func (c *Conn) handleFrame(now protocol.Time, d Datagram, space protocol.Space, pt protocol.PacketType, typ uint64, b []byte) (int, error) {
	if wire.IsStreamFrameType(typ) {
		var f wire.StreamFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleStreamFrame(&f, typ)
	}
	switch typ {
	case wire.FrameTypePadding:
		var f wire.PaddingFrame
		return f.Parse(b)
	case wire.FrameTypePing:
		return 1, nil
	case wire.FrameTypeAck, wire.FrameTypeAckECN:
		n, err := c.rxAck.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleAck(now, space, &c.rxAck)
	case wire.FrameTypeResetStream:
		var f wire.ResetStreamFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleResetStream(&f)
	case wire.FrameTypeStopSending:
		var f wire.StopSendingFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleStopSending(&f)
	case wire.FrameTypeCrypto:
		var f wire.CryptoFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleCryptoFrame(now, space, f.Offset, f.Data)
	case wire.FrameTypeNewToken:
		var f wire.NewTokenFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		if !c.isClient {
			// RFC 9000, 19.7: a server receiving NEW_TOKEN closes with
			// PROTOCOL_VIOLATION.
			return 0, &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: typ, Reason: "NEW_TOKEN from a client"}
		}
		c.emit(Event{Kind: EventNewToken, Data: bytes.Clone(f.Token)})
		return n, nil
	case wire.FrameTypeMaxData:
		var f wire.MaxDataFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		if c.connSend.UpdateMax(f.Max) {
			c.dataBlockedSent = false
			c.requeueConnBlocked()
		}
		return n, nil
	case wire.FrameTypeMaxStreamData:
		var f wire.MaxStreamDataFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleMaxStreamData(&f)
	case wire.FrameTypeMaxStreamsBidi, wire.FrameTypeMaxStreamsUni:
		var f wire.MaxStreamsFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		c.handleMaxStreams(&f)
		return n, nil
	case wire.FrameTypeDataBlocked:
		var f wire.DataBlockedFrame
		return f.Parse(b)
	case wire.FrameTypeStreamDataBlocked:
		var f wire.StreamDataBlockedFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleStreamDataBlocked(&f)
	case wire.FrameTypeStreamsBlockedBidi, wire.FrameTypeStreamsBlockedUni:
		var f wire.StreamsBlockedFrame
		return f.Parse(b)
	case wire.FrameTypeNewConnectionID:
		var f wire.NewConnectionIDFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		if err := c.remoteCIDs.OnNewConnectionID(f.Seq, f.RetirePriorTo, f.ConnID, connid.ResetToken(f.ResetToken)); err != nil {
			return 0, err
		}
		c.emit(Event{Kind: EventResetToken, Data: append([]byte(nil), f.ResetToken[:]...)})
		return n, nil
	case wire.FrameTypeRetireConnectionID:
		var f wire.RetireConnectionIDFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleRetireConnID(&f)
	case wire.FrameTypePathChallenge:
		var f wire.PathChallengeFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		c.handlePathChallenge(now, d, f.Data)
		return n, nil
	case wire.FrameTypePathResponse:
		var f wire.PathResponseFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		c.handlePathResponse(now, d, f.Data)
		return n, nil
	case wire.FrameTypeConnectionClose, wire.FrameTypeConnectionCloseApp:
		var f wire.ConnectionCloseFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		c.enterDraining(now, &PeerClosedError{Application: f.Application, Code: f.ErrorCode, FrameType: f.FrameType, Reason: string(f.Reason)})
		return n, nil
	case wire.FrameTypeHandshakeDone:
		if !c.isClient {
			// RFC 9000, 19.20: a server receiving HANDSHAKE_DONE closes
			// with PROTOCOL_VIOLATION.
			return 0, &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: typ, Reason: "HANDSHAKE_DONE from a client"}
		}
		c.confirmHandshake(now)
		return 1, nil
	case wire.FrameTypeDatagram, wire.FrameTypeDatagramLen:
		var f wire.DatagramFrame
		n, err := f.Parse(b)
		if err != nil {
			return 0, err
		}
		return n, c.handleDatagramFrame(typ, f.Data)
	}
	// ACK_FREQUENCY and IMMEDIATE_ACK need min_ack_delay, which we do not
	// advertise: receiving them is a PROTOCOL_VIOLATION.
	return 0, &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: typ, Reason: "frame of an extension that was not negotiated"}
}

// handleAck processes an ACK frame (RFC 9000, 19.3; RFC 9002, 6).
func (c *Conn) handleAck(now protocol.Time, space protocol.Space, f *wire.AckFrame) error {
	c.ackRanges = c.ackRanges[:0]
	for _, r := range f.Ranges {
		c.ackRanges = append(c.ackRanges, recovery.AckRange{Smallest: r.Smallest, Largest: r.Largest})
	}
	exp := uint8(3)
	if c.havePeerParams {
		exp = c.peerParams.AckDelayExponent
	}
	ackDelay := time.Duration(f.AckDelay<<exp) * time.Microsecond
	var ecn *recovery.ECNCounts
	if f.ECN {
		c.rxECN = recovery.ECNCounts{ECT0: f.ECT0, ECT1: f.ECT1, CE: f.CE}
		ecn = &c.rxECN
	}
	res, err := c.loss.OnAckReceived(space, c.ackRanges, ackDelay, ecn, now, c)
	if err != nil {
		return err
	}
	switch res.ECN {
	case recovery.ECNValid:
		if c.path.ecn == ecnTesting {
			c.path.ecn = ecnCapable
		}
	case recovery.ECNFailed:
		c.path.ecn = ecnFailed
	}
	if res.PersistentCongestion {
		c.loss.RTT().OnPersistentCongestion()
	}
	if c.tracer != nil {
		c.traceMetrics(now)
	}
	return nil
}

// handleRetireConnID processes RETIRE_CONNECTION_ID (RFC 9000, 19.16) and
// issues a replacement.
func (c *Conn) handleRetireConnID(f *wire.RetireConnectionIDFrame) error {
	cid, ok, err := c.localCIDs.OnRetire(f.Seq, c.rxDCID)
	if err != nil {
		return withFrameType(err, wire.FrameTypeRetireConnectionID)
	}
	if ok {
		c.emit(Event{Kind: EventConnIDRetired, ConnID: cid})
		c.issueConnIDs()
	}
	return nil
}

// issueConnIDs tops up the connection IDs the peer may use (RFC 9000,
// 5.1.1), once the handshake is confirmed: neither side migrates, nor so
// needs a new ID, before that (RFC 9000, 9), and a short connection that
// closes first never makes them.
func (c *Conn) issueConnIDs() {
	if !c.handshakeConfirmed || !c.havePeerParams {
		return
	}
	c.localCIDs.Issue(c.cidGen, func(cid protocol.ConnectionID) {
		c.emit(Event{Kind: EventConnIDIssued, ConnID: cid})
	})
}

// handleDatagramFrame processes a DATAGRAM frame (RFC 9221, 4 and 5).
func (c *Conn) handleDatagramFrame(typ uint64, data []byte) error {
	if !c.cfg.EnableDatagrams {
		// RFC 9221, 3: DATAGRAM frames without negotiation are a
		// PROTOCOL_VIOLATION.
		return &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: typ, Reason: "DATAGRAM frame not negotiated"}
	}
	if len(c.datagramsIn) >= c.cfg.MaxDatagramQueue {
		c.stats.DatagramsDropped++
		return nil
	}
	c.datagramsIn = append(c.datagramsIn, bytes.Clone(data))
	c.emit(Event{Kind: EventDatagram})
	return nil
}
