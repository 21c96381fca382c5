package protect

import (
	"crypto"

	"golang.org/x/crypto/hkdf"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// expandLabel is HKDF-Expand-Label from RFC 8446, 7.1, with the empty
// context every QUIC use passes (RFC 9001, 5.1).
func expandLabel(h crypto.Hash, secret []byte, label string, length int) []byte {
	out := make([]byte, length)
	// The reader fails only past 255*hash length, far above any length used.
	if _, err := hkdf.Expand(h.New, secret, hkdfLabel(label, length)).Read(out); err != nil {
		panic("protect: HKDF-Expand-Label: " + err.Error())
	}
	return out
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
	return expandLabel(s.Hash(), secret, p.labelKU, s.Hash().Size()), nil
}

// hkdfLabel encodes the HkdfLabel structure (RFC 8446, 7.1) that is the
// info input of HKDF-Expand.
func hkdfLabel(label string, length int) []byte {
	const prefix = "tls13 "
	info := make([]byte, 0, 2+1+len(prefix)+len(label)+1)
	info = append(info, byte(length>>8), byte(length), byte(len(prefix)+len(label)))
	info = append(info, prefix...)
	info = append(info, label...)
	return append(info, 0) // zero-length context
}
