package protect

import (
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// BenchmarkSealOpen protects, unprotects and opens a 1200-byte 1-RTT packet
// with each AEAD, in place.
func BenchmarkSealOpen(b *testing.B) {
	const size = 1200
	for _, s := range allSuites {
		b.Run(s.String(), func(b *testing.B) {
			var w, r OneRTTKeys
			secret := testSecret(s, "bench")
			if err := w.SetWriteSecret(s, protocol.Version1, secret); err != nil {
				b.Fatal(err)
			}
			if err := r.SetReadSecret(s, protocol.Version1, secret); err != nil {
				b.Fatal(err)
			}
			pkt, pnOffset := shortPacket(0, 2, make([]byte, size-11-TagLen))
			n := len(pkt)
			buf := make([]byte, n, size)
			copy(buf, pkt)
			b.SetBytes(size)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				pn := uint64(i)
				p := buf[:n]
				p[0] = 0x41
				p[pnOffset], p[pnOffset+1] = byte(pn>>8), byte(pn)
				p, err := w.Protect(p, pnOffset, pn)
				if err != nil {
					b.Fatal(err)
				}
				_, pnLen, _, err := r.Unprotect(p, pnOffset)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := r.Open(p, pnOffset+pnLen, pn); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHeaderProtection applies and removes header protection with
// the AES and ChaCha20 masks.
func BenchmarkHeaderProtection(b *testing.B) {
	for _, s := range []Suite{AES128GCM, ChaCha20Poly1305} {
		name := "AES"
		if s == ChaCha20Poly1305 {
			name = "ChaCha20"
		}
		h, err := NewHeaderProtector(s, protocol.Version1, testSecret(s, "bench hp"))
		if err != nil {
			b.Fatal(err)
		}
		pkt, pnOffset := shortPacket(1, 2, make([]byte, 100))
		b.Run(name+"/Apply", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := h.Apply(pkt, pnOffset); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/Remove", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, _, err := h.Remove(pkt, pnOffset); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKeySchedule derives what a handshake installs on one side: the
// Initial keys from a connection ID, Handshake keys from two secrets, and
// 1-RTT keys (with the next read generation) from two more.
func BenchmarkKeySchedule(b *testing.B) {
	dcid := []byte{0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08}
	s := AES128GCM
	cs, ss := testSecret(s, "client"), testSecret(s, "server")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := NewInitialKeys(protocol.Version1, dcid, false); err != nil {
			b.Fatal(err)
		}
		for _, secret := range [][]byte{cs, ss} {
			if _, err := NewKeys(s, protocol.Version1, secret); err != nil {
				b.Fatal(err)
			}
		}
		var k OneRTTKeys
		if err := k.SetReadSecret(s, protocol.Version1, ss); err != nil {
			b.Fatal(err)
		}
		if err := k.SetWriteSecret(s, protocol.Version1, cs); err != nil {
			b.Fatal(err)
		}
	}
}
