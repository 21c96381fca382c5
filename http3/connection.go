package http3

import (
	"context"
	"errors"
	"sync"

	"github.com/quicr/quicr/http3/qpack"
)

// Unidirectional stream types (RFC 9114, 6.2; RFC 9204, 4.2).
const (
	streamTypeControl      = 0x00
	streamTypePush         = 0x01
	streamTypeQPACKEncoder = 0x02
	streamTypeQPACKDecoder = 0x03
)

// maxControlFrame bounds non-DATA frames on the control stream.
const maxControlFrame = 16 << 10

// connConfig is what a Server or Transport tells a connection.
type connConfig struct {
	qpackCapacity       uint64 // SETTINGS_QPACK_MAX_TABLE_CAPACITY we allow
	qpackBlocked        uint64 // SETTINGS_QPACK_BLOCKED_STREAMS we allow
	maxFieldSectionSize uint64 // SETTINGS_MAX_FIELD_SECTION_SIZE we enforce
}

// qpackSettings turns the user-facing knobs (zero = default, negative =
// off) into settings values.
func qpackSettings(capacity, blocked int) (uint64, uint64) {
	c, b := uint64(4096), uint64(16)
	if capacity > 0 {
		c = uint64(capacity)
	} else if capacity < 0 {
		c = 0
	}
	if blocked > 0 {
		b = uint64(blocked)
	} else if blocked < 0 {
		b = 0
	}
	return c, b
}

// connection is the HTTP/3 state shared by client and server: the control
// and QPACK streams in both directions (RFC 9114, 6.2).
type connection struct {
	qc       Conn
	isServer bool
	cfg      connConfig
	ctx      context.Context

	ctrlMu sync.Mutex
	ctrl   SendStream

	encMu  sync.Mutex
	enc    *qpack.Encoder
	encStr SendStream

	decMu      sync.Mutex
	dec        *qpack.Decoder
	decStr     SendStream
	decChanged chan struct{} // closed and replaced when inserts arrive
	decBuf     []byte

	mu           sync.Mutex
	uniSeen      [4]bool // control, push, encoder, decoder stream received
	peerSettings settings
	goAwayRecv   uint64 // smallest GOAWAY ID received
	gotGoAway    bool
	maxPushID    uint64
	gotMaxPushID bool
	err          *Error // first connection error

	// onGoAway is called (client side) for each GOAWAY received.
	onGoAway func(id uint64)
}

func newConnection(qc Conn, isServer bool, cfg connConfig) *connection {
	return &connection{
		qc:       qc,
		isServer: isServer,
		cfg:      cfg,
		ctx:      qc.Context(),
		enc:      qpack.NewEncoder(qpack.EncoderConfig{MaxTableCapacity: cfg.qpackCapacity}),
		dec: qpack.NewDecoder(qpack.DecoderConfig{
			MaxTableCapacity:    cfg.qpackCapacity,
			MaxBlockedStreams:   cfg.qpackBlocked,
			MaxFieldSectionSize: cfg.maxFieldSectionSize,
		}),
		decChanged: make(chan struct{}),
	}
}

// greaseSetting and greaseFrameType exercise the peer's handling of
// reserved identifiers (RFC 9114, 7.2.4.1 and 7.2.8).
const (
	greaseSetting   = 0x1f*7 + 0x21
	greaseFrameType = 0x1f*3 + 0x21
)

