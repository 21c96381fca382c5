package http3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// clientConn is a Transport's connection to one origin.
type clientConn struct {
	t     *Transport
	key   string
	c     *connection
	early EarlyConn // non-nil when 0-RTT may be in use

	mu       sync.Mutex
	reqs     map[*clientStream]struct{}
	opening  int // requests opening a stream, not yet in reqs
	goAway   bool
	goAwayID int64
}

// clientStream is a request in flight.
type clientStream struct {
	str Stream
	// rejected is set when a GOAWAY excluded the stream: the server will
	// not process it, so the request is retried (RFC 9114, 5.2).
	rejected atomic.Bool
}

// usable reports whether new requests may use the connection.
func (cc *clientConn) usable() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return !cc.goAway && cc.c.ctx.Err() == nil
}

func (cc *clientConn) idle() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return len(cc.reqs) == 0 && cc.opening == 0
}

// drainedLocked reports a connection told to go away with nothing left in
// flight; cc.mu is held.
func (cc *clientConn) drainedLocked() bool {
	return cc.goAway && len(cc.reqs) == 0 && cc.opening == 0
}

// handleGoAway stops new requests on the connection and fails requests on
// streams at or above id as unprocessed (RFC 9114, 5.2).
func (cc *clientConn) handleGoAway(id uint64) {
	cc.t.removeConn(cc)
	cc.mu.Lock()
	cc.goAway, cc.goAwayID = true, int64(id)
	var rejected []*clientStream
	for cs := range cc.reqs {
		if cs.str.StreamID() >= int64(id) {
			rejected = append(rejected, cs)
		}
	}
	idle := cc.drainedLocked()
	cc.mu.Unlock()
	for _, cs := range rejected {
		cs.rejected.Store(true)
		resetStream(cs.str, ErrCodeRequestCancelled)
	}
	if idle {
		cc.c.qc.CloseWithError(uint64(ErrCodeNoError), "")
	}
}

// requestDone forgets a finished request; a connection told to go away
// closes after its last request.
func (cc *clientConn) requestDone(cs *clientStream) {
	cc.mu.Lock()
	delete(cc.reqs, cs)
	closeNow := cc.drainedLocked()
	cc.mu.Unlock()
	if closeNow {
		cc.c.qc.CloseWithError(uint64(ErrCodeNoError), "")
	}
}

