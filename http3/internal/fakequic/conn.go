// Package fakequic is an in-memory QUIC connection for testing the http3
// package: per-stream byte pipes with FIN, resets and STOP_SENDING, stream
// IDs allocated as QUIC does (RFC 9000, 2.1), stream limits and connection
// close. It is goroutine-safe and involves no network or timers beyond
// deadlines the caller sets.
package fakequic

import (
	"context"
	"net"
	"sync"
	"sync/atomic"

	"github.com/quicr/quicr/http3"
)

// side is the client (0) or server (1) end.
type side int

const (
	client side = 0
	server side = 1
)

// Config tunes a fake connection.
type Config struct {
	// MaxBidiStreams and MaxUniStreams are the streams each side may have
	// open at once (the peer's MAX_STREAMS). Zero means 100.
	MaxBidiStreams, MaxUniStreams int
	// StreamBuffer is the bytes a stream direction buffers before writes
	// block. Zero means 64 KiB.
	StreamBuffer int
	// Early makes the client Conn an unfinished 0-RTT connection until
	// CompleteHandshake is called.
	Early bool
}

// connState is shared by both ends of a connection.
type connState struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu      sync.Mutex
	changed chan struct{}
	closed  bool
	closer  side
	code    uint64
	reason  string
	ep      [2]endpoint
	ends    [2]*Conn
}

// endpoint is one side's stream bookkeeping.
type endpoint struct {
	nextBidi, nextUni int64
	openBidi, openUni int
	acceptBidi        []*Stream
	acceptUni         []*Stream
}

// Conn is one end of a fake connection; it implements http3.Conn and
// http3.EarlyConn.
type Conn struct {
	st     *connState
	self   side
	hs     chan struct{}
	hsOnce *sync.Once
	early  bool
	ctx    context.Context
	cancel context.CancelCauseFunc
}

type addr string

func (a addr) Network() string { return "fake" }
func (a addr) String() string  { return string(a) }

// NewPair returns the two ends of a new connection.
func NewPair(cfg Config) (clientConn, serverConn *Conn) {
	if cfg.MaxBidiStreams == 0 {
		cfg.MaxBidiStreams = 100
	}
	if cfg.MaxUniStreams == 0 {
		cfg.MaxUniStreams = 100
	}
	if cfg.StreamBuffer == 0 {
		cfg.StreamBuffer = 64 << 10
	}
	st := &connState{cfg: cfg, changed: make(chan struct{})}
	st.ctx, st.cancel = context.WithCancelCause(context.Background())
	// RFC 9000, 2.1: the low two bits are initiator and direction.
	st.ep[client] = endpoint{nextBidi: 0, nextUni: 2}
	st.ep[server] = endpoint{nextBidi: 1, nextUni: 3}
	hs := make(chan struct{})
	once := new(sync.Once)
	if !cfg.Early {
		close(hs)
	}
	clientConn = &Conn{st: st, self: client, hs: hs, hsOnce: once, early: cfg.Early}
	serverConn = &Conn{st: st, self: server, hs: hs, hsOnce: once}
	// Each end's context carries the close as that end sees it.
	clientConn.ctx, clientConn.cancel = context.WithCancelCause(context.Background())
	serverConn.ctx, serverConn.cancel = context.WithCancelCause(context.Background())
	st.ends = [2]*Conn{clientConn, serverConn}
	return clientConn, serverConn
}

// signal wakes waiters; st.mu is held.
func (st *connState) signal() {
	close(st.changed)
	st.changed = make(chan struct{})
}

