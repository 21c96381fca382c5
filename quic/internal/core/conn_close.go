package core

import (
	"errors"
	"fmt"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Why a connection ended, besides *qerr.TransportError (a transport error
// we detected) and *VersionNegotiationError.
var (
	ErrIdleTimeout      = errors.New("quic: idle timeout")
	ErrHandshakeTimeout = errors.New("quic: handshake timeout")
	ErrStatelessReset   = errors.New("quic: stateless reset")
	// ErrMigrationDisabled: the client's local address changed, and the
	// server's disable_active_migration forbids sending from another one
	// (RFC 9000, 9).
	ErrMigrationDisabled = errors.New("quic: local address changed, but the peer disabled active migration")
)

// PeerClosedError is a CONNECTION_CLOSE frame the peer sent (RFC 9000,
// 19.19).
type PeerClosedError struct {
	Application bool
	Code        uint64
	FrameType   uint64
	Reason      string
}

func (e *PeerClosedError) Error() string {
	if e.Application {
		return fmt.Sprintf("quic: peer closed with application error %#x: %s", e.Code, e.Reason)
	}
	return fmt.Sprintf("quic: peer closed with %s: %s", qerr.TransportErrorCode(e.Code), e.Reason)
}

// AppCloseError is an application's own close, with its code and reason.
type AppCloseError struct {
	Code   uint64
	Reason string
}

func (e *AppCloseError) Error() string {
	return fmt.Sprintf("quic: closed with application error %#x: %s", e.Code, e.Reason)
}

// closeInfo is the CONNECTION_CLOSE frame we send while closing.
type closeInfo struct {
	app       bool
	code      uint64
	frameType uint64
	reason    string
}

// maxCloseReason bounds the reason phrase we put in CONNECTION_CLOSE.
const maxCloseReason = 256

// Close closes the connection with an application error code and reason
// (RFC 9000, 10.2).
func (c *Conn) Close(now protocol.Time, code uint64, reason string) {
	c.closeWithError(now, &AppCloseError{Code: code, Reason: reason})
}

// closeWithError starts closing: CONNECTION_CLOSE goes out and the
// connection lingers for three PTOs in the closing state (RFC 9000, 10.2.1).
func (c *Conn) closeWithError(now protocol.Time, err error) {
	if c.state >= stateClosing {
		return
	}
	if !c.isClient && !c.receivedFromPeer() {
		// Nothing from the client was ever processed: it knows nothing of
		// this connection, so it goes without a word.
		c.closeSilently(err)
		return
	}
	var te *qerr.TransportError
	var ae *AppCloseError
	switch {
	case errors.As(err, &ae):
		c.closeFrame = closeInfo{app: true, code: ae.Code, reason: ae.Reason}
	case errors.As(err, &te):
		c.closeFrame = closeInfo{code: uint64(te.Code), frameType: te.FrameType, reason: te.Reason}
	default:
		c.closeFrame = closeInfo{code: uint64(qerr.InternalError), reason: err.Error()}
	}
	if len(c.closeFrame.reason) > maxCloseReason {
		c.closeFrame.reason = c.closeFrame.reason[:maxCloseReason]
	}
	c.closeErr = err
	c.state = stateClosing
	c.closeSendNow = true
	if c.tracer != nil {
		c.traceClosed(now, err, true)
		c.traceState(now, qlog.StateClosing)
	}
	c.closeDeadline = now.Add(3 * c.loss.RTT().PTO(true))
	c.emit(Event{Kind: EventClosed, Err: err})
}

// enterDraining handles the peer's CONNECTION_CLOSE or a stateless reset:
// nothing more is sent, and state goes after three PTOs (RFC 9000, 10.2.2).
func (c *Conn) enterDraining(now protocol.Time, err error) {
	if c.state >= stateDraining {
		return
	}
	if c.closeErr == nil {
		c.closeErr = err
		c.emit(Event{Kind: EventClosed, Err: err})
		if c.tracer != nil {
			c.traceClosed(now, err, false)
		}
	}
	c.state = stateDraining
	if c.tracer != nil {
		c.traceState(now, qlog.StateDraining)
	}
	c.closeDeadline = now.Add(3 * c.loss.RTT().PTO(true))
}

// closeSilently discards the connection at once, as after an idle timeout
// (RFC 9000, 10.1).
func (c *Conn) closeSilently(err error) {
	if c.state == stateClosed {
		return
	}
	if c.closeErr == nil {
		c.closeErr = err
		c.emit(Event{Kind: EventClosed, Err: err})
		if c.tracer != nil {
			c.traceClosed(c.traceNow, err, true)
		}
	}
	c.finish()
}

// finish frees the connection's state.
func (c *Conn) finish() {
	c.state = stateClosed
	c.tls.Close()
	if c.tracer != nil {
		c.traceState(c.traceNow, qlog.StateClosed)
		c.tracer.Close()
		c.tracer = nil
	}
	c.emit(Event{Kind: EventDrained})
}

// connError returns why the connection ended.
func (c *Conn) connError() error {
	if c.closeErr != nil {
		return c.closeErr
	}
	return ErrConnClosed
}

// Lingering reports whether the connection only waits out its closing or
// draining period (RFC 9000, 10.2) with nothing to send: what remains is
// answering arriving packets and the deadline NextTimeout gives.
func (c *Conn) Lingering() bool {
	return (c.state == stateClosing || c.state == stateDraining) && !c.closeSendNow
}

// Err returns why the connection ended, or nil while it is open.
func (c *Conn) Err() error { return c.closeErr }

// pollClose sends CONNECTION_CLOSE in every packet number space the peer
// may be able to read (RFC 9000, 10.2.3).
func (c *Conn) pollClose(now protocol.Time, buf []byte) (Transmit, bool) {
	if !c.closeSendNow {
		return Transmit{}, false
	}
	c.closeSendNow = false
	// Repeat the close at most for exponentially rarer incoming packets
	// (RFC 9000, 10.2.1 asks for a rate limit).
	c.closesSent++
	limit := min(len(buf), c.path.mtu)
	if !c.path.validated {
		limit = min(limit, c.path.amplificationRoom())
	}
	pos := 0
	hasInitial := false
	for s := protocol.SpaceInitial; s < protocol.NumSpaces; s++ {
		pt, ok := c.packetTypeFor(s)
		if !ok || pt == protocol.Packet0RTT {
			continue
		}
		if s == protocol.SpaceInitial && c.handshakeConfirmed {
			continue
		}
		n := c.buildClosePacket(now, buf, pos, limit, s, pt, c.isClient && s == protocol.SpaceInitial)
		if n > 0 {
			hasInitial = hasInitial || s == protocol.SpaceInitial
		}
		pos += n
	}
	if pos == 0 {
		return Transmit{}, false
	}
	if !c.path.validated {
		c.path.bytesSent += uint64(pos)
	}
	return Transmit{Remote: c.path.remote, Local: c.path.source(), Size: pos, SegSize: pos}, true
}

// buildClosePacket writes one packet carrying CONNECTION_CLOSE and returns
// its size. Packets sent while closing are not tracked for loss.
func (c *Conn) buildClosePacket(now protocol.Time, out []byte, pos, limit int, s protocol.Space, pt protocol.PacketType, pad bool) int {
	sp := &c.spaces[s]
	f := wire.ConnectionCloseFrame{Application: c.closeFrame.app, ErrorCode: c.closeFrame.code,
		FrameType: c.closeFrame.frameType, Reason: []byte(c.closeFrame.reason)}
	if f.Application && pt != protocol.Packet1RTT {
		// RFC 9000, 10.2.3: an application close in an Initial or
		// Handshake packet becomes APPLICATION_ERROR without a reason.
		f = wire.ConnectionCloseFrame{ErrorCode: uint64(qerr.ApplicationErrorCode)}
	}
	p := builtPacket{start: pos, pt: pt, lengthOffset: -1, pn: sp.nextPN}
	p.pnLen = 4
	b := out[pos:pos:limit]
	if pt == protocol.Packet1RTT {
		b = packet.AppendShortHeader(b, c.remoteCIDs.Current(), int64(p.pn), p.pnLen, false, false)
	} else {
		h := packet.LongHeader{Version: c.version, Type: pt, DCID: c.remoteCIDs.Current(), SCID: c.initialSCID}
		if pt == protocol.PacketInitial {
			h.Token = c.retryToken
		}
		var lo int
		b, lo = packet.AppendLongHeader(b, h, int64(p.pn), p.pnLen)
		p.lengthOffset = pos + lo
	}
	p.pnOffset = pos + len(b) - p.pnLen
	room := limit - pos - len(b) - protect.TagLen
	if room < 16 {
		return 0
	}
	if f.Len() > room {
		f.Reason = f.Reason[:max(0, len(f.Reason)-(f.Len()-room))]
	}
	b = f.Append(b)
	if pad && pos+len(b)+protect.TagLen < protocol.MinInitialDatagramSize {
		n := min(protocol.MinInitialDatagramSize, limit) - protect.TagLen - pos - len(b)
		b = append(b, make([]byte, max(n, 0))...)
	}
	sp.nextPN++
	p.end = pos + len(b)
	c.protectPacket(out, &p)
	return p.end - p.start + protect.TagLen
}

// protectPacket fills in the Length field and applies packet protection.
func (c *Conn) protectPacket(out []byte, p *builtPacket) {
	payloadLen := p.end - (p.pnOffset + p.pnLen)
	if p.lengthOffset >= 0 {
		packet.PutLength(out[p.start:], p.lengthOffset-p.start, p.pnLen+payloadLen+protect.TagLen)
	}
	b := out[p.start:p.end:len(out)]
	var err error
	switch p.pt {
	case protocol.Packet1RTT:
		_, err = c.oneRTT.Protect(b, p.pnOffset-p.start, p.pn)
	case protocol.Packet0RTT:
		_, err = c.zeroRTTSeal.Protect(b, p.pnOffset-p.start, p.pn)
	default:
		_, err = c.spaces[p.pt.Space()].seal.Protect(b, p.pnOffset-p.start, p.pn)
	}
	if err != nil {
		panic("core: sealing a packet failed: " + err.Error()) // a bug: packets are built to fit
	}
}

// Abandon frees the connection at once, without waiting for the closing or
// draining period, as an endpoint that shuts down does. Close it first to
// tell the peer.
func (c *Conn) Abandon() {
	if c.state != stateClosed {
		c.finish()
	}
}
