package packet

import (
	"encoding/binary"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// RetryIntegrityTagLen is the length of the Retry Integrity Tag (RFC 9001,
// 5.8).
const RetryIntegrityTagLen = 16

// AppendRetry appends a Retry packet of version v without its Retry Integrity
// Tag (RFC 9000, 17.2.5). The caller computes the tag over
// AppendRetryPseudoPacket's output and appends it. The low 4 bits of unused
// fill the Unused field, which carries no meaning.
func AppendRetry(b []byte, v protocol.Version, dcid, scid protocol.ConnectionID, token []byte, unused byte) []byte {
	b = append(b, headerFormLong|fixedBit|longTypeBits(v, protocol.PacketRetry)<<4|unused&0x0f)
	b = binary.BigEndian.AppendUint32(b, uint32(v))
	b = append(b, byte(dcid.Len()))
	b = append(b, dcid.Bytes()...)
	b = append(b, byte(scid.Len()))
	b = append(b, scid.Bytes()...)
	return append(b, token...)
}

// AppendRetryPseudoPacket appends the Retry Pseudo-Packet over which the Retry
// Integrity Tag is computed: the original destination connection ID, with its
// length, followed by the Retry packet without its tag (RFC 9001, 5.8).
func AppendRetryPseudoPacket(b []byte, odcid protocol.ConnectionID, retryWithoutTag []byte) []byte {
	b = append(b, byte(odcid.Len()))
	b = append(b, odcid.Bytes()...)
	return append(b, retryWithoutTag...)
}

// SplitRetry splits a received Retry packet into the packet without its tag
// and the Retry Integrity Tag. Both alias pkt.
func SplitRetry(pkt []byte) (withoutTag, tag []byte, err error) {
	if len(pkt) < RetryIntegrityTagLen {
		return nil, nil, ErrTruncated
	}
	n := len(pkt) - RetryIntegrityTagLen
	return pkt[:n:n], pkt[n:], nil
}
