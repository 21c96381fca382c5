package protect

import (
	"bytes"
	"crypto"
	"fmt"
	"testing"

	"golang.org/x/crypto/hkdf"
)

// TestLabelExpanderMatchesHKDF checks the stack HMAC behind
// HKDF-Expand-Label and HKDF-Extract against golang.org/x/crypto/hkdf
// over crypto/hmac, for both hashes, every QUIC label and output length,
// and inputs up to and past the stack buffer.
func TestLabelExpanderMatchesHKDF(t *testing.T) {
	labels := []string{"client in", "server in", "quic key", "quic iv", "quic hp", "quic ku", "quicv2 key", "quicv2 iv", "quicv2 hp", "quicv2 ku"}
	for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384} {
		secret := make([]byte, h.Size())
		for i := range secret {
			secret[i] = byte(i*31 + int(h))
		}
		for _, label := range labels {
			for _, n := range []int{12, 16, 32, h.Size()} {
				t.Run(fmt.Sprintf("%v/%s/%d", h, label, n), func(t *testing.T) {
					want := make([]byte, n)
					if _, err := hkdf.Expand(h.New, secret, hkdfLabel(label, n)).Read(want); err != nil {
						t.Fatal(err)
					}
					if got := expandLabel(h, secret, label, n); !bytes.Equal(got, want) {
						t.Fatalf("expandLabel = %x, want %x", got, want)
					}
				})
			}
		}
		for _, sizes := range [][2]int{{20, 0}, {20, 8}, {20, 20}, {0, 64}, {20, 65}, {h.Size(), 200}, {h.Size() + 1, 8}} {
			salt, ikm := bytes.Repeat([]byte{0xa5}, sizes[0]), bytes.Repeat([]byte{0x3c}, sizes[1])
			if got, want := hkdfExtract(h, salt, ikm), hkdf.Extract(h.New, ikm, salt); !bytes.Equal(got, want) {
				t.Errorf("%v: hkdfExtract(%d-byte salt, %d-byte ikm) = %x, want %x", h, sizes[0], sizes[1], got, want)
			}
		}
	}
}
