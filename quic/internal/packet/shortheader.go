package packet

import "github.com/quicr/quicr/quic/internal/protocol"

// ShortHeader is the part of a 1-RTT packet header that is readable before
// header protection is removed (RFC 9000, 17.3.1). The packet runs to the end
// of the datagram.
type ShortHeader struct {
	DCID protocol.ConnectionID
	// SpinBit is the latency spin bit, which header protection leaves in the
	// clear (RFC 9000, 17.4).
	SpinBit bool
	// PNOffset is the offset of the packet number field.
	PNOffset int
}

// ParseShortHeader parses the short header at the start of b. The DCID
// length is not on the wire; it is the length of the connection IDs this
// endpoint issues (RFC 9000, 5.1).
//
// If the fixed bit is 0, ParseShortHeader returns the header along with
// ErrFixedBit: such packets must be discarded (RFC 9000, 17.3.1) unless this
// endpoint sent grease_quic_bit (RFC 9287, 3).
func ParseShortHeader(b []byte, dcidLen int) (ShortHeader, error) {
	var h ShortHeader
	if len(b) == 0 || IsLongHeader(b[0]) {
		return h, ErrNotShortHeader
	}
	if dcidLen < 0 || dcidLen > protocol.MaxConnIDLen {
		return h, ErrConnIDLen
	}
	if len(b)-1 < dcidLen {
		return h, ErrTruncated
	}
	h.DCID = protocol.NewConnectionID(b[1 : 1+dcidLen])
	h.SpinBit = b[0]&spinBit != 0
	h.PNOffset = 1 + dcidLen
	if b[0]&fixedBit == 0 {
		return h, ErrFixedBit
	}
	return h, nil
}

// AppendShortHeader appends a 1-RTT packet header with packet number pn
// truncated to pnLen bytes. The reserved bits are 0; the low bits carry pnLen
// and, with the key phase, are masked later by header protection (RFC 9000,
// 17.3.1).
func AppendShortHeader(b []byte, dcid protocol.ConnectionID, pn int64, pnLen int, keyPhase, spin bool) []byte {
	first := byte(fixedBit) | byte(pnLen-1)
	if spin {
		first |= spinBit
	}
	if keyPhase {
		first |= keyPhaseBit
	}
	b = append(b, first)
	b = append(b, dcid.Bytes()...)
	return AppendPacketNumber(b, pn, pnLen)
}