// start opens the control stream with our SETTINGS and the QPACK streams,
// then serves the peer's unidirectional streams in the background.
func (c *connection) start() error {
	s := settings{
		{ID: settingQPACKMaxTableCapacity, Value: c.cfg.qpackCapacity},
		{ID: settingQPACKBlockedStreams, Value: c.cfg.qpackBlocked},
		{ID: settingMaxFieldSectionSize, Value: c.cfg.maxFieldSectionSize},
		{ID: greaseSetting, Value: 0},
	}
	b := appendVarint(nil, streamTypeControl)
	b = appendSettingsFrame(b, s)
	b = appendFrameHeader(b, greaseFrameType, 0)
	ctrl, err := c.openUni(b)
	if err != nil {
		return err
	}
	encStr, err := c.openUni([]byte{streamTypeQPACKEncoder})
	if err != nil {
		return err
	}
	decStr, err := c.openUni([]byte{streamTypeQPACKDecoder})
	if err != nil {
		return err
	}
	c.ctrlMu.Lock()
	c.ctrl = ctrl
	c.ctrlMu.Unlock()
	c.encMu.Lock()
	c.encStr = encStr
	c.encMu.Unlock()
	c.decMu.Lock()
	c.decStr = decStr
	c.decMu.Unlock()
	go c.acceptUniStreams()
	if !c.isServer {
		go c.refuseBidiStreams()
	}
	return nil
}

func (c *connection) openUni(preamble []byte) (SendStream, error) {
	s, err := c.qc.OpenUniStreamSync(c.ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Write(preamble); err != nil {
		return nil, err
	}
	return s, nil
}

// close closes the connection with a connection error; the first wins.
func (c *connection) close(e *Error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = e
	}
	c.mu.Unlock()
	c.qc.CloseWithError(uint64(e.Code), e.Reason)
}

// fail handles an error met while processing a stream: connection errors
// close the connection; others are left to the caller.
func (c *connection) fail(err error) bool {
	var e *Error
	if errors.As(err, &e) && !e.Remote {
		c.close(e)
		return true
	}
	return false
}

// closeErr returns the connection error, if the connection failed.
func (c *connection) closeErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	if c.ctx.Err() != nil {
		if cause := context.Cause(c.ctx); cause != nil {
			return cause
		}
	}
	return nil
}

// refuseBidiStreams closes a client's connection when the server opens a
// bidirectional stream (RFC 9114, 6.1).
func (c *connection) refuseBidiStreams() {
	if _, err := c.qc.AcceptStream(c.ctx); err == nil {
		c.close(connError(ErrCodeStreamCreationError, "server-initiated bidirectional stream"))
	}
}

func (c *connection) acceptUniStreams() {
	for {
		s, err := c.qc.AcceptUniStream(c.ctx)
		if err != nil {
			return
		}
		go c.handleUniStream(s)
	}
}

// handleUniStream dispatches on the stream type (RFC 9114, 6.2).
func (c *connection) handleUniStream(s ReceiveStream) {
	fr := newFrameReader(s)
	typ, err := readVarint(fr.r)
	if err != nil {
		return // ended before its type: nothing to do
	}
	switch typ {
	case streamTypeControl, streamTypeQPACKEncoder, streamTypeQPACKDecoder:
		c.mu.Lock()
		dup := c.uniSeen[typ]
		c.uniSeen[typ] = true
		c.mu.Unlock()
		if dup {
			c.close(connError(ErrCodeStreamCreationError, "duplicate critical stream"))
			return
		}
		switch typ {
		case streamTypeControl:
			err = c.readControlStream(fr)
		case streamTypeQPACKEncoder:
			err = c.readQPACKStream(fr, true)
		default:
			err = c.readQPACKStream(fr, false)
		}
		if c.fail(err) || c.isClosed() {
			return
		}
		// RFC 9114, 6.2.1: critical streams never end.
		c.close(connError(ErrCodeClosedCriticalStream, "critical stream closed"))
	case streamTypePush:
		if c.isServer {
			// RFC 9114, 6.2.2: only servers push.
			c.close(connError(ErrCodeStreamCreationError, "push stream from client"))
		} else {
			// No MAX_PUSH_ID was sent, so any push ID is too large (4.6).
			c.close(connError(ErrCodeIDError, "push stream without MAX_PUSH_ID"))
		}
	default:
		// RFC 9114, 6.2: unknown and reserved types are not processed.
		s.CancelRead(uint64(ErrCodeStreamCreationError))
	}
}

func (c *connection) isClosed() bool { return c.ctx.Err() != nil }

