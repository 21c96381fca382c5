package protect

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// RetryIntegrityTag computes the Retry Integrity Tag: AEAD_AES_128_GCM with
// the version's fixed key and nonce over the Retry Pseudo-Packet, which is
// the ODCID length and ODCID followed by the Retry packet without its tag
// (RFC 9001, 5.8; RFC 9369, 3.3.3). An unknown version yields a zero tag.
func RetryIntegrityTag(version protocol.Version, odcid []byte, retryWithoutTag []byte) [16]byte {
	var tag [16]byte
	p, err := paramsFor(version)
	if err != nil || len(odcid) > protocol.MaxConnIDLen {
		return tag
	}
	block, err := aes.NewCipher(p.retryKey[:])
	if err != nil {
		panic("protect: " + err.Error()) // the key is a fixed 16 bytes
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("protect: " + err.Error())
	}
	// One buffer holds the pseudo-packet and, after it, the tag.
	n := 1 + len(odcid) + len(retryWithoutTag)
	buf := make([]byte, n, n+TagLen)
	buf[0] = byte(len(odcid))
	copy(buf[1:], odcid)
	copy(buf[1+len(odcid):], retryWithoutTag)
	copy(tag[:], aead.Seal(buf[n:n], p.retryNonce[:], nil, buf[:n]))
	return tag
}

// VerifyRetryIntegrity reports whether retry, a whole Retry packet, ends
// in a valid Retry Integrity Tag for the client's original Destination
// Connection ID. Clients discard Retry packets that fail (RFC 9000, 17.2.5.2).
func VerifyRetryIntegrity(version protocol.Version, odcid []byte, retry []byte) bool {
	if len(retry) < TagLen {
		return false
	}
	if _, err := paramsFor(version); err != nil {
		return false
	}
	n := len(retry) - TagLen
	want := RetryIntegrityTag(version, odcid, retry[:n])
	return len(odcid) <= protocol.MaxConnIDLen && subtle.ConstantTimeCompare(want[:], retry[n:]) == 1
}
