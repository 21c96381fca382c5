package http3

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"runtime"
	"sync"
	"time"
)

// Server serves HTTP/3 requests to an http.Handler (RFC 9114).
type Server struct {
	// Handler answers requests; nil means http.DefaultServeMux.
	Handler http.Handler
	// TLSConfig is the TLS configuration the Listener's QUIC transport
	// uses; the HTTP/3 layer only reads it for ConfigureTLS.
	TLSConfig *tls.Config
	// MaxHeaderBytes is SETTINGS_MAX_FIELD_SECTION_SIZE; zero means
	// http.DefaultMaxHeaderBytes.
	MaxHeaderBytes int
	// IdleTimeout closes a connection (GOAWAY, then H3_NO_ERROR) after this
	// long without requests; zero means never.
	IdleTimeout time.Duration
	// QPACKMaxTableCapacity is the dynamic table the peer may use for
	// request headers; zero means 4096, negative disables it.
	QPACKMaxTableCapacity int
	// QPACKBlockedStreams is how many streams may wait for QPACK inserts;
	// zero means 16, negative means none.
	QPACKBlockedStreams int
	// ConnContext, if set, derives each connection's base context.
	ConnContext func(ctx context.Context, c Conn) context.Context
	// ErrorLog logs handler panics; nil means the log package's default.
	ErrorLog *log.Logger

	mu        sync.Mutex
	listeners map[Listener]struct{}
	conns     map[*serverConn]struct{}
	closing   bool
	connsDone chan struct{} // closed when conns empties during shutdown
}

// ConfigureTLS returns a copy of c advertising the "h3" ALPN token
// (RFC 9114, 3.1).
func ConfigureTLS(c *tls.Config) *tls.Config {
	if c == nil {
		c = &tls.Config{}
	} else {
		c = c.Clone()
	}
	c.NextProtos = []string{NextProtoH3}
	c.MinVersion = tls.VersionTLS13
	return c
}

func (s *Server) config() connConfig {
	capacity, blocked := qpackSettings(s.QPACKMaxTableCapacity, s.QPACKBlockedStreams)
	max := s.MaxHeaderBytes
	if max <= 0 {
		max = http.DefaultMaxHeaderBytes
	}
	return connConfig{qpackCapacity: capacity, qpackBlocked: blocked, maxFieldSectionSize: uint64(max)}
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// Serve accepts connections from l and serves each in its own goroutine.
// It returns ErrServerClosed after Shutdown or Close.
func (s *Server) Serve(l Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ErrServerClosed
	}
	if s.listeners == nil {
		s.listeners = make(map[Listener]struct{})
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}()
	for {
		c, err := l.Accept(context.Background())
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			return err
		}
		go s.ServeConn(c)
	}
}

// ServeConn serves HTTP/3 on one connection until it ends.
func (s *Server) ServeConn(qc Conn) error {
	sc := &serverConn{srv: s, conn: newConnection(qc, true, s.config()), done: make(chan struct{})}
	defer close(sc.done)
	sc.baseCtx = qc.Context()
	if s.ConnContext != nil {
		sc.baseCtx = s.ConnContext(sc.baseCtx, qc)
	}
	if err := sc.conn.start(); err != nil {
		qc.CloseWithError(uint64(ErrCodeInternalError), "")
		return err
	}
	s.mu.Lock()
	if s.conns == nil {
		s.conns = make(map[*serverConn]struct{})
	}
	s.conns[sc] = struct{}{}
	closing := s.closing
	s.mu.Unlock()
	defer s.removeConn(sc)
	defer sc.stopIdle()
	if closing {
		sc.shutdown()
	}
	sc.idle()
	return sc.serve()
}

func (s *Server) removeConn(sc *serverConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, sc)
	if len(s.conns) == 0 && s.connsDone != nil {
		close(s.connsDone)
		s.connsDone = nil
	}
}

// Shutdown stops the listeners, sends GOAWAY on every connection (RFC
// 9114, 5.2) and waits for in-flight requests to complete, then closes
// the connections with H3_NO_ERROR. If ctx ends first, remaining
// connections are closed and ctx's error returned.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	conns := s.stopListeningLocked()
	var done chan struct{}
	if len(s.conns) > 0 {
		if s.connsDone == nil {
			s.connsDone = make(chan struct{})
		}
		done = s.connsDone
	}
	s.mu.Unlock()
	for _, sc := range conns {
		sc.shutdown()
	}
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.Close()
		return ctx.Err()
	}
}

