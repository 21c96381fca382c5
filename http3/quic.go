package http3

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/quicr/quicr/quic"
)

// This file connects HTTP/3 to quicr's quic package: an adapter from
// *quic.Conn and its streams to the interfaces in transport.go, a Listener
// over a *quic.Endpoint, and the default dialer of Transport.

// NewConn wraps a QUIC connection for Server.ServeConn or a DialFunc.
func NewConn(c *quic.Conn) EarlyConn { return quicConn{c} }

type quicConn struct{ c *quic.Conn }

func (q quicConn) OpenStream() (Stream, error) {
	s, err := q.c.OpenStream()
	if err != nil {
		return nil, err
	}
	return quicStream{s}, nil
}

func (q quicConn) OpenStreamSync(ctx context.Context) (Stream, error) {
	s, err := q.c.OpenStreamSync(ctx)
	if err != nil {
		return nil, err
	}
	return quicStream{s}, nil
}

func (q quicConn) OpenUniStream() (SendStream, error) {
	s, err := q.c.OpenUniStream()
	if err != nil {
		return nil, err
	}
	return quicSendStream{s}, nil
}

func (q quicConn) OpenUniStreamSync(ctx context.Context) (SendStream, error) {
	s, err := q.c.OpenUniStreamSync(ctx)
	if err != nil {
		return nil, err
	}
	return quicSendStream{s}, nil
}

func (q quicConn) AcceptStream(ctx context.Context) (Stream, error) {
	s, err := q.c.AcceptStream(ctx)
	if err != nil {
		return nil, err
	}
	return quicStream{s}, nil
}

func (q quicConn) AcceptUniStream(ctx context.Context) (ReceiveStream, error) {
	s, err := q.c.AcceptUniStream(ctx)
	if err != nil {
		return nil, err
	}
	return quicRecvStream{s}, nil
}

func (q quicConn) CloseWithError(code uint64, reason string) error {
	return q.c.CloseWithError(quic.ApplicationErrorCode(code), reason)
}

func (q quicConn) Context() context.Context           { return q.c.Context() }
func (q quicConn) LocalAddr() net.Addr                { return q.c.LocalAddr() }
func (q quicConn) RemoteAddr() net.Addr               { return q.c.RemoteAddr() }
func (q quicConn) HandshakeComplete() <-chan struct{} { return q.c.HandshakeComplete() }
func (q quicConn) ConnectionState() ConnectionState {
	s := q.c.ConnectionState()
	return ConnectionState{TLS: s.TLS, Used0RTT: s.Used0RTT, Version: uint32(s.Version)}
}

type quicStream struct{ s *quic.Stream }

func (q quicStream) Read(p []byte) (int, error)         { return q.s.Read(p) }
func (q quicStream) Write(p []byte) (int, error)        { return q.s.Write(p) }
func (q quicStream) Close() error                       { return q.s.Close() }
func (q quicStream) StreamID() int64                    { return q.s.StreamID() }
func (q quicStream) CancelWrite(code uint64)            { q.s.CancelWrite(quic.StreamErrorCode(code)) }
func (q quicStream) CancelRead(code uint64)             { q.s.CancelRead(quic.StreamErrorCode(code)) }
func (q quicStream) SetDeadline(t time.Time) error      { return q.s.SetDeadline(t) }
func (q quicStream) SetReadDeadline(t time.Time) error  { return q.s.SetReadDeadline(t) }
func (q quicStream) SetWriteDeadline(t time.Time) error { return q.s.SetWriteDeadline(t) }
func (q quicStream) Context() context.Context           { return q.s.Context() }

type quicSendStream struct{ s *quic.SendStream }

func (q quicSendStream) Write(p []byte) (int, error)        { return q.s.Write(p) }
func (q quicSendStream) Close() error                       { return q.s.Close() }
func (q quicSendStream) StreamID() int64                    { return q.s.StreamID() }
func (q quicSendStream) CancelWrite(code uint64)            { q.s.CancelWrite(quic.StreamErrorCode(code)) }
func (q quicSendStream) SetWriteDeadline(t time.Time) error { return q.s.SetWriteDeadline(t) }
func (q quicSendStream) Context() context.Context           { return q.s.Context() }

type quicRecvStream struct{ s *quic.RecvStream }

func (q quicRecvStream) Read(p []byte) (int, error)        { return q.s.Read(p) }
func (q quicRecvStream) StreamID() int64                   { return q.s.StreamID() }
func (q quicRecvStream) CancelRead(code uint64)            { q.s.CancelRead(quic.StreamErrorCode(code)) }
func (q quicRecvStream) SetReadDeadline(t time.Time) error { return q.s.SetReadDeadline(t) }

// quicListener accepts HTTP/3 connections from an Endpoint.
type quicListener struct{ ep *quic.Endpoint }

// NewListener returns a Listener over an Endpoint whose server TLS config
// offers "h3" (see ConfigureTLS).
func NewListener(ep *quic.Endpoint) Listener { return quicListener{ep} }

func (l quicListener) Accept(ctx context.Context) (Conn, error) {
	c, err := l.ep.Accept(ctx)
	if err != nil {
		return nil, err
	}
	return quicConn{c}, nil
}

func (l quicListener) Addr() net.Addr { return l.ep.Addr() }
func (l quicListener) Close() error   { return l.ep.Close() }

// ListenAndServe listens on addr (host:port, UDP) with s.TLSConfig and
// serves HTTP/3 until Shutdown or Close.
func (s *Server) ListenAndServe(addr string, conf *quic.Config) error {
	ep, err := quic.Listen(addr, ConfigureTLS(s.TLSConfig), conf)
	if err != nil {
		return err
	}
	return s.Serve(NewListener(ep))
}

// DialQUIC returns a DialFunc that connects with quicr's quic package and
// conf. With a session ticket in tlsConf's cache and conf.Allow0RTT it
// returns an early connection, so that safe requests go in 0-RTT.
func DialQUIC(conf *quic.Config) DialFunc {
	return func(ctx context.Context, addr string, tlsConf *tls.Config) (Conn, error) {
		if conf != nil && conf.Allow0RTT {
			c, err := quic.DialEarly(ctx, addr, tlsConf, conf)
			if err != nil {
				return nil, err
			}
			return quicConn{c}, nil
		}
		c, err := quic.Dial(ctx, addr, tlsConf, conf)
		if err != nil {
			return nil, err
		}
		return quicConn{c}, nil
	}
}