// err returns the connection error as seen from self, or nil while open.
func (st *connState) err(self side) error {
	if st.ctx.Err() == nil {
		return nil
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return &ApplicationError{Code: st.code, Remote: st.closer != self, Reason: st.reason}
}

// waitLocked waits for a change; st.mu is held on entry and exit.
func (st *connState) waitLocked(ctx context.Context) error {
	ch := st.changed
	st.mu.Unlock()
	defer st.mu.Lock()
	select {
	case <-ch:
		return nil
	case <-st.ctx.Done():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Conn) open(ctx context.Context, bidi, wait bool) (*Stream, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	ep := &st.ep[c.self]
	for {
		if st.closed {
			return nil, &ApplicationError{Code: st.code, Remote: st.closer != c.self, Reason: st.reason}
		}
		if bidi && ep.openBidi < st.cfg.MaxBidiStreams || !bidi && ep.openUni < st.cfg.MaxUniStreams {
			break
		}
		if !wait {
			return nil, ErrStreamLimit
		}
		if err := st.waitLocked(ctx); err != nil {
			return nil, err
		}
	}
	peer := &st.ep[1-c.self]
	if !bidi {
		id := ep.nextUni
		ep.nextUni += 4
		ep.openUni++
		p := newPipe(st, st.cfg.StreamBuffer, func() { c.release(false) })
		sctx, cancel := context.WithCancel(st.ctx)
		p.onEnd = cancel
		peer.acceptUni = append(peer.acceptUni, &Stream{id: id, self: 1 - c.self, recv: p, ctx: st.ctx})
		st.signal()
		return &Stream{id: id, self: c.self, send: p, ctx: sctx}, nil
	}
	id := ep.nextBidi
	ep.nextBidi += 4
	ep.openBidi++
	var done atomic.Int32
	onDone := func() {
		if done.Add(1) == 2 {
			c.release(true)
		}
	}
	out, in := newPipe(st, st.cfg.StreamBuffer, onDone), newPipe(st, st.cfg.StreamBuffer, onDone)
	octx, ocancel := context.WithCancel(st.ctx)
	ictx, icancel := context.WithCancel(st.ctx)
	out.onEnd, in.onEnd = ocancel, icancel
	peer.acceptBidi = append(peer.acceptBidi, &Stream{id: id, self: 1 - c.self, send: in, recv: out, ctx: ictx})
	st.signal()
	return &Stream{id: id, self: c.self, send: out, recv: in, ctx: octx}, nil
}

// release returns the credit of a finished stream this side opened.
func (c *Conn) release(bidi bool) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	if bidi {
		c.st.ep[c.self].openBidi--
	} else {
		c.st.ep[c.self].openUni--
	}
	c.st.signal()
}

func (c *Conn) accept(ctx context.Context, bidi bool) (*Stream, error) {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	ep := &st.ep[c.self]
	for {
		q := &ep.acceptUni
		if bidi {
			q = &ep.acceptBidi
		}
		if len(*q) > 0 {
			s := (*q)[0]
			*q = (*q)[1:]
			return s, nil
		}
		if st.closed {
			return nil, &ApplicationError{Code: st.code, Remote: st.closer != c.self, Reason: st.reason}
		}
		if err := st.waitLocked(ctx); err != nil {
			return nil, err
		}
	}
}

// OpenStream implements http3.Conn.
func (c *Conn) OpenStream() (http3.Stream, error) {
	s, err := c.open(context.Background(), true, false)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// OpenStreamSync implements http3.Conn.
func (c *Conn) OpenStreamSync(ctx context.Context) (http3.Stream, error) {
	s, err := c.open(ctx, true, true)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// OpenUniStream implements http3.Conn.
func (c *Conn) OpenUniStream() (http3.SendStream, error) {
	s, err := c.open(context.Background(), false, false)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// OpenUniStreamSync implements http3.Conn.
func (c *Conn) OpenUniStreamSync(ctx context.Context) (http3.SendStream, error) {
	s, err := c.open(ctx, false, true)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// AcceptStream implements http3.Conn.
func (c *Conn) AcceptStream(ctx context.Context) (http3.Stream, error) {
	s, err := c.accept(ctx, true)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// AcceptUniStream implements http3.Conn.
func (c *Conn) AcceptUniStream(ctx context.Context) (http3.ReceiveStream, error) {
	s, err := c.accept(ctx, false)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// CloseWithError closes the connection; the first close wins.
func (c *Conn) CloseWithError(code uint64, reason string) error {
	st := c.st
	st.mu.Lock()
	if !st.closed {
		st.closed, st.closer, st.code, st.reason = true, c.self, code, reason
		st.cancel(&ApplicationError{Code: code, Reason: reason})
		for i, end := range st.ends {
			end.cancel(&ApplicationError{Code: code, Remote: side(i) != c.self, Reason: reason})
		}
		st.signal()
	}
	st.mu.Unlock()
	return nil
}

// CloseError returns the connection close as seen from this end, or nil
// while the connection is open.
func (c *Conn) CloseError() *ApplicationError {
	st := c.st
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.closed {
		return nil
	}
	return &ApplicationError{Code: st.code, Remote: st.closer != c.self, Reason: st.reason}
}

// Context implements http3.Conn.
func (c *Conn) Context() context.Context { return c.ctx }

// LocalAddr implements http3.Conn.
func (c *Conn) LocalAddr() net.Addr { return addr([...]string{"client", "server"}[c.self]) }

// RemoteAddr implements http3.Conn.
func (c *Conn) RemoteAddr() net.Addr { return addr([...]string{"server", "client"}[c.self]) }

// ConnectionState implements http3.Conn.
func (c *Conn) ConnectionState() http3.ConnectionState {
	s := http3.ConnectionState{Used0RTT: c.early, Version: 1}
	s.TLS.NegotiatedProtocol = http3.NextProtoH3
	s.TLS.HandshakeComplete = true
	return s
}

// HandshakeComplete implements http3.EarlyConn.
func (c *Conn) HandshakeComplete() <-chan struct{} { return c.hs }

// CompleteHandshake ends the 0-RTT phase of an Early connection.
func (c *Conn) CompleteHandshake() { c.hsOnce.Do(func() { close(c.hs) }) }

// StreamsOpened returns how many bidirectional and unidirectional streams
// this end has opened.
func (c *Conn) StreamsOpened() (bidi, uni int) {
	c.st.mu.Lock()
	defer c.st.mu.Unlock()
	ep := &c.st.ep[c.self]
	return int(ep.nextBidi / 4), int(ep.nextUni / 4)
}
