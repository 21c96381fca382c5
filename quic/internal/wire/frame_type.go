package wire

import (
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// Frame types: RFC 9000, 12.4 and 19; DATAGRAM from RFC 9221, 4;
// ACK_FREQUENCY and IMMEDIATE_ACK from draft-ietf-quic-ack-frequency.
const (
	FrameTypePadding            = 0x00
	FrameTypePing               = 0x01
	FrameTypeAck                = 0x02
	FrameTypeAckECN             = 0x03
	FrameTypeResetStream        = 0x04
	FrameTypeStopSending        = 0x05
	FrameTypeCrypto             = 0x06
	FrameTypeNewToken           = 0x07
	FrameTypeStreamBase         = 0x08 // 0x08-0x0f: OFF, LEN and FIN bits
	FrameTypeStreamMax          = 0x0f
	FrameTypeMaxData            = 0x10
	FrameTypeMaxStreamData      = 0x11
	FrameTypeMaxStreamsBidi     = 0x12
	FrameTypeMaxStreamsUni      = 0x13
	FrameTypeDataBlocked        = 0x14
	FrameTypeStreamDataBlocked  = 0x15
	FrameTypeStreamsBlockedBidi = 0x16
	FrameTypeStreamsBlockedUni  = 0x17
	FrameTypeNewConnectionID    = 0x18
	FrameTypeRetireConnectionID = 0x19
	FrameTypePathChallenge      = 0x1a
	FrameTypePathResponse       = 0x1b
	FrameTypeConnectionClose    = 0x1c // QUIC layer error
	FrameTypeConnectionCloseApp = 0x1d // application error
	FrameTypeHandshakeDone      = 0x1e
	FrameTypeImmediateAck       = 0x1f
	FrameTypeDatagram           = 0x30 // no Length field
	FrameTypeDatagramLen        = 0x31
	FrameTypeAckFrequency       = 0xaf
)

// IsStreamFrameType reports whether typ is one of the STREAM frame types
// 0x08-0x0f (RFC 9000, 19.8).
func IsStreamFrameType(typ uint64) bool { return typ&^streamFlagsMask == FrameTypeStreamBase }

// knownFrameType reports whether this package can parse frames of type typ.
func knownFrameType(typ uint64) bool {
	return typ <= FrameTypeImmediateAck || typ == FrameTypeDatagram ||
		typ == FrameTypeDatagramLen || typ == FrameTypeAckFrequency
}

// consumeType reads the frame type at the start of b. A type must use the
// shortest varint encoding (RFC 9000, 12.4); a longer one is a
// PROTOCOL_VIOLATION.
func consumeType(b []byte) (typ uint64, n int, err error) {
	if len(b) > 0 && b[0] < 0x40 {
		return uint64(b[0]), 1, nil
	}
	typ, n = ConsumeVarint(b)
	if n < 0 {
		return 0, 0, encodingError(0, reasonTruncated)
	}
	if VarintLen(typ) != n {
		return 0, 0, &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: typ, Reason: reasonTypeNotMinimal}
	}
	return typ, n, nil
}

// ConsumeFrameType decodes the frame type at the start of b. Like
// ConsumeVarint it returns n < 0 on failure: when b is too short or the type
// is not in its shortest encoding (RFC 9000, 12.4). ParseFrameType tells the
// two apart and also rejects unknown types.
func ConsumeFrameType(b []byte) (typ uint64, n int) {
	typ, n, err := consumeType(b)
	if err != nil {
		return 0, -1
	}
	return typ, n
}

// ParseFrameType decodes the frame type at the start of b and returns the
// error the connection closes with when it is unusable: FRAME_ENCODING_ERROR
// for a truncated or unknown type (RFC 9000, 12.4), PROTOCOL_VIOLATION for a
// type not in its shortest encoding. Whether an extension frame (DATAGRAM,
// ACK_FREQUENCY) was negotiated is the caller's check.
func ParseFrameType(b []byte) (typ uint64, n int, err error) {
	typ, n, err = consumeType(b)
	if err != nil {
		return 0, 0, err
	}
	if !knownFrameType(typ) {
		return 0, 0, encodingError(typ, reasonUnknownType)
	}
	return typ, n, nil
}

// expectType reads the frame type at the start of b and checks that it lies
// in [lo, hi]; Parse methods use it so that they can be called directly.
func expectType(b []byte, lo, hi uint64) (typ uint64, n int, err error) {
	typ, n, err = consumeType(b)
	if err != nil {
		return 0, 0, err
	}
	if typ < lo || typ > hi {
		return 0, 0, encodingError(typ, reasonWrongType)
	}
	return typ, n, nil
}

// Packet types a frame may appear in, as the "Pkts" column of RFC 9000,
// 12.4, Table 3 lists them.
const (
	pktsI = 1 << iota
	pktsH
	pkts0
	pkts1
)

