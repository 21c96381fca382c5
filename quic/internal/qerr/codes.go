// Package qerr defines QUIC transport error codes (RFC 9000, 20.1) and the
// error value the core uses to close a connection with one of them.
package qerr

import "strconv"

// TransportErrorCode is a QUIC transport error code (RFC 9000, 20.1).
type TransportErrorCode uint64

// Transport error codes, RFC 9000, 20.1.
const (
	NoError                 TransportErrorCode = 0x00
	InternalError           TransportErrorCode = 0x01
	ConnectionRefused       TransportErrorCode = 0x02
	FlowControlError        TransportErrorCode = 0x03
	StreamLimitError        TransportErrorCode = 0x04
	StreamStateError        TransportErrorCode = 0x05
	FinalSizeError          TransportErrorCode = 0x06
	FrameEncodingError      TransportErrorCode = 0x07
	TransportParameterError TransportErrorCode = 0x08
	ConnectionIDLimitError  TransportErrorCode = 0x09
	ProtocolViolation       TransportErrorCode = 0x0a
	InvalidToken            TransportErrorCode = 0x0b
	ApplicationErrorCode    TransportErrorCode = 0x0c
	CryptoBufferExceeded    TransportErrorCode = 0x0d
	KeyUpdateError          TransportErrorCode = 0x0e
	AEADLimitReached        TransportErrorCode = 0x0f
	NoViablePath            TransportErrorCode = 0x10
	// VersionNegotiationError is defined by RFC 9368, 10.2.
	VersionNegotiationError TransportErrorCode = 0x11

	// CryptoErrorBase is the start of the CRYPTO_ERROR range 0x0100-0x01ff:
	// the low byte carries a TLS alert (RFC 9001, 4.8).
	CryptoErrorBase TransportErrorCode = 0x100
)

// CryptoError returns the CRYPTO_ERROR code for a TLS alert (RFC 9001, 4.8).
func CryptoError(alert uint8) TransportErrorCode {
	return CryptoErrorBase + TransportErrorCode(alert)
}

// IsCryptoError reports whether c is in the CRYPTO_ERROR range.
func (c TransportErrorCode) IsCryptoError() bool {
	return c >= 0x100 && c <= 0x1ff
}

// Alert returns the TLS alert carried in a CRYPTO_ERROR code.
func (c TransportErrorCode) Alert() uint8 { return uint8(c) }

var names = [...]string{
	NoError:                 "NO_ERROR",
	InternalError:           "INTERNAL_ERROR",
	ConnectionRefused:       "CONNECTION_REFUSED",
	FlowControlError:        "FLOW_CONTROL_ERROR",
	StreamLimitError:        "STREAM_LIMIT_ERROR",
	StreamStateError:        "STREAM_STATE_ERROR",
	FinalSizeError:          "FINAL_SIZE_ERROR",
	FrameEncodingError:      "FRAME_ENCODING_ERROR",
	TransportParameterError: "TRANSPORT_PARAMETER_ERROR",
	ConnectionIDLimitError:  "CONNECTION_ID_LIMIT_ERROR",
	ProtocolViolation:       "PROTOCOL_VIOLATION",
	InvalidToken:            "INVALID_TOKEN",
	ApplicationErrorCode:    "APPLICATION_ERROR",
	CryptoBufferExceeded:    "CRYPTO_BUFFER_EXCEEDED",
	KeyUpdateError:          "KEY_UPDATE_ERROR",
	AEADLimitReached:        "AEAD_LIMIT_REACHED",
	NoViablePath:            "NO_VIABLE_PATH",
	VersionNegotiationError: "VERSION_NEGOTIATION_ERROR",
}

// String returns the RFC name of the code, such as "FLOW_CONTROL_ERROR" or
// "CRYPTO_ERROR(0x12a)"; unknown codes print as hexadecimal.
func (c TransportErrorCode) String() string {
	if c < TransportErrorCode(len(names)) {
		return names[c]
	}
	if c.IsCryptoError() {
		return "CRYPTO_ERROR(0x" + strconv.FormatUint(uint64(c), 16) + ")"
	}
	return "0x" + strconv.FormatUint(uint64(c), 16)
}

// TransportError is a connection error detected by the core: the code to
// send in CONNECTION_CLOSE, the type of the frame that triggered it and a
// reason. Parsers return it with a constant Reason so that building one does
// not allocate.
type TransportError struct {
	Code      TransportErrorCode
	FrameType uint64
	Reason    string
}

// Error implements error.
func (e *TransportError) Error() string {
	s := e.Code.String()
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// New returns a TransportError with the given code and reason.
func New(code TransportErrorCode, reason string) *TransportError {
	return &TransportError{Code: code, Reason: reason}
}