// readControlStream processes the peer's control stream (RFC 9114, 6.2.1):
// SETTINGS first, then GOAWAY, MAX_PUSH_ID and CANCEL_PUSH.
func (c *connection) readControlStream(fr *frameReader) error {
	h, err := fr.next()
	if err != nil {
		return err
	}
	if h.Type != frameSettings {
		return connError(ErrCodeMissingSettings, "control stream must start with SETTINGS")
	}
	p, err := fr.readPayload(h, maxControlFrame)
	if err != nil {
		return err
	}
	s, err := parseSettings(p)
	if err != nil {
		return err
	}
	c.applySettings(s)
	for {
		h, err := fr.next()
		if err != nil {
			return err
		}
		switch h.Type {
		case frameGoAway, frameMaxPushID, frameCancelPush:
		default:
			// RFC 9114, 7.2: DATA, HEADERS, PUSH_PROMISE, a second
			// SETTINGS and HTTP/2 frames are not allowed here.
			return connError(ErrCodeFrameUnexpected, "frame not allowed on the control stream")
		}
		p, err := fr.readPayload(h, maxControlFrame)
		if err != nil {
			return err
		}
		id, err := parseVarintFrame(p)
		if err != nil {
			return err
		}
		switch h.Type {
		case frameGoAway:
			err = c.handleGoAway(id)
		case frameMaxPushID:
			err = c.handleMaxPushID(id)
		case frameCancelPush:
			// We never allow or promise pushes, so every push ID is
			// unknown (RFC 9114, 7.2.3).
			err = connError(ErrCodeIDError, "CANCEL_PUSH for an unknown push")
		}
		if err != nil {
			return err
		}
	}
}

// applySettings records the peer's SETTINGS and lets the QPACK encoder use
// the dynamic table it allows (RFC 9204, 5).
func (c *connection) applySettings(s settings) {
	c.encMu.Lock()
	c.enc.SetPeerSettings(s.get(settingQPACKMaxTableCapacity, 0), s.get(settingQPACKBlockedStreams, 0))
	c.encMu.Unlock()
	c.mu.Lock()
	c.peerSettings = s
	c.mu.Unlock()
}

// peerMaxFieldSectionSize returns the peer's SETTINGS_MAX_FIELD_SECTION_SIZE
// (unlimited until known).
func (c *connection) peerMaxFieldSectionSize() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peerSettings.get(settingMaxFieldSectionSize, maxVarint)
}

// handleGoAway checks a GOAWAY (RFC 9114, 5.2 and 7.2.6): from a server it
// names a client-initiated bidirectional stream, and IDs never grow.
func (c *connection) handleGoAway(id uint64) error {
	if !c.isServer && id%4 != 0 {
		return connError(ErrCodeIDError, "GOAWAY with a non-request stream ID")
	}
	c.mu.Lock()
	if c.gotGoAway && id > c.goAwayRecv {
		c.mu.Unlock()
		return connError(ErrCodeIDError, "GOAWAY ID increased")
	}
	c.gotGoAway, c.goAwayRecv = true, id
	c.mu.Unlock()
	if c.onGoAway != nil {
		c.onGoAway(id)
	}
	return nil
}

