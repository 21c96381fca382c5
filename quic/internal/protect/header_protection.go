package protect

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"

	"golang.org/x/crypto/chacha20"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// HeaderProtector masks and unmasks the protected bits of the first byte
// and the packet number (RFC 9001, 5.4). Its key does not change on key
// update (RFC 9001, 6.1).
type HeaderProtector struct {
	block     cipher.Block // AES-ECB (RFC 9001, 5.4.3); nil for ChaCha20
	chachaKey [chacha20.KeySize]byte
	mask      [SampleLen]byte // scratch for the mask
}

// NewHeaderProtector derives the "quic hp" key from a traffic secret.
func NewHeaderProtector(s Suite, v protocol.Version, secret []byte) (*HeaderProtector, error) {
	h := new(HeaderProtector)
	if _, _, err := deriveKeys(s, v, secret, nil, h); err != nil {
		return nil, err
	}
	return h, nil
}

// initFrom derives the header protection key with x, the expander of a
// checked secret.
func (h *HeaderProtector) initFrom(s Suite, p versionParams, x *labelExpander) error {
	var buf [32]byte
	key := buf[:s.KeyLen()]
	x.expandTo(key, p.labelHP)
	var err error
	if s == ChaCha20Poly1305 {
		copy(h.chachaKey[:], key)
		h.block = nil
		return nil
	}
	h.block, err = aes.NewCipher(key)
	return err
}

// computeMask fills h.mask[:5] from a SampleLen-byte sample.
func (h *HeaderProtector) computeMask(sample []byte) {
	if h.block != nil {
		h.block.Encrypt(h.mask[:], sample)
		return
	}
	// RFC 9001, 5.4.4: the first 4 bytes are the little-endian block
	// counter, the other 12 the nonce; the mask encrypts 5 zero bytes.
	c, err := chacha20.NewUnauthenticatedCipher(h.chachaKey[:], sample[4:SampleLen])
	if err != nil {
		panic("protect: " + err.Error()) // key and nonce sizes are fixed
	}
	c.SetCounter(binary.LittleEndian.Uint32(sample[:4]))
	h.mask = [SampleLen]byte{}
	c.XORKeyStream(h.mask[:5], h.mask[:5])
}

// firstByteMask returns the bits of the first byte header protection
// covers: 4 for long headers, 5 for short (RFC 9001, 5.4.1).
func firstByteMask(first byte) byte {
	if first&0x80 != 0 {
		return 0x0f
	}
	return 0x1f
}

// sample returns the header protection sample, taken as if the packet
// number were 4 bytes long (RFC 9001, 5.4.2).
func sample(b []byte, pnOffset int) ([]byte, error) {
	if pnOffset < 1 || pnOffset > len(b) || len(b)-pnOffset < 4+SampleLen {
		return nil, ErrShortPacket
	}
	return b[pnOffset+4 : pnOffset+4+SampleLen], nil
}

// Apply protects the header of a sealed packet in place. pnOffset is the
// offset of the Packet Number field; its length comes from the still
// unprotected first byte.
func (h *HeaderProtector) Apply(b []byte, pnOffset int) error {
	s, err := sample(b, pnOffset)
	if err != nil {
		return err
	}
	h.computeMask(s)
	pnLen := int(b[0]&0x03) + 1
	b[0] ^= h.mask[0] & firstByteMask(b[0])
	for i := range pnLen {
		b[pnOffset+i] ^= h.mask[1+i]
	}
	return nil
}

// Remove unprotects the header of a received packet in place, before it
// is opened. It returns the unmasked first byte, the packet number length
// and the truncated packet number. A packet too short for the sample is
// rejected with ErrShortPacket and left untouched.
func (h *HeaderProtector) Remove(b []byte, pnOffset int) (first byte, pnLen int, truncatedPN uint64, err error) {
	s, err := sample(b, pnOffset)
	if err != nil {
		return 0, 0, 0, err
	}
	h.computeMask(s)
	b[0] ^= h.mask[0] & firstByteMask(b[0])
	first = b[0]
	pnLen = int(first&0x03) + 1
	for i := range pnLen {
		b[pnOffset+i] ^= h.mask[1+i]
		truncatedPN = truncatedPN<<8 | uint64(b[pnOffset+i])
	}
	return first, pnLen, truncatedPN, nil
}
