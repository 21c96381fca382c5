package http3

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"time"
)

// Conn is the QUIC connection HTTP/3 runs on. Its shape follows the quicr
// quic package, so a thin adapter plugs the real transport in.
type Conn interface {
	// OpenStream opens a bidirectional stream; it fails when the peer's
	// stream limit is reached.
	OpenStream() (Stream, error)
	// OpenStreamSync opens a bidirectional stream, waiting for credit.
	OpenStreamSync(ctx context.Context) (Stream, error)
	// OpenUniStream opens a unidirectional stream.
	OpenUniStream() (SendStream, error)
	// OpenUniStreamSync opens a unidirectional stream, waiting for credit.
	OpenUniStreamSync(ctx context.Context) (SendStream, error)
	// AcceptStream returns the next bidirectional stream the peer opened.
	AcceptStream(ctx context.Context) (Stream, error)
	// AcceptUniStream returns the next unidirectional stream the peer opened.
	AcceptUniStream(ctx context.Context) (ReceiveStream, error)
	// CloseWithError closes the connection with an application error code.
	CloseWithError(code uint64, reason string) error
	// Context is done when the connection ends.
	Context() context.Context
	// LocalAddr returns the local address.
	LocalAddr() net.Addr
	// RemoteAddr returns the peer's address.
	RemoteAddr() net.Addr
	// ConnectionState returns the TLS and QUIC state.
	ConnectionState() ConnectionState
}

// EarlyConn is a client Conn that may carry 0-RTT data before the
// handshake completes. HandshakeComplete is closed once it has; until then
// only safe requests are sent (RFC 9114, 10.9; RFC 8470).
type EarlyConn interface {
	Conn
	HandshakeComplete() <-chan struct{}
}

// ConnectionState is the state of a QUIC connection.
type ConnectionState struct {
	TLS      tls.ConnectionState
	Used0RTT bool
	Version  uint32
}

// SendStream is the sending half of a QUIC stream.
type SendStream interface {
	io.Writer
	// Close ends the stream with a FIN.
	io.Closer
	StreamID() int64
	// CancelWrite resets the stream (RESET_STREAM) with code.
	CancelWrite(code uint64)
	SetWriteDeadline(t time.Time) error
	// Context is done when the sending half ends.
	Context() context.Context
}

// ReceiveStream is the receiving half of a QUIC stream.
type ReceiveStream interface {
	io.Reader
	StreamID() int64
	// CancelRead asks the peer to stop sending (STOP_SENDING) with code.
	CancelRead(code uint64)
	SetReadDeadline(t time.Time) error
}

// Stream is a bidirectional QUIC stream.
type Stream interface {
	SendStream
	ReceiveStream
	SetDeadline(t time.Time) error
}

// Listener accepts QUIC connections for a Server.
type Listener interface {
	Accept(ctx context.Context) (Conn, error)
	Addr() net.Addr
	Close() error
}

// DialFunc dials a QUIC connection to addr (host:port) negotiating "h3".
// It may return an EarlyConn to allow 0-RTT requests.
type DialFunc func(ctx context.Context, addr string, tlsConf *tls.Config) (Conn, error)

// StreamError is the error a stream operation returns once the peer reset
// the stream (Remote) or this side cancelled it.
type StreamError struct {
	Code   uint64
	Remote bool
}

// Error implements error.
func (e *StreamError) Error() string {
	who := "local"
	if e.Remote {
		who = "remote"
	}
	return "http3: stream reset by " + who + " with " + ErrCode(e.Code).String()
}

// StreamErrorCoder is implemented by a transport's stream error type, so an
// adapter need not translate errors: StreamErrorCode reports the
// application error code and whether the peer sent it.
type StreamErrorCoder interface {
	StreamErrorCode() (code uint64, remote bool)
}

// AsStreamError reports the stream reset carried by err, recognising
// *StreamError and any error implementing StreamErrorCoder.
func AsStreamError(err error) (*StreamError, bool) {
	var se *StreamError
	if errors.As(err, &se) {
		return se, true
	}
	var c StreamErrorCoder
	if errors.As(err, &c) {
		code, remote := c.StreamErrorCode()
		return &StreamError{Code: code, Remote: remote}, true
	}
	return nil, false
}

// NextProtoH3 is the ALPN token of HTTP/3 (RFC 9114, 3.1).
const NextProtoH3 = "h3"