// Close closes the listeners and all connections at once.
func (s *Server) Close() error {
	s.mu.Lock()
	conns := s.stopListeningLocked()
	s.mu.Unlock()
	for _, sc := range conns {
		sc.conn.qc.CloseWithError(uint64(ErrCodeNoError), "server closed")
	}
	return nil
}

// stopListeningLocked marks the server closing, closes its listeners and
// returns its connections. s.mu is held.
func (s *Server) stopListeningLocked() []*serverConn {
	s.closing = true
	for l := range s.listeners {
		l.Close()
	}
	conns := make([]*serverConn, 0, len(s.conns))
	for sc := range s.conns {
		conns = append(conns, sc)
	}
	return conns
}

// serverConn is one connection of a Server.
type serverConn struct {
	srv     *Server
	conn    *connection
	baseCtx context.Context
	done    chan struct{}

	mu          sync.Mutex
	active      int
	nextID      int64 // lowest client bidi stream ID not yet accepted
	goAwaySent  bool
	goAwayID    int64
	idleTimer   *time.Timer
	closingDown bool
}

// serve accepts request streams (RFC 9114, 6.1).
func (sc *serverConn) serve() error {
	for {
		str, err := sc.conn.qc.AcceptStream(sc.conn.ctx)
		if err != nil {
			if ce := sc.conn.closeErr(); ce != nil {
				return ce
			}
			return err
		}
		id := str.StreamID()
		sc.mu.Lock()
		if sc.goAwaySent && id >= sc.goAwayID {
			sc.mu.Unlock()
			// RFC 9114, 5.2: beyond the GOAWAY, requests are rejected
			// unprocessed so the client may retry them.
			str.CancelRead(uint64(ErrCodeRequestRejected))
			str.CancelWrite(uint64(ErrCodeRequestRejected))
			continue
		}
		sc.nextID = max(sc.nextID, id+4)
		sc.active++
		if sc.idleTimer != nil {
			sc.idleTimer.Stop()
		}
		sc.mu.Unlock()
		go sc.handleStream(str)
	}
}

// requestDone ends a request; a draining connection closes after its
// last one.
func (sc *serverConn) requestDone() {
	sc.mu.Lock()
	sc.active--
	last := sc.active == 0
	draining := sc.goAwaySent
	sc.mu.Unlock()
	if last && draining {
		sc.closeGracefully()
	} else if last {
		sc.idle()
	}
}

// idle arms the idle timer when no request is active.
func (sc *serverConn) idle() {
	d := sc.srv.IdleTimeout
	if d <= 0 {
		return
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.active > 0 {
		return
	}
	if sc.idleTimer == nil {
		sc.idleTimer = time.AfterFunc(d, sc.shutdown)
	} else {
		sc.idleTimer.Reset(d)
	}
}

func (sc *serverConn) stopIdle() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.idleTimer != nil {
		sc.idleTimer.Stop()
	}
}

// shutdown sends GOAWAY naming the first stream not accepted, so the
// client retries later requests elsewhere (RFC 9114, 5.2), and closes once
// no request is active.
func (sc *serverConn) shutdown() {
	sc.mu.Lock()
	if sc.goAwaySent {
		sc.mu.Unlock()
		return
	}
	sc.goAwaySent, sc.goAwayID = true, sc.nextID
	id, idle := sc.goAwayID, sc.active == 0
	sc.mu.Unlock()
	sc.conn.sendGoAway(uint64(id))
	if idle {
		sc.closeGracefully()
	}
}

// drainGrace is how long a drained connection waits for the client to
// close it before the server does. Closing at once could discard the last
// responses still in flight to the client.
const drainGrace = 2 * time.Second

// closeGracefully ends a drained connection (RFC 9114, 5.2): the client
// closes it after its last response, or the server does after drainGrace.
func (sc *serverConn) closeGracefully() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.closingDown {
		return
	}
	sc.closingDown = true
	t := time.AfterFunc(drainGrace, func() {
		sc.conn.qc.CloseWithError(uint64(ErrCodeNoError), "")
	})
	context.AfterFunc(sc.conn.ctx, func() { t.Stop() })
}

