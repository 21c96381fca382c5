package qpack

import "errors"

// ErrorCode is an HTTP/3 error code defined by QPACK (RFC 9204, 6).
type ErrorCode uint64

// QPACK error codes (RFC 9204, 6).
const (
	// ErrDecompressionFailed is QPACK_DECOMPRESSION_FAILED: a field section
	// could not be interpreted.
	ErrDecompressionFailed ErrorCode = 0x200
	// ErrEncoderStream is QPACK_ENCODER_STREAM_ERROR: an encoder instruction
	// could not be interpreted.
	ErrEncoderStream ErrorCode = 0x201
	// ErrDecoderStream is QPACK_DECODER_STREAM_ERROR: a decoder instruction
	// could not be interpreted.
	ErrDecoderStream ErrorCode = 0x202
)

// String returns the RFC name of the code.
func (c ErrorCode) String() string {
	switch c {
	case ErrDecompressionFailed:
		return "QPACK_DECOMPRESSION_FAILED"
	case ErrEncoderStream:
		return "QPACK_ENCODER_STREAM_ERROR"
	case ErrDecoderStream:
		return "QPACK_DECODER_STREAM_ERROR"
	}
	return "QPACK_UNKNOWN_ERROR"
}

// Error is a QPACK failure carrying the HTTP/3 error code to close the
// connection (or reset the stream) with.
type Error struct {
	Code   ErrorCode
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	return "qpack: " + e.Code.String() + ": " + e.Reason
}

// ErrFieldSectionTooLarge reports that a decoded field section exceeds the
// configured maximum field section size (RFC 9114, 4.2.2). It is not a
// QPACK error: the HTTP/3 layer answers it as it sees fit (for example with
// a 431 response), and cancels the stream.
var ErrFieldSectionTooLarge = errors.New("qpack: field section exceeds the maximum size")

// Low-level parse failures; callers map them to the code of their context.
var (
	errIntegerOverflow = errors.New("integer exceeds 62 bits")
	errStringTooLong   = errors.New("string literal exceeds the length limit")
	errHuffmanEOS      = errors.New("huffman string contains EOS")
	errHuffmanPadding  = errors.New("huffman string has invalid padding")
)

// newError wraps a reason or low-level error into an *Error with code.
func newError(code ErrorCode, reason string) *Error {
	return &Error{Code: code, Reason: reason}
}
