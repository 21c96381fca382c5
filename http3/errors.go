package http3

import (
	"errors"
	"strconv"
)

// ErrCode is an HTTP/3 error code (RFC 9114, 8.1).
type ErrCode uint64

// HTTP/3 error codes (RFC 9114, 8.1).
const (
	ErrCodeNoError              ErrCode = 0x100
	ErrCodeGeneralProtocolError ErrCode = 0x101
	ErrCodeInternalError        ErrCode = 0x102
	ErrCodeStreamCreationError  ErrCode = 0x103
	ErrCodeClosedCriticalStream ErrCode = 0x104
	ErrCodeFrameUnexpected      ErrCode = 0x105
	ErrCodeFrameError           ErrCode = 0x106
	ErrCodeExcessiveLoad        ErrCode = 0x107
	ErrCodeIDError              ErrCode = 0x108
	ErrCodeSettingsError        ErrCode = 0x109
	ErrCodeMissingSettings      ErrCode = 0x10a
	ErrCodeRequestRejected      ErrCode = 0x10b
	ErrCodeRequestCancelled     ErrCode = 0x10c
	ErrCodeRequestIncomplete    ErrCode = 0x10d
	ErrCodeMessageError         ErrCode = 0x10e
	ErrCodeConnectError         ErrCode = 0x10f
	ErrCodeVersionFallback      ErrCode = 0x110
	// QPACK codes (RFC 9204, 6).
	ErrCodeQPACKDecompressionFailed ErrCode = 0x200
	ErrCodeQPACKEncoderStreamError  ErrCode = 0x201
	ErrCodeQPACKDecoderStreamError  ErrCode = 0x202
)

var errCodeNames = [...]string{
	"H3_NO_ERROR", "H3_GENERAL_PROTOCOL_ERROR", "H3_INTERNAL_ERROR",
	"H3_STREAM_CREATION_ERROR", "H3_CLOSED_CRITICAL_STREAM", "H3_FRAME_UNEXPECTED",
	"H3_FRAME_ERROR", "H3_EXCESSIVE_LOAD", "H3_ID_ERROR", "H3_SETTINGS_ERROR",
	"H3_MISSING_SETTINGS", "H3_REQUEST_REJECTED", "H3_REQUEST_CANCELLED",
	"H3_REQUEST_INCOMPLETE", "H3_MESSAGE_ERROR", "H3_CONNECT_ERROR", "H3_VERSION_FALLBACK",
}

// String returns the RFC name of the code.
func (c ErrCode) String() string {
	switch {
	case c >= ErrCodeNoError && c <= ErrCodeVersionFallback:
		return errCodeNames[c-ErrCodeNoError]
	case c == ErrCodeQPACKDecompressionFailed:
		return "QPACK_DECOMPRESSION_FAILED"
	case c == ErrCodeQPACKEncoderStreamError:
		return "QPACK_ENCODER_STREAM_ERROR"
	case c == ErrCodeQPACKDecoderStreamError:
		return "QPACK_DECODER_STREAM_ERROR"
	}
	return "H3_ERROR(0x" + strconv.FormatUint(uint64(c), 16) + ")"
}

// Error is an HTTP/3 connection error: the connection was, or is to be,
// closed with Code (RFC 9114, 8).
type Error struct {
	Code   ErrCode
	Remote bool
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	s := "http3: connection error " + e.Code.String()
	if e.Remote {
		s += " (remote)"
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// connError returns a connection error to close the connection with.
func connError(code ErrCode, reason string) *Error {
	return &Error{Code: code, Reason: reason}
}

// streamError is a stream error: only the stream is reset with code
// (RFC 9114, 8).
type streamError struct {
	code   ErrCode
	reason string
}

func (e *streamError) Error() string {
	return "http3: stream error " + e.code.String() + ": " + e.reason
}

// errGoAway reports a request the server will not process because of a
// GOAWAY or REQUEST_REJECTED; it is safe to retry (RFC 9114, 5.2).
var errGoAway = errors.New("http3: request not processed by server")

// ErrServerClosed is returned by Server.Serve after Shutdown or Close.
var ErrServerClosed = errors.New("http3: server closed")
