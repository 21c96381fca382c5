package quic

import (
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// TransportErrorCode is a QUIC transport error code (RFC 9000, 20.1). Its
// String method prints the RFC name, such as "FLOW_CONTROL_ERROR".
type TransportErrorCode = qerr.TransportErrorCode

// Transport error codes (RFC 9000, 20.1).
const (
	NoError                   = qerr.NoError
	InternalError             = qerr.InternalError
	ConnectionRefused         = qerr.ConnectionRefused
	FlowControlError          = qerr.FlowControlError
	StreamLimitError          = qerr.StreamLimitError
	StreamStateError          = qerr.StreamStateError
	FinalSizeError            = qerr.FinalSizeError
	FrameEncodingError        = qerr.FrameEncodingError
	TransportParameterError   = qerr.TransportParameterError
	ConnectionIDLimitError    = qerr.ConnectionIDLimitError
	ProtocolViolation         = qerr.ProtocolViolation
	InvalidToken              = qerr.InvalidToken
	TransportApplicationError = qerr.ApplicationErrorCode
	CryptoBufferExceeded      = qerr.CryptoBufferExceeded
	KeyUpdateError            = qerr.KeyUpdateError
	AEADLimitReached          = qerr.AEADLimitReached
	NoViablePath              = qerr.NoViablePath
	VersionNegotiationFailed  = qerr.VersionNegotiationError
)

// ApplicationErrorCode is an application protocol's error code, carried in
// CONNECTION_CLOSE (type 0x1d), RESET_STREAM and STOP_SENDING frames.
type ApplicationErrorCode uint64

// StreamErrorCode is an application error code on one stream.
type StreamErrorCode = ApplicationErrorCode

// TransportError ends a connection because of a QUIC transport error,
// detected locally or reported by the peer in a CONNECTION_CLOSE frame of
// type 0x1c.
type TransportError struct {
	Code      TransportErrorCode
	FrameType uint64 // the frame type that triggered the error, 0 if unknown
	Reason    string
	Remote    bool // true if the peer closed the connection
}

// Error implements error.
func (e *TransportError) Error() string {
	side := "local"
	if e.Remote {
		side = "remote"
	}
	s := fmt.Sprintf("quic: %s transport error %s", side, e.Code)
	if e.FrameType != 0 {
		s += fmt.Sprintf(" (frame type %#x)", e.FrameType)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is matches another *TransportError with the same code and side, and
// net.ErrClosed: the connection is over.
func (e *TransportError) Is(target error) bool {
	if target == net.ErrClosed {
		return true
	}
	t, ok := target.(*TransportError)
	return ok && t.Code == e.Code && t.Remote == e.Remote
}

// ApplicationError ends a connection that an application closed with
// CloseWithError, here or at the peer (CONNECTION_CLOSE type 0x1d).
type ApplicationError struct {
	Code   ApplicationErrorCode
	Reason string
	Remote bool
}

// Error implements error.
func (e *ApplicationError) Error() string {
	side := "local"
	if e.Remote {
		side = "remote"
	}
	if e.Reason == "" {
		return fmt.Sprintf("quic: %s application error %#x", side, uint64(e.Code))
	}
	return fmt.Sprintf("quic: %s application error %#x: %s", side, uint64(e.Code), e.Reason)
}

// Is matches another *ApplicationError with the same code and side, and
// net.ErrClosed.
func (e *ApplicationError) Is(target error) bool {
	if target == net.ErrClosed {
		return true
	}
	t, ok := target.(*ApplicationError)
	return ok && t.Code == e.Code && t.Remote == e.Remote
}

// MigrationDisabledError ends a client connection that Endpoint.Rebind
// moved to a new local address when the server had set
// disable_active_migration: nothing may be sent from the new address
// (RFC 9000, 9), so the connection is abandoned without a word.
type MigrationDisabledError struct{}

func (*MigrationDisabledError) Error() string {
	return "quic: local address changed, but the server disabled active migration"
}
func (*MigrationDisabledError) Unwrap() error { return net.ErrClosed }

// IdleTimeoutError ends a connection that heard nothing from its peer for
// the negotiated idle timeout (RFC 9000, 10.1). It is a net.Error whose
// Timeout method returns true.
type IdleTimeoutError struct{}

func (*IdleTimeoutError) Error() string   { return "quic: idle timeout: no recent network activity" }
func (*IdleTimeoutError) Timeout() bool   { return true }
func (*IdleTimeoutError) Temporary() bool { return false }
func (*IdleTimeoutError) Unwrap() error   { return net.ErrClosed }

// HandshakeTimeoutError ends a connection whose handshake did not finish in
// Config.HandshakeTimeout. It is a net.Error whose Timeout method returns
// true.
type HandshakeTimeoutError struct{}

func (*HandshakeTimeoutError) Error() string   { return "quic: handshake did not complete in time" }
func (*HandshakeTimeoutError) Timeout() bool   { return true }
func (*HandshakeTimeoutError) Temporary() bool { return false }
func (*HandshakeTimeoutError) Unwrap() error   { return net.ErrClosed }

// StatelessResetError ends a connection the peer no longer has state for:
// it answered with a stateless reset (RFC 9000, 10.3).
type StatelessResetError struct{}

func (*StatelessResetError) Error() string { return "quic: connection reset by peer (stateless reset)" }
func (*StatelessResetError) Unwrap() error { return net.ErrClosed }

// VersionNegotiationError ends a dial when the server supports none of our
// versions (RFC 9000, 6.2).
type VersionNegotiationError struct {
	Ours   []uint32 // the versions we offered
	Theirs []uint32 // the versions in the server's Version Negotiation packet
}

func (e *VersionNegotiationError) Error() string {
	return fmt.Sprintf("quic: no compatible QUIC version found (we support %#x, the server offered %#x)", e.Ours, e.Theirs)
}
func (e *VersionNegotiationError) Unwrap() error { return net.ErrClosed }

// StreamError reports that the peer reset a stream we read from
// (RESET_STREAM) or asked us to stop writing to it (STOP_SENDING), or that
// the application here cancelled it.
type StreamError struct {
	StreamID int64
	Code     StreamErrorCode
	Remote   bool
}

func (e *StreamError) Error() string {
	side := "local"
	if e.Remote {
		side = "remote"
	}
	return fmt.Sprintf("quic: stream %d canceled by %s with error code %#x", e.StreamID, side, uint64(e.Code))
}

// Is matches another *StreamError with the same code and side.
func (e *StreamError) Is(target error) bool {
	t, ok := target.(*StreamError)
	return ok && t.Code == e.Code && t.Remote == e.Remote
}

// ErrServerClosed is returned by Accept after the Endpoint was closed.
var ErrServerClosed = errors.New("quic: endpoint closed")

// fromCore converts the core's reasons for an ended connection or stream
// into the public error types.
func fromCore(err error) error {
	// The end of every stream passes here: keep it off errors.As, which
	// walks types by reflection (16% of a request/response server's CPU)
	// and makes its targets escape, for the core's errors as they come.
	if err == nil || err == io.EOF {
		return err
	}
	if pub := publicError(err); pub != nil {
		return pub
	}
	var (
		te  *qerr.TransportError
		pe  *core.PeerClosedError
		ae  *core.AppCloseError
		se  *core.StreamError
		vne *core.VersionNegotiationError
	)
	switch {
	case errors.As(err, &se):
		return publicError(se)
	case errors.As(err, &pe):
		return publicError(pe)
	case errors.As(err, &ae):
		return publicError(ae)
	case errors.As(err, &te):
		return publicError(te)
	case errors.As(err, &vne):
		return publicError(vne)
	}
	for _, sentinel := range []error{core.ErrIdleTimeout, core.ErrHandshakeTimeout, core.ErrStatelessReset, core.ErrMigrationDisabled} {
		if errors.Is(err, sentinel) {
			return publicError(sentinel)
		}
	}
	return err
}

// publicError converts one of the core's errors, unwrapped, into its
// public type, or returns nil.
func publicError(err error) error {
	switch e := err.(type) {
	case *core.StreamError:
		return &StreamError{StreamID: int64(e.StreamID), Code: StreamErrorCode(e.Code), Remote: e.Remote}
	case *core.PeerClosedError:
		if e.Application {
			return &ApplicationError{Code: ApplicationErrorCode(e.Code), Reason: e.Reason, Remote: true}
		}
		return &TransportError{Code: TransportErrorCode(e.Code), FrameType: e.FrameType, Reason: e.Reason, Remote: true}
	case *core.AppCloseError:
		return &ApplicationError{Code: ApplicationErrorCode(e.Code), Reason: e.Reason}
	case *qerr.TransportError:
		return &TransportError{Code: e.Code, FrameType: e.FrameType, Reason: e.Reason}
	case *core.VersionNegotiationError:
		pub := &VersionNegotiationError{}
		for _, v := range e.Ours {
			pub.Ours = append(pub.Ours, uint32(v))
		}
		for _, v := range e.Offered {
			pub.Theirs = append(pub.Theirs, uint32(v))
		}
		return pub
	}
	switch err {
	case core.ErrIdleTimeout:
		return &IdleTimeoutError{}
	case core.ErrHandshakeTimeout:
		return &HandshakeTimeoutError{}
	case core.ErrStatelessReset:
		return &StatelessResetError{}
	case core.ErrMigrationDisabled:
		return &MigrationDisabledError{}
	}
	return nil
}

// StreamErrorCode reports the code and side, for packages such as http3
// that read stream errors through an interface.
func (e *StreamError) StreamErrorCode() (code uint64, remote bool) { return uint64(e.Code), e.Remote }
