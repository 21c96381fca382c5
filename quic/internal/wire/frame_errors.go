package wire

import "github.com/quicr/quicr/quic/internal/qerr"

// Reasons for the errors parsers return. They are constants so that a
// failed parse allocates only the error value itself.
const (
	reasonTruncated        = "frame truncated"
	reasonTypeNotMinimal   = "frame type not in shortest encoding"
	reasonUnknownType      = "unknown frame type"
	reasonWrongType        = "unexpected frame type"
	reasonOffsetTooLarge   = "offset plus length exceeds 2^62-1"
	reasonAckRangeNegative = "ACK range reaches below packet number 0"
	reasonMaxStreams       = "stream count exceeds 2^60"
	reasonEmptyToken       = "empty token"
	reasonConnIDLength     = "connection ID length outside 1-20"
	reasonRetirePriorTo    = "retire_prior_to exceeds sequence number"
	reasonNotPadding       = "expected PADDING"
)

// encodingError returns the FRAME_ENCODING_ERROR a parser reports for a
// badly formatted frame of type typ (RFC 9000, 20.1).
func encodingError(typ uint64, reason string) error {
	return &qerr.TransportError{Code: qerr.FrameEncodingError, FrameType: typ, Reason: reason}
}
