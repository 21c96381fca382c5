// Package protect implements QUIC packet protection (RFC 9001, 5 and 6; RFC
// 9369, 3.3): key derivation from TLS secrets, AEAD sealing and opening,
// header protection, key update and the Retry integrity tag.
//
// Nothing here allocates on the per-packet path. Values are not safe for
// concurrent use: each holds scratch buffers for nonces and masks.
package protect

import (
	"crypto"
	"crypto/tls"
	"fmt"

	_ "crypto/sha256" // register SHA-256 for crypto.Hash.New
	_ "crypto/sha512" // register SHA-384 for crypto.Hash.New
)

// Suite is a TLS 1.3 cipher suite ID, as crypto/tls reports it with the
// secrets of each encryption level.
type Suite uint16

// Cipher suites QUIC can use (RFC 9001, 5.3). TLS_AES_128_CCM_SHA256 and
// TLS_AES_128_CCM_8_SHA256 are not offered by crypto/tls.
const (
	AES128GCM        Suite = Suite(tls.TLS_AES_128_GCM_SHA256)
	AES256GCM        Suite = Suite(tls.TLS_AES_256_GCM_SHA384)
	ChaCha20Poly1305 Suite = Suite(tls.TLS_CHACHA20_POLY1305_SHA256)
)

// String returns the suite's TLS name.
func (s Suite) String() string { return tls.CipherSuiteName(uint16(s)) }

// Supported reports whether this package can protect packets with s.
func (s Suite) Supported() bool {
	return s == AES128GCM || s == AES256GCM || s == ChaCha20Poly1305
}

// Hash returns the hash of the suite's HKDF.
func (s Suite) Hash() crypto.Hash {
	if s == AES256GCM {
		return crypto.SHA384
	}
	return crypto.SHA256
}

// KeyLen returns the length of the AEAD key and of the header protection
// key (RFC 9001, 5.1: both "quic key" and "quic hp" produce keys of the
// algorithm's key size).
func (s Suite) KeyLen() int {
	if s == AES128GCM {
		return 16
	}
	return 32
}

// Lengths every supported suite shares (RFC 9001, 5.3 and 5.4.2).
const (
	IVLen     = 12 // AEAD nonce length
	TagLen    = 16 // AEAD expansion
	SampleLen = 16 // header protection sample
)

// ConfidentialityLimit returns how many packets may be sealed with one key
// before a key update is required (RFC 9001, 6.6). ChaCha20-Poly1305's
// limit is beyond the packet number space, so it returns 2^62.
func (s Suite) ConfidentialityLimit() uint64 {
	if s == ChaCha20Poly1305 {
		return 1 << 62
	}
	return 1 << 23
}

// IntegrityLimit returns how many packets may fail authentication over the
// whole connection, across all keys, before it must be closed with
// AEAD_LIMIT_REACHED (RFC 9001, 6.6).
func (s Suite) IntegrityLimit() uint64 {
	if s == ChaCha20Poly1305 {
		return 1 << 36
	}
	return 1 << 52
}

func (s Suite) check() error {
	if !s.Supported() {
		return fmt.Errorf("protect: unsupported cipher suite %#04x", uint16(s))
	}
	return nil
}