// safeMethod reports methods that may be sent in 0-RTT (RFC 9110, 9.2.1;
// RFC 9114, 10.9).
func safeMethod(m string) bool {
	return m == "" || m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// ErrHandshakeIncomplete wraps a context error returned while a request
// waited for the handshake before it could be sent.
var ErrHandshakeIncomplete = errors.New("http3: waiting for handshake completion")

func (cc *clientConn) roundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	c := cc.c
	fields, err := requestFields(req)
	if err != nil {
		closeReqBody(req)
		return nil, err
	}
	if fieldSectionSize(fields) > c.peerMaxFieldSectionSize() {
		closeReqBody(req)
		return nil, errors.New("http3: request header exceeds the server's limit")
	}
	if cc.early != nil && !safeMethod(req.Method) {
		select {
		case <-cc.early.HandshakeComplete():
		case <-ctx.Done():
			closeReqBody(req)
			return nil, errors.Join(ErrHandshakeIncomplete, ctx.Err())
		case <-c.ctx.Done():
			closeReqBody(req)
			return nil, c.closeErr()
		}
	}
	// Until the stream is in reqs, opening keeps a GOAWAY from closing
	// the connection under it.
	cc.mu.Lock()
	cc.opening++
	cc.mu.Unlock()
	str, err := c.qc.OpenStreamSync(ctx)
	cs := &clientStream{str: str}
	cc.mu.Lock()
	cc.opening--
	rejected := err == nil && cc.goAway && str.StreamID() >= cc.goAwayID
	if err == nil && !rejected {
		cc.reqs[cs] = struct{}{}
	}
	closeNow := cc.drainedLocked()
	cc.mu.Unlock()
	if closeNow {
		cc.c.qc.CloseWithError(uint64(ErrCodeNoError), "")
	}
	if err != nil {
		closeReqBody(req)
		return nil, cc.mapError(ctx, nil, err)
	}
	if rejected {
		resetStream(str, ErrCodeRequestCancelled)
		return nil, errGoAway
	}
	stop := context.AfterFunc(ctx, func() { resetStream(str, ErrCodeRequestCancelled) })
	fail := func(err error) (*http.Response, error) {
		stop()
		cc.requestDone(cs)
		return nil, cc.mapError(ctx, cs, err)
	}

	hdr, err := c.appendHeadersFrame(nil, str.StreamID(), fields)
	if err != nil {
		closeReqBody(req)
		return fail(err)
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	if _, err := str.Write(hdr); err != nil {
		closeReqBody(req)
		return fail(err)
	}
	if hasBody || len(req.Trailer) > 0 {
		go cc.writeBody(str, req)
	} else {
		str.Close()
	}

	fr := getFrameReader(str)
	resp, err := cc.readResponse(ctx, str, fr)
	if err != nil {
		putFrameReader(fr)
		var se *streamError
		if !c.fail(err) && errors.As(err, &se) {
			resetStream(str, se.code)
		}
		return fail(err)
	}
	resp.Request = req
	st := c.qc.ConnectionState()
	resp.TLS = &st.TLS
	cl := resp.ContentLength
	if req.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified {
		cl = -1 // no body follows whatever Content-Length says
	}
	body := &bodyReader{
		conn:          c,
		str:           str,
		fr:            fr,
		ctx:           ctx,
		isClient:      true,
		contentLength: cl,
		trailer:       &resp.Trailer,
		onError:       func(code ErrCode) { resetStream(str, code) },
	}
	body.onDone = func() {
		// Runs with the body ended: no further read touches fr.
		putFrameReader(fr)
		stop()
		if body.err != io.EOF {
			str.CancelWrite(uint64(ErrCodeRequestCancelled))
		}
		cc.requestDone(cs)
	}
	resp.Body = body
	return resp, nil
}

// mapError turns a failure into what RoundTrip reports: errGoAway for an
// unprocessed request, the context's error on cancellation, the
// connection error when the connection failed.
func (cc *clientConn) mapError(ctx context.Context, cs *clientStream, err error) error {
	if cs != nil && cs.rejected.Load() {
		return errGoAway
	}
	if se, ok := AsStreamError(err); ok && cs != nil && se.Remote && ErrCode(se.Code) == ErrCodeRequestRejected {
		// The server refused the stream unprocessed, typically because it
		// is draining: new requests go to a new connection.
		cc.t.removeConn(cc)
		cc.mu.Lock()
		if id := cs.str.StreamID(); !cc.goAway || id < cc.goAwayID {
			cc.goAway, cc.goAwayID = true, id
		}
		cc.mu.Unlock()
		return errGoAway
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if ce := cc.c.closeErr(); ce != nil {
		return ce
	}
	return err
}

// writeBody streams the request body as DATA frames, then trailers and
// FIN (RFC 9114, 4.1). Each frame goes out in one stream write.
func (cc *clientConn) writeBody(str Stream, req *http.Request) {
	bp := bodyBufPool.Get().(*[]byte)
	defer bodyBufPool.Put(bp)
	buf := *bp
	var sent int64
	fail := func() {
		str.CancelWrite(uint64(ErrCodeRequestCancelled))
	}
	if req.Body != nil && req.Body != http.NoBody {
		defer req.Body.Close()
		for {
			n, err := req.Body.Read(buf[hdrRoom:])
			if n > 0 {
				sent += int64(n)
				h := appendFrameHeader(buf[:0:hdrRoom], frameData, uint64(n))
				start := hdrRoom - len(h)
				copy(buf[start:], h)
				if _, werr := str.Write(buf[start : hdrRoom+n]); werr != nil {
					return
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				fail()
				return
			}
		}
	}
	if req.ContentLength > 0 && sent != req.ContentLength {
		fail() // the body broke its declared length
		return
	}
	if t := nonEmpty(req.Trailer); t != nil {
		out, err := cc.c.appendHeadersFrame(nil, str.StreamID(), appendHeaderFields(nil, t, nil))
		if err == nil {
			_, err = str.Write(out)
		}
		if err != nil {
			return
		}
	}
	str.Close()
}

// hdrRoom is the space left before a DATA payload for its frame header.
const hdrRoom = 16

// bodyBufPool recycles request-body copy buffers.
var bodyBufPool = sync.Pool{New: func() any {
	b := make([]byte, hdrRoom+32<<10)
	return &b
}}

// nonEmpty returns the trailers that have values, or nil.
func nonEmpty(h http.Header) http.Header {
	var t http.Header
	for k, vs := range h {
		if len(vs) > 0 {
			if t == nil {
				t = make(http.Header)
			}
			t[k] = vs
		}
	}
	return t
}
