package packet

import (
	"encoding/binary"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/wire"
)

// LongHeader is the part of a long-header packet that is readable before
// header protection is removed (RFC 9000, 17.2).
type LongHeader struct {
	Version protocol.Version
	Type    protocol.PacketType
	DCID    protocol.ConnectionID
	SCID    protocol.ConnectionID
	// Token is the Initial packet's token or the Retry packet's Retry Token;
	// it aliases the parsed buffer.
	Token []byte
	// Length is the Length field: the packet number and payload bytes
	// (Initial, 0-RTT and Handshake only).
	Length uint64
	// PNOffset is the offset of the packet number field (0 for Retry and
	// Version Negotiation).
	PNOffset int
	// PacketLen is the length of this packet within the datagram; coalesced
	// packets follow it (RFC 9000, 12.2). Retry and Version Negotiation
	// packets take the rest of the datagram.
	PacketLen int
}

// lengthFieldLen is the size of the Length field AppendLongHeader reserves.
const lengthFieldLen = 2

// MaxLengthField is the largest Length a header built by AppendLongHeader
// can carry: the most a 2-byte varint holds.
const MaxLengthField = 1<<14 - 1

// ParseLongHeaderInvariants parses the version-independent fields of a long
// header (RFC 8999, 5.1): the version and connection IDs of up to 255 bytes.
// It is what a server reads from a packet with a version it does not support
// before it answers with Version Negotiation (RFC 9000, 6.1). The slices alias
// b; off is the offset just past the Source Connection ID.
func ParseLongHeaderInvariants(b []byte) (v protocol.Version, dcid, scid []byte, off int, err error) {
	if len(b) == 0 || !IsLongHeader(b[0]) {
		return 0, nil, nil, 0, ErrNotLongHeader
	}
	if len(b) < 6 {
		return 0, nil, nil, 0, ErrTruncated
	}
	v = protocol.Version(binary.BigEndian.Uint32(b[1:5]))
	off = 5
	n := int(b[off])
	off++
	if len(b)-off < n+1 {
		return 0, nil, nil, 0, ErrTruncated
	}
	dcid = b[off : off+n : off+n]
	off += n
	n = int(b[off])
	off++
	if len(b)-off < n {
		return 0, nil, nil, 0, ErrTruncated
	}
	scid = b[off : off+n : off+n]
	off += n
	return v, dcid, scid, off, nil
}

// ParseLongHeader parses the unprotected fields of the long-header packet at
// the start of b.
//
// For a version it does not support it returns ErrUnsupportedVersion with
// only Version set; ParseLongHeaderInvariants then gives the connection IDs.
// A Version Negotiation packet (version 0) yields Type
// PacketVersionNegotiation and its connection IDs; ParseVersionNegotiation
// reads its version list.
//
// If the fixed bit is 0, ParseLongHeader returns the complete header along
// with ErrFixedBit: such packets must be discarded (RFC 9000, 17.2) unless
// this endpoint sent grease_quic_bit (RFC 9287, 3).
func ParseLongHeader(b []byte) (LongHeader, error) {
	var h LongHeader
	v, dcid, scid, off, err := ParseLongHeaderInvariants(b)
	if err != nil {
		return h, err
	}
	h.Version = v
	if v != 0 && !IsSupportedVersion(v) {
		return h, ErrUnsupportedVersion
	}
	// RFC 9000, 17.2: drop version 1 headers with longer connection IDs.
	if len(dcid) > protocol.MaxConnIDLen || len(scid) > protocol.MaxConnIDLen {
		return LongHeader{Version: v}, ErrConnIDLen
	}
	h.DCID = protocol.NewConnectionID(dcid)
	h.SCID = protocol.NewConnectionID(scid)
	if v == 0 {
		// RFC 9000, 17.2.1: the fixed bit of Version Negotiation is unused.
		h.Type = protocol.PacketVersionNegotiation
		h.PacketLen = len(b)
		return h, nil
	}
	h.Type = longType(v, b[0]>>4&3)
	switch h.Type {
	case protocol.PacketRetry:
		// RFC 9000, 17.2.5: the Retry Token runs up to the 16-byte tag.
		if len(b)-off < RetryIntegrityTagLen {
			return LongHeader{Version: v}, ErrTruncated
		}
		end := len(b) - RetryIntegrityTagLen
		h.Token = b[off:end:end]
		h.PacketLen = len(b)
	default:
		if h.Type == protocol.PacketInitial {
			n, m := wire.ConsumeVarint(b[off:])
			if m < 0 {
				return LongHeader{Version: v}, ErrTruncated
			}
			off += m
			if n > uint64(len(b)-off) {
				return LongHeader{Version: v}, ErrTruncated
			}
			end := off + int(n)
			h.Token = b[off:end:end]
			off = end
		}
		n, m := wire.ConsumeVarint(b[off:])
		if m < 0 {
			return LongHeader{Version: v}, ErrTruncated
		}
		off += m
		if n > uint64(len(b)-off) {
			return LongHeader{Version: v}, ErrLength
		}
		h.Length = n
		h.PNOffset = off
		h.PacketLen = off + int(n)
	}
	if b[0]&fixedBit == 0 {
		return h, ErrFixedBit
	}
	return h, nil
}

// AppendLongHeader appends an Initial, 0-RTT or Handshake packet header for h
// (Version, Type, DCID, SCID and, for Initial, Token) followed by packet
// number pn truncated to pnLen bytes. The reserved bits are 0 and the low
// bits carry pnLen; header protection masks both later (RFC 9000, 17.2).
//
// The Length field is reserved as 2 bytes at lengthOffset; once the payload
// and AEAD tag size are known, PutLength fills it in. AppendLongHeader
// panics for other packet types or versions, which are programming errors.
func AppendLongHeader(b []byte, h LongHeader, pn int64, pnLen int) (out []byte, lengthOffset int) {
	if !IsSupportedVersion(h.Version) || h.Type == protocol.PacketRetry {
		panic("packet: AppendLongHeader needs an Initial, 0-RTT or Handshake packet of version 1 or 2")
	}
	b = append(b, headerFormLong|fixedBit|longTypeBits(h.Version, h.Type)<<4|byte(pnLen-1))
	b = binary.BigEndian.AppendUint32(b, uint32(h.Version))
	b = append(b, byte(h.DCID.Len()))
	b = append(b, h.DCID.Bytes()...)
	b = append(b, byte(h.SCID.Len()))
	b = append(b, h.SCID.Bytes()...)
	if h.Type == protocol.PacketInitial {
		b = wire.AppendVarint(b, uint64(len(h.Token)))
		b = append(b, h.Token...)
	}
	lengthOffset = len(b)
	b = wire.AppendVarintN(b, 0, lengthFieldLen)
	return AppendPacketNumber(b, pn, pnLen), lengthOffset
}

// PutLength writes length, the bytes of packet number, payload and AEAD tag,
// into the Length field AppendLongHeader reserved at lengthOffset in pkt. It
// panics if length exceeds MaxLengthField.
func PutLength(pkt []byte, lengthOffset, length int) {
	if length < 0 || length > MaxLengthField {
		panic("packet: long header Length out of range")
	}
	wire.PutVarintN(pkt[lengthOffset:], uint64(length), lengthFieldLen)
}
