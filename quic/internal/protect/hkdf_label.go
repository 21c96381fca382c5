package protect

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// expandLabel is HKDF-Expand-Label from RFC 8446, 7.1, with the empty
// context every QUIC use passes (RFC 9001, 5.1).
func expandLabel(h crypto.Hash, secret []byte, label string, length int) []byte {
	x := newLabelExpander(h, secret)
	return x.expand(label, length)
}

// Sizes of the hashes QUIC's cipher suites use: SHA-256 and SHA-384.
const (
	maxHashBlock = sha512.BlockSize // SHA-384's block
	maxHashSize  = sha512.Size384
	// maxMACInput bounds the message labelExpander.mac takes on the stack:
	// an HkdfLabel of any label QUIC uses, or a v1 connection ID.
	maxMACInput = 64
)

// labelExpander runs HKDF-Expand-Label for several labels of one secret:
// the key, IV, header protection key and next secret a traffic secret
// yields. Each output QUIC asks for fits in one hash output, so
// HKDF-Expand (RFC 5869, 2.3) is the single HMAC T(1) = HMAC(secret,
// HkdfLabel || 0x01). The HMAC (RFC 2104) is H(K^opad || H(K^ipad || m)),
// computed here with the one-shot sha256.Sum256 or sha512.Sum384 on the
// stack: crypto/hmac allocates seven objects per key, and a handshake keys
// a dozen secrets on each side.
type labelExpander struct {
	h    crypto.Hash
	ipad [maxHashBlock]byte // the secret zero-padded to the block, XOR 0x36
	opad [maxHashBlock]byte // the same, XOR 0x5c
	out  [maxHashSize]byte  // the last MAC
}

// newLabelExpander keys an expander with secret, which is never longer
// than a block: a traffic secret is one hash output, an Initial salt 20
// bytes.
func newLabelExpander(h crypto.Hash, secret []byte) labelExpander {
	if len(secret) > h.Size() {
		panic("protect: HMAC key longer than the hash output")
	}
	x := labelExpander{h: h}
	copy(x.ipad[:], secret)
	copy(x.opad[:], secret)
	for i := range x.ipad {
		x.ipad[i] ^= 0x36
		x.opad[i] ^= 0x5c
	}
	return x
}

// blockSize returns the expander's hash block size.
func (x *labelExpander) blockSize() int {
	if x.h == crypto.SHA384 {
		return sha512.BlockSize
	}
	return sha256.BlockSize
}

// mac returns HMAC(secret, msg), in x.out: valid until the next call.
func (x *labelExpander) mac(msg []byte) []byte {
	if len(msg) > maxMACInput {
		panic("protect: HMAC input longer than maxMACInput")
	}
	bs, size := x.blockSize(), x.h.Size()
	var buf [maxHashBlock + maxMACInput]byte
	copy(buf[:], x.ipad[:bs])
	n := bs + copy(buf[bs:], msg)
	x.hash(buf[:n])
	copy(buf[:], x.opad[:bs])
	n = bs + copy(buf[bs:], x.out[:size])
	x.hash(buf[:n])
	return x.out[:size]
}

// hash puts the hash of b in x.out.
func (x *labelExpander) hash(b []byte) {
	if x.h == crypto.SHA384 {
		sum := sha512.Sum384(b)
		copy(x.out[:], sum[:])
		return
	}
	sum := sha256.Sum256(b)
	copy(x.out[:], sum[:])
}

// expandTo fills dst with HKDF-Expand-Label(secret, label, "", len(dst)).
func (x *labelExpander) expandTo(dst []byte, label string) {
	if len(dst) > x.h.Size() {
		panic("protect: HKDF-Expand-Label output longer than one hash")
	}
	var info [maxMACInput]byte
	copy(dst, x.mac(append(appendHkdfLabel(info[:0], label, len(dst)), 1)))
}

// expand is expandTo into a new slice, for a secret that is kept.
func (x *labelExpander) expand(label string, length int) []byte {
	out := make([]byte, length)
	x.expandTo(out, label)
	return out
}

// hkdfExtract is HKDF-Extract(salt, ikm) (RFC 5869, 2.2): HMAC keyed with
// the salt.
func hkdfExtract(h crypto.Hash, salt, ikm []byte) []byte {
	if len(ikm) > maxMACInput || len(salt) > h.Size() {
		m := hmac.New(h.New, salt)
		m.Write(ikm)
		return m.Sum(nil)
	}
	x := newLabelExpander(h, salt)
	return append([]byte(nil), x.mac(ikm)...)
}

// NextSecret derives the secret of the next key phase from the current one
// with the "quic ku" ("quicv2 ku") label (RFC 9001, 6.1; RFC 9369, 3.3.2).
func NextSecret(s Suite, v protocol.Version, secret []byte) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	p, err := paramsFor(v)
	if err != nil {
		return nil, err
	}
	x := newLabelExpander(s.Hash(), secret)
	return x.expand(p.labelKU, s.Hash().Size()), nil
}

// hkdfLabel encodes the HkdfLabel structure (RFC 8446, 7.1) that is the
// info input of HKDF-Expand.
func hkdfLabel(label string, length int) []byte {
	return appendHkdfLabel(make([]byte, 0, 3+len(tls13Prefix)+len(label)+1), label, length)
}

const tls13Prefix = "tls13 "

func appendHkdfLabel(info []byte, label string, length int) []byte {
	info = append(info, byte(length>>8), byte(length), byte(len(tls13Prefix)+len(label)))
	info = append(info, tls13Prefix...)
	info = append(info, label...)
	return append(info, 0) // zero-length context
}