// resetStream applies a stream error to both directions.
func resetStream(str Stream, code ErrCode) {
	str.CancelRead(uint64(code))
	str.CancelWrite(uint64(code))
}

// handleStream reads a request from a stream and serves it.
func (sc *serverConn) handleStream(str Stream) {
	defer sc.requestDone()
	c := sc.conn
	fr := getFrameReader(str)
	req, err := sc.readRequest(str, fr)
	if err != nil {
		putFrameReader(fr)
		var se *streamError
		switch {
		case c.fail(err):
		case err == errFieldSectionTooLarge:
			// RFC 9114, 4.2.2: answer 431 rather than process it.
			str.CancelRead(uint64(ErrCodeExcessiveLoad))
			w := newResponseWriter(c, str, &http.Request{})
			w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
			w.finish()
		case errors.As(err, &se):
			resetStream(str, se.code)
		case err == errRequestIncomplete:
			resetStream(str, ErrCodeRequestIncomplete)
		}
		return
	}
	ctx, cancel := context.WithCancel(sc.baseCtx)
	defer cancel()
	stop := context.AfterFunc(str.Context(), cancel)
	defer stop()
	req = req.WithContext(ctx)
	body := &bodyReader{
		conn:          c,
		str:           str,
		fr:            fr,
		ctx:           ctx,
		contentLength: req.ContentLength,
		trailer:       &req.Trailer,
		onError:       func(code ErrCode) { resetStream(str, code) },
	}
	req.Body = body
	req.RemoteAddr = c.qc.RemoteAddr().String()
	st := c.qc.ConnectionState()
	req.TLS = &st.TLS
	w := newResponseWriter(c, str, req)
	// Once the body is closed, nothing reads fr (RFC 9114, 4.1: a server
	// may stop reading once its response is complete).
	defer func() {
		body.Close()
		putFrameReader(fr)
	}()
	if req.Method == http.MethodConnect {
		// CONNECT tunnels (RFC 9114, 4.4) are not supported.
		w.WriteHeader(http.StatusNotImplemented)
		w.finish()
		body.Close()
		return
	}
	if !sc.serveHandler(w, req) {
		resetStream(str, ErrCodeInternalError)
		return
	}
	if !w.finish() {
		return
	}
	// RFC 9114, 4.1: having answered, stop reading an unfinished body.
	body.Close()
}

// serveHandler runs the handler, turning a panic into a stream reset.
func (sc *serverConn) serveHandler(w *responseWriter, req *http.Request) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			ok = false
			if p != http.ErrAbortHandler {
				buf := make([]byte, 64<<10)
				buf = buf[:runtime.Stack(buf, false)]
				sc.srv.logf("http3: panic serving %v: %v\n%s", req.RemoteAddr, p, buf)
			}
		}
	}()
	h := sc.srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	h.ServeHTTP(w, req)
	return true
}

// errRequestIncomplete is a stream that ended before its HEADERS.
var errRequestIncomplete = errors.New("http3: request incomplete")

// readRequest reads the HEADERS frame that opens a request (RFC 9114, 4.1).
func (sc *serverConn) readRequest(str Stream, fr *frameReader) (*http.Request, error) {
	c := sc.conn
	h, err := fr.next()
	if err == io.EOF {
		return nil, errRequestIncomplete
	}
	if err != nil {
		return nil, err
	}
	switch h.Type {
	case frameHeaders:
	case framePushPromise:
		return nil, connError(ErrCodeFrameUnexpected, "PUSH_PROMISE from client")
	default:
		return nil, connError(ErrCodeFrameUnexpected, fmt.Sprintf("frame 0x%x before HEADERS", h.Type))
	}
	p, err := fr.readPayload(h, maxHeadersFrame(c.cfg.maxFieldSectionSize))
	if err != nil {
		return nil, err
	}
	fields, err := c.decodeHeaders(sc.baseCtx, str.StreamID(), p)
	if err != nil {
		return nil, err
	}
	return requestFromFields(fields)
}
