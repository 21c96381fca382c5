package fakequic

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"

	"github.com/quicr/quicr/http3"
)

// ErrListenerClosed is returned by Accept and Dial after Close.
var ErrListenerClosed = errors.New("fakequic: listener closed")

// Listener hands out the server ends of connections made with Dial. It
// implements http3.Listener.
type Listener struct {
	cfg Config

	mu      sync.Mutex
	changed chan struct{}
	queue   []*Conn
	closed  bool
	dials   int
	clients []*Conn
}

// NewListener returns a Listener whose connections use cfg.
func NewListener(cfg Config) *Listener {
	return &Listener{cfg: cfg, changed: make(chan struct{})}
}

// Dial connects to the listener, returning the client end.
func (l *Listener) Dial(ctx context.Context) (*Conn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrListenerClosed
	}
	c, s := NewPair(l.cfg)
	l.queue = append(l.queue, s)
	l.dials++
	l.clients = append(l.clients, c)
	close(l.changed)
	l.changed = make(chan struct{})
	return c, nil
}

// DialFunc returns an http3.DialFunc that dials l whatever the address.
func (l *Listener) DialFunc() http3.DialFunc {
	return func(ctx context.Context, _ string, _ *tls.Config) (http3.Conn, error) {
		c, err := l.Dial(ctx)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// Dials returns the number of connections dialled so far.
func (l *Listener) Dials() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dials
}

// Clients returns the client ends dialled so far.
func (l *Listener) Clients() []*Conn {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*Conn(nil), l.clients...)
}

// Accept implements http3.Listener.
func (l *Listener) Accept(ctx context.Context) (http3.Conn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if l.closed {
			return nil, ErrListenerClosed
		}
		if len(l.queue) > 0 {
			c := l.queue[0]
			l.queue = l.queue[1:]
			return c, nil
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			l.mu.Lock()
			return nil, ctx.Err()
		}
		l.mu.Lock()
	}
}

// Addr implements http3.Listener.
func (l *Listener) Addr() net.Addr { return addr("server") }

// Close stops accepting; established connections are untouched.
func (l *Listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.changed)
		l.changed = make(chan struct{})
	}
	return nil
}