// FrameAllowed reports whether a frame of type typ may appear in a packet of
// type pt (RFC 9000, 12.4, Table 3 and 12.5). A frame in a packet type that
// does not permit it is a PROTOCOL_VIOLATION; unknown types are not allowed
// anywhere, but the caller reports them as FRAME_ENCODING_ERROR (see
// ParseFrameType). RETIRE_CONNECTION_ID is allowed in 0-RTT as Table 3 says,
// although 12.5 notes a client cannot send it there. DATAGRAM may be sent in
// 0-RTT (RFC 9221, 3); ACK_FREQUENCY and IMMEDIATE_ACK may not
// (draft-ietf-quic-ack-frequency, 3).
func FrameAllowed(typ uint64, pt protocol.PacketType) bool {
	var pkts uint8
	switch {
	case typ == FrameTypePadding, typ == FrameTypePing, typ == FrameTypeConnectionClose:
		pkts = pktsI | pktsH | pkts0 | pkts1
	case typ == FrameTypeAck, typ == FrameTypeAckECN, typ == FrameTypeCrypto:
		pkts = pktsI | pktsH | pkts1
	case typ == FrameTypeNewToken, typ == FrameTypePathResponse, typ == FrameTypeHandshakeDone,
		typ == FrameTypeImmediateAck, typ == FrameTypeAckFrequency:
		pkts = pkts1
	case typ <= FrameTypeConnectionCloseApp, typ == FrameTypeDatagram, typ == FrameTypeDatagramLen:
		pkts = pkts0 | pkts1
	}
	switch pt {
	case protocol.PacketInitial:
		return pkts&pktsI != 0
	case protocol.PacketHandshake:
		return pkts&pktsH != 0
	case protocol.Packet0RTT:
		return pkts&pkts0 != 0
	case protocol.Packet1RTT:
		return pkts&pkts1 != 0
	}
	return false
}

// IsAckEliciting reports whether a frame of type typ elicits an ACK: every
// frame but ACK, PADDING and CONNECTION_CLOSE does (RFC 9002, 2).
func IsAckEliciting(typ uint64) bool {
	switch typ {
	case FrameTypeAck, FrameTypeAckECN, FrameTypePadding,
		FrameTypeConnectionClose, FrameTypeConnectionCloseApp:
		return false
	}
	return true
}

// CountsInFlight reports whether a frame of type typ makes its packet count
// toward bytes in flight: ack-eliciting frames and PADDING do (RFC 9002, 2).
func CountsInFlight(typ uint64) bool {
	return typ == FrameTypePadding || IsAckEliciting(typ)
}

// IsProbing reports whether typ is a probing frame: a packet holding only
// PADDING, PATH_CHALLENGE, PATH_RESPONSE and NEW_CONNECTION_ID frames is a
// probing packet (RFC 9000, 9.1).
func IsProbing(typ uint64) bool {
	switch typ {
	case FrameTypePadding, FrameTypePathChallenge, FrameTypePathResponse, FrameTypeNewConnectionID:
		return true
	}
	return false
}

// FrameTypeName returns the RFC name of a frame type, such as "STREAM" or
// "ACK_FREQUENCY", or "UNKNOWN".
func FrameTypeName(typ uint64) string {
	switch {
	case IsStreamFrameType(typ):
		return "STREAM"
	case typ == FrameTypeDatagram, typ == FrameTypeDatagramLen:
		return "DATAGRAM"
	case typ == FrameTypeAckFrequency:
		return "ACK_FREQUENCY"
	}
	switch typ {
	case FrameTypePadding:
		return "PADDING"
	case FrameTypePing:
		return "PING"
	case FrameTypeAck, FrameTypeAckECN:
		return "ACK"
	case FrameTypeResetStream:
		return "RESET_STREAM"
	case FrameTypeStopSending:
		return "STOP_SENDING"
	case FrameTypeCrypto:
		return "CRYPTO"
	case FrameTypeNewToken:
		return "NEW_TOKEN"
	case FrameTypeMaxData:
		return "MAX_DATA"
	case FrameTypeMaxStreamData:
		return "MAX_STREAM_DATA"
	case FrameTypeMaxStreamsBidi, FrameTypeMaxStreamsUni:
		return "MAX_STREAMS"
	case FrameTypeDataBlocked:
		return "DATA_BLOCKED"
	case FrameTypeStreamDataBlocked:
		return "STREAM_DATA_BLOCKED"
	case FrameTypeStreamsBlockedBidi, FrameTypeStreamsBlockedUni:
		return "STREAMS_BLOCKED"
	case FrameTypeNewConnectionID:
		return "NEW_CONNECTION_ID"
	case FrameTypeRetireConnectionID:
		return "RETIRE_CONNECTION_ID"
	case FrameTypePathChallenge:
		return "PATH_CHALLENGE"
	case FrameTypePathResponse:
		return "PATH_RESPONSE"
	case FrameTypeConnectionClose, FrameTypeConnectionCloseApp:
		return "CONNECTION_CLOSE"
	case FrameTypeHandshakeDone:
		return "HANDSHAKE_DONE"
	case FrameTypeImmediateAck:
		return "IMMEDIATE_ACK"
	}
	return "UNKNOWN"
}
