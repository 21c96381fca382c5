package protect

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"slices"

	"golang.org/x/crypto/chacha20poly1305"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// ErrDecrypt is returned when a packet fails authentication. The packet is
// to be dropped; the caller counts it against the integrity limit.
var ErrDecrypt = errors.New("protect: packet failed authentication")

// ErrShortPacket is returned for a packet too short to hold a header
// protection sample or an authentication tag (RFC 9001, 5.4.2).
var ErrShortPacket = errors.New("protect: packet too short")

// PacketKey is the AEAD key and IV of one key phase in one direction (RFC
// 9001, 5.3).
type PacketKey struct {
	aead  cipher.AEAD
	iv    [IVLen]byte
	nonce [IVLen]byte // scratch, so that passing it to aead does not allocate
}

// NewPacketKey derives the "quic key" and "quic iv" values from a traffic
// secret and builds the suite's AEAD.
func NewPacketKey(s Suite, v protocol.Version, secret []byte) (*PacketKey, error) {
	k := new(PacketKey)
	if _, _, err := deriveKeys(s, v, secret, k, nil); err != nil {
		return nil, err
	}
	return k, nil
}

// initFrom derives the key and IV with x, the expander of a checked
// secret.
func (k *PacketKey) initFrom(s Suite, p versionParams, x *labelExpander) error {
	var buf [32]byte
	key := buf[:s.KeyLen()]
	x.expandTo(key, p.labelKey)
	x.expandTo(k.iv[:], p.labelIV)
	var err error
	k.aead, err = newAEAD(s, key)
	return err
}

func newAEAD(s Suite, key []byte) (cipher.AEAD, error) {
	if s == ChaCha20Poly1305 {
		return chacha20poly1305.New(key)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// setNonce forms the nonce for packet number pn: the IV XORed with the
// packet number left-padded to the IV's size (RFC 9001, 5.3).
func (k *PacketKey) setNonce(pn uint64) {
	k.nonce = k.iv
	for i := 0; i < 8; i++ {
		k.nonce[IVLen-1-i] ^= byte(pn >> (8 * i))
	}
}

// Seal encrypts b[hdrLen:] in place with the header b[:hdrLen] (up to and
// including the packet number) as associated data, and returns b extended
// by the TagLen-byte tag. It does not allocate when cap(b) >= len(b)+TagLen.
func (k *PacketKey) Seal(b []byte, hdrLen int, pn uint64) []byte {
	if hdrLen < 0 || hdrLen > len(b) {
		panic("protect: Seal header length out of range")
	}
	b = slices.Grow(b, TagLen)
	k.setNonce(pn)
	k.aead.Seal(b[hdrLen:hdrLen], k.nonce[:], b[hdrLen:], b[:hdrLen])
	return b[:len(b)+TagLen]
}

// Open authenticates and decrypts b[hdrLen:] in place, with the unprotected
// header b[:hdrLen] as associated data, and returns the plaintext, which
// aliases b. On failure it returns ErrDecrypt; the payload bytes are then
// unspecified but the last TagLen bytes of b are left as they were, so that
// the caller can still check them for a stateless reset token.
func (k *PacketKey) Open(b []byte, hdrLen int, pn uint64) ([]byte, error) {
	if hdrLen < 0 || len(b)-hdrLen < TagLen {
		return nil, ErrShortPacket
	}
	k.setNonce(pn)
	out, err := k.aead.Open(b[hdrLen:hdrLen], k.nonce[:], b[hdrLen:], b[:hdrLen])
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}
