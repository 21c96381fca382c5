package main

import (
	"context"
	"crypto/tls"
	"net"

	quicgo "github.com/quic-go/quic-go"
)

type quicGoStack struct{ maxStreams int64 }

func (s quicGoStack) config() *quicgo.Config {
	return &quicgo.Config{MaxIdleTimeout: idleTimeout, MaxIncomingStreams: s.maxStreams}
}

func (s quicGoStack) listen(pc *net.UDPConn, tc *tls.Config) (listener, error) {
	tr := &quicgo.Transport{Conn: pc}
	ln, err := tr.Listen(tc, s.config())
	if err != nil {
		tr.Close()
		return nil, err
	}
	return quicGoListener{tr, ln}, nil
}

func (s quicGoStack) client(pc *net.UDPConn, tc *tls.Config) (dialer, error) {
	return quicGoDialer{&quicgo.Transport{Conn: pc}, tc, s.config()}, nil
}

type quicGoListener struct {
	tr *quicgo.Transport
	ln *quicgo.Listener
}

func (l quicGoListener) Accept(ctx context.Context) (conn, error) {
	c, err := l.ln.Accept(ctx)
	if err != nil {
		return nil, err
	}
	return quicGoConn{c}, nil
}

func (l quicGoListener) Close() error {
	l.ln.Close()
	return l.tr.Close()
}

type quicGoDialer struct {
	tr   *quicgo.Transport
	tc   *tls.Config
	conf *quicgo.Config
}

func (d quicGoDialer) Dial(ctx context.Context, addr *net.UDPAddr) (conn, error) {
	c, err := d.tr.Dial(ctx, addr, d.tc, d.conf)
	if err != nil {
		return nil, err
	}
	return quicGoConn{c}, nil
}

func (d quicGoDialer) Close() error { return d.tr.Close() }

type quicGoConn struct{ c *quicgo.Conn }

func (c quicGoConn) OpenStreamSync(ctx context.Context) (stream, error) {
	return c.c.OpenStreamSync(ctx)
}

func (c quicGoConn) AcceptStream(ctx context.Context) (stream, error) {
	return c.c.AcceptStream(ctx)
}

func (c quicGoConn) Close() error { return c.c.CloseWithError(0, "") }

func (c quicGoConn) Done() <-chan struct{} { return c.c.Context().Done() }

func (c quicGoConn) Stats() connStats {
	s := c.c.ConnectionStats()
	return connStats{PacketsSent: s.PacketsSent, PacketsReceived: s.PacketsReceived, PacketsLost: s.PacketsLost}
}
