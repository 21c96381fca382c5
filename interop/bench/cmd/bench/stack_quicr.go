package main

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/quicr/quicr/quic"
)

type quicrStack struct{ maxStreams int64 }

func (s quicrStack) config() *quic.Config {
	return &quic.Config{MaxIdleTimeout: idleTimeout, MaxIncomingStreams: s.maxStreams}
}

func (s quicrStack) listen(pc *net.UDPConn, tc *tls.Config) (listener, error) {
	ep, err := quic.NewEndpoint(pc, tc, s.config())
	if err != nil {
		return nil, err
	}
	return quicrEndpoint{ep, nil, nil}, nil
}

func (s quicrStack) client(pc *net.UDPConn, tc *tls.Config) (dialer, error) {
	ep, err := quic.NewEndpoint(pc, nil, s.config())
	if err != nil {
		return nil, err
	}
	return quicrEndpoint{ep, tc, s.config()}, nil
}

type quicrEndpoint struct {
	ep   *quic.Endpoint
	tc   *tls.Config // client side only
	conf *quic.Config
}

func (e quicrEndpoint) Accept(ctx context.Context) (conn, error) {
	c, err := e.ep.Accept(ctx)
	if err != nil {
		return nil, err
	}
	return quicrConn{c}, nil
}

func (e quicrEndpoint) Dial(ctx context.Context, addr *net.UDPAddr) (conn, error) {
	c, err := e.ep.Dial(ctx, addr.String(), e.tc, e.conf)
	if err != nil {
		return nil, err
	}
	return quicrConn{c}, nil
}

func (e quicrEndpoint) Close() error { return e.ep.Close() }

type quicrConn struct{ c *quic.Conn }

func (c quicrConn) OpenStreamSync(ctx context.Context) (stream, error) {
	return c.c.OpenStreamSync(ctx)
}

func (c quicrConn) AcceptStream(ctx context.Context) (stream, error) {
	return c.c.AcceptStream(ctx)
}

func (c quicrConn) Close() error { return c.c.CloseWithError(0, "") }

func (c quicrConn) Done() <-chan struct{} { return c.c.Context().Done() }

func (c quicrConn) Stats() connStats {
	s := c.c.Stats()
	return connStats{PacketsSent: s.PacketsSent, PacketsReceived: s.PacketsReceived, PacketsLost: s.PacketsLost}
}

// socketStats reports the socket's counters: how well sends were batched
// (GSO) and reads coalesced (GRO).
func (e quicrEndpoint) socketStats() map[string]uint64 {
	s := e.ep.SocketStats()
	return map[string]uint64{
		"datagrams_sent": s.DatagramsSent, "send_calls": s.SendCalls,
		"gso_sends": s.GSOSends, "gso_segments": s.GSOSegments,
		"datagrams_received": s.DatagramsReceived, "recv_calls": s.RecvCalls,
		"gro_receives": s.GROReceives, "gro_segments": s.GROSegments,
	}
}
