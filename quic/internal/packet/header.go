// Package packet parses and builds QUIC packet headers for versions 1 and 2
// (RFC 9000, 17; RFC 9369, 3.2), Version Negotiation (RFC 8999, 6) and Retry
// packets, and encodes packet numbers (RFC 9000, 17.1).
//
// Parsers read only the parts of a packet that header protection leaves in
// the clear, so they run on packets as they arrive. Parsers never panic and
// never allocate; returned slices alias the input.
package packet

import (
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// First-byte bits (RFC 9000, 17.2 and 17.3).
const (
	headerFormLong    = 0x80
	fixedBit          = 0x40
	spinBit           = 0x20
	keyPhaseBit       = 0x04
	pnLenMask         = 0x03
	reservedBitsLong  = 0x0c
	reservedBitsShort = 0x18
)

// IsLongHeader reports whether a packet whose first byte is first has a long
// header (RFC 8999, 5.1).
func IsLongHeader(first byte) bool { return first&headerFormLong != 0 }

// IsSupportedVersion reports whether this package knows the packet formats of
// version v.
func IsSupportedVersion(v protocol.Version) bool {
	return v == protocol.Version1 || v == protocol.Version2
}

// PacketNumberLenOf returns the length of the packet number field encoded in
// a first byte from which header protection has been removed (RFC 9000, 17.2).
func PacketNumberLenOf(first byte) int { return int(first&pnLenMask) + 1 }

// KeyPhase returns the Key Phase bit of a short header's first byte from
// which header protection has been removed (RFC 9001, 6).
func KeyPhase(first byte) bool { return first&keyPhaseBit != 0 }

// CheckReservedBits returns a PROTOCOL_VIOLATION error if the reserved bits
// of an unprotected first byte are not zero. It must only be called once
// packet protection has been removed too (RFC 9000, 17.2 and 17.3.1).
func CheckReservedBits(first byte) error {
	mask := byte(reservedBitsShort)
	if IsLongHeader(first) {
		mask = reservedBitsLong
	}
	if first&mask != 0 {
		return &qerr.TransportError{Code: qerr.ProtocolViolation, Reason: "reserved header bits set"}
	}
	return nil
}

// longTypeBits maps a packet type to the two long-header type bits of v; RFC
// 9369, 3.2 permutes them for version 2.
func longTypeBits(v protocol.Version, t protocol.PacketType) byte {
	var bits byte
	switch t {
	case protocol.PacketInitial:
		bits = 0
	case protocol.Packet0RTT:
		bits = 1
	case protocol.PacketHandshake:
		bits = 2
	case protocol.PacketRetry:
		bits = 3
	default:
		panic("packet: " + t.String() + " has no long header type bits")
	}
	if v == protocol.Version2 {
		bits = (bits + 1) & 3
	}
	return bits
}

// longType is the inverse of longTypeBits.
func longType(v protocol.Version, bits byte) protocol.PacketType {
	if v == protocol.Version2 {
		bits = (bits + 3) & 3
	}
	return protocol.PacketInitial + protocol.PacketType(bits)
}
