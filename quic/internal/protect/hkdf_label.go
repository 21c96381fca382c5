package protect

import (
	"crypto"
	"crypto/hmac"
	"hash"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// expandLabel is HKDF-Expand-Label from RFC 8446, 7.1, with the empty
// context every QUIC use passes (RFC 9001, 5.1).
func expandLabel(h crypto.Hash, secret []byte, label string, length int) []byte {
	return newLabelExpander(h, secret).expand(label, length)
}

// labelExpander runs HKDF-Expand-Label for several labels of one secret:
// the key, IV, header protection key and next secret a traffic secret
// yields. Each output of QUIC fits in one hash block, so HKDF-Expand
// (RFC 5869, 2.3) is the single HMAC T(1) = HMAC(secret, HkdfLabel ||
// 0x01), and one HMAC, reset between labels, serves them all: a handshake
// derives some thirty keys, and a fresh HMAC each was a seventh of the
// memory a connection allocated.
type labelExpander struct {
	h   crypto.Hash
	mac hash.Hash
	// info and sum are scratch: on the stack they would escape through
	// the hash.Hash interface on every call.
	info [64]byte
	sum  [64]byte
}

func newLabelExpander(h crypto.Hash, secret []byte) *labelExpander {
	return &labelExpander{h: h, mac: hmac.New(h.New, secret)}
}

// expand is expandLabel for the expander's secret.
func (x *labelExpander) expand(label string, length int) []byte {
	if length > x.h.Size() {
		panic("protect: HKDF-Expand-Label output longer than one block")
	}
	b := append(appendHkdfLabel(x.info[:0], label, length), 1)
	x.mac.Reset()
	x.mac.Write(b)
	return append(make([]byte, 0, length), x.mac.Sum(x.sum[:0])[:length]...)
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
	return newLabelExpander(s.Hash(), secret).expand(p.labelKU, s.Hash().Size()), nil
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
