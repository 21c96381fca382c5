package packet

import (
	"encoding/binary"
	"iter"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// Versions is the Supported Version list of a Version Negotiation packet:
// raw 32-bit versions in network byte order, read in place so that parsing
// does not allocate (RFC 8999, 6).
type Versions []byte

// Len returns the number of versions.
func (vs Versions) Len() int { return len(vs) / 4 }

// At returns the i-th version.
func (vs Versions) At(i int) protocol.Version {
	return protocol.Version(binary.BigEndian.Uint32(vs[4*i:]))
}

// Contains reports whether v is in the list.
func (vs Versions) Contains(v protocol.Version) bool {
	for i := range vs.Len() {
		if vs.At(i) == v {
			return true
		}
	}
	return false
}

// All iterates over the versions in order.
func (vs Versions) All() iter.Seq[protocol.Version] {
	return func(yield func(protocol.Version) bool) {
		for i := range vs.Len() {
			if !yield(vs.At(i)) {
				return
			}
		}
	}
}

// GreaseVersion returns a reserved version of the form 0x?a?a?a?a built from
// random bits, to list in Version Negotiation so that clients keep ignoring
// unknown versions (RFC 9000, 6.3 and 15).
func GreaseVersion(random uint32) protocol.Version {
	return protocol.Version(random&0xf0f0f0f0 | 0x0a0a0a0a)
}

// AppendVersionNegotiation appends a Version Negotiation packet (RFC 8999, 6;
// RFC 9000, 17.2.1). dcid and scid echo the client's SCID and DCID; they are
// slices because a client of an unknown version may use up to 255 bytes. The
// unused bits of the first byte come from random.
func AppendVersionNegotiation(b []byte, dcid, scid []byte, versions []protocol.Version, random byte) []byte {
	b = append(b, headerFormLong|random&^headerFormLong, 0, 0, 0, 0)
	b = append(b, byte(len(dcid)))
	b = append(b, dcid...)
	b = append(b, byte(len(scid)))
	b = append(b, scid...)
	for _, v := range versions {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return b
}

// ParseVersionNegotiation parses a Version Negotiation packet, which fills
// the whole datagram b (RFC 9000, 17.2.1). The results alias b.
func ParseVersionNegotiation(b []byte) (dcid, scid []byte, versions Versions, err error) {
	v, dcid, scid, off, err := ParseLongHeaderInvariants(b)
	if err != nil {
		return nil, nil, nil, err
	}
	if v != 0 {
		return nil, nil, nil, ErrNotVersionNeg
	}
	if (len(b)-off)%4 != 0 {
		return nil, nil, nil, ErrVersionList
	}
	return dcid, scid, Versions(b[off:len(b):len(b)]), nil
}