// handleMaxPushID checks MAX_PUSH_ID (RFC 9114, 7.2.7): only clients send
// it and it never decreases. We do not push, so it is only recorded.
func (c *connection) handleMaxPushID(id uint64) error {
	if !c.isServer {
		return connError(ErrCodeFrameUnexpected, "MAX_PUSH_ID from server")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gotMaxPushID && id < c.maxPushID {
		return connError(ErrCodeIDError, "MAX_PUSH_ID decreased")
	}
	c.gotMaxPushID, c.maxPushID = true, id
	return nil
}

// readQPACKStream feeds the peer's encoder stream to our decoder, or its
// decoder stream to our encoder (RFC 9204, 4.2).
func (c *connection) readQPACKStream(fr *frameReader, encoder bool) error {
	buf := make([]byte, 4096)
	for {
		n, err := fr.r.Read(buf)
		if n > 0 {
			if herr := c.handleQPACK(buf[:n], encoder); herr != nil {
				return herr
			}
		}
		if err != nil {
			return err
		}
	}
}

func (c *connection) handleQPACK(b []byte, encoder bool) error {
	var err error
	if encoder {
		c.decMu.Lock()
		err = c.dec.HandleEncoderStream(b)
		close(c.decChanged)
		c.decChanged = make(chan struct{})
		c.flushDecoderLocked()
		c.decMu.Unlock()
	} else {
		c.encMu.Lock()
		err = c.enc.HandleDecoderStream(b)
		c.encMu.Unlock()
	}
	if err != nil {
		var qe *qpack.Error
		if errors.As(err, &qe) {
			return connError(ErrCode(qe.Code), qe.Reason)
		}
		return connError(ErrCodeInternalError, err.Error())
	}
	return nil
}

// flushDecoderLocked writes pending decoder instructions; decMu is held so
// instructions go out in order.
func (c *connection) flushDecoderLocked() {
	c.decBuf = c.dec.AppendDecoderStream(c.decBuf[:0])
	if len(c.decBuf) > 0 && c.decStr != nil {
		c.decStr.Write(c.decBuf)
	}
}

// errFieldSectionTooLarge is a header section above our limit.
var errFieldSectionTooLarge = &streamError{code: ErrCodeExcessiveLoad, reason: "field section too large"}

// decodeHeaders decodes a HEADERS payload received on a stream, waiting
// while it is blocked on encoder-stream inserts (RFC 9204, 2.2.1).
func (c *connection) decodeHeaders(ctx context.Context, streamID int64, section []byte) ([]qpack.HeaderField, error) {
	for {
		c.decMu.Lock()
		changed := c.decChanged
		fields, blocked, err := c.dec.DecodeFieldSection(uint64(streamID), section, nil)
		if !blocked {
			c.flushDecoderLocked()
		}
		c.decMu.Unlock()
		if err != nil {
			if errors.Is(err, qpack.ErrFieldSectionTooLarge) {
				return nil, errFieldSectionTooLarge
			}
			var qe *qpack.Error
			if errors.As(err, &qe) {
				return nil, connError(ErrCode(qe.Code), qe.Reason)
			}
			return nil, connError(ErrCodeQPACKDecompressionFailed, err.Error())
		}
		if !blocked {
			return fields, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			c.cancelDecoding(streamID)
			return nil, ctx.Err()
		case <-c.ctx.Done():
			return nil, c.closeErr()
		}
	}
}

// cancelDecoding tells the peer's encoder a stream's sections will not be
// decoded (RFC 9204, 4.4.2).
func (c *connection) cancelDecoding(streamID int64) {
	c.decMu.Lock()
	c.dec.CancelStream(uint64(streamID))
	c.flushDecoderLocked()
	c.decMu.Unlock()
}

// appendHeadersFrame encodes fields for a stream as a HEADERS frame,
// writing any table updates to the encoder stream first.
func (c *connection) appendHeadersFrame(dst []byte, streamID int64, fields []qpack.HeaderField) ([]byte, error) {
	c.encMu.Lock()
	section := c.enc.EncodeFieldSection(nil, uint64(streamID), fields)
	var err error
	if es := c.enc.AppendEncoderStream(nil); len(es) > 0 {
		_, err = c.encStr.Write(es)
	}
	c.encMu.Unlock()
	dst = appendFrameHeader(dst, frameHeaders, uint64(len(section)))
	return append(dst, section...), err
}

// sendGoAway writes a GOAWAY on our control stream.
func (c *connection) sendGoAway(id uint64) error {
	c.ctrlMu.Lock()
	defer c.ctrlMu.Unlock()
	_, err := c.ctrl.Write(appendVarintFrame(nil, frameGoAway, id))
	return err
}
