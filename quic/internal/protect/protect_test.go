package protect

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

var allSuites = []Suite{AES128GCM, AES256GCM, ChaCha20Poly1305}

// testSecret returns a deterministic traffic secret of the suite's hash size.
func testSecret(s Suite, seed string) []byte {
	sum := sha512.Sum384([]byte(seed))
	return sum[:s.Hash().Size()]
}

// shortPacket builds an unprotected 1-RTT packet: first byte 0x40|pnLen-1,
// an 8-byte connection ID, the packet number and payload. It returns the
// packet and the packet number offset.
func shortPacket(pn uint64, pnLen int, payload []byte) ([]byte, int) {
	b := []byte{0x40 | byte(pnLen-1), 1, 2, 3, 4, 5, 6, 7, 8}
	for i := pnLen - 1; i >= 0; i-- {
		b = append(b, byte(pn>>(8*i)))
	}
	return append(b, payload...), 9
}

func TestSuiteProperties(t *testing.T) {
	tests := []struct {
		s                   Suite
		keyLen, hashLen     int
		confLimit, intLimit uint64
		name                string
	}{
		{AES128GCM, 16, 32, 1 << 23, 1 << 52, "TLS_AES_128_GCM_SHA256"},
		{AES256GCM, 32, 48, 1 << 23, 1 << 52, "TLS_AES_256_GCM_SHA384"},
		{ChaCha20Poly1305, 32, 32, 1 << 62, 1 << 36, "TLS_CHACHA20_POLY1305_SHA256"},
	}
	for _, tt := range tests {
		if !tt.s.Supported() || tt.s.KeyLen() != tt.keyLen || tt.s.Hash().Size() != tt.hashLen ||
			tt.s.ConfidentialityLimit() != tt.confLimit || tt.s.IntegrityLimit() != tt.intLimit ||
			tt.s.String() != tt.name {
			t.Errorf("%v: key %d hash %d limits %d/%d", tt.s, tt.s.KeyLen(), tt.s.Hash().Size(),
				tt.s.ConfidentialityLimit(), tt.s.IntegrityLimit())
		}
	}
	if Suite(0x1304).Supported() { // TLS_AES_128_CCM_SHA256
		t.Error("CCM reported as supported")
	}
}

func TestConstructorErrors(t *testing.T) {
	good := testSecret(AES128GCM, "x")
	tests := []struct {
		name   string
		s      Suite
		v      protocol.Version
		secret []byte
	}{
		{"unknown suite", Suite(0x1304), protocol.Version1, good},
		{"unknown version", AES128GCM, 0x1a2a3a4a, good},
		{"short secret", AES128GCM, protocol.Version1, good[:31]},
		{"SHA-256 secret for SHA-384 suite", AES256GCM, protocol.Version1, good},
	}
	for _, tt := range tests {
		if _, err := NewKeys(tt.s, tt.v, tt.secret); err == nil {
			t.Errorf("%s: NewKeys succeeded", tt.name)
		}
		if _, err := NewHeaderProtector(tt.s, tt.v, tt.secret); err == nil {
			t.Errorf("%s: NewHeaderProtector succeeded", tt.name)
		}
		if _, err := NewPacketKey(tt.s, tt.v, tt.secret); err == nil {
			t.Errorf("%s: NewPacketKey succeeded", tt.name)
		}
		var k OneRTTKeys
		if err := k.SetReadSecret(tt.s, tt.v, tt.secret); err == nil {
			t.Errorf("%s: SetReadSecret succeeded", tt.name)
		}
	}
	if _, _, err := NewInitialKeys(0x1a2a3a4a, rfcDCID, false); err == nil {
		t.Error("NewInitialKeys accepted an unknown version")
	}
	if c, s := InitialSecrets(0x1a2a3a4a, rfcDCID); c != nil || s != nil {
		t.Error("InitialSecrets derived secrets for an unknown version")
	}
	if _, err := NextSecret(AES128GCM, 0x1a2a3a4a, good); err == nil {
		t.Error("NextSecret accepted an unknown version")
	}
}

// TestRoundTrip protects and opens packets of every suite, version, packet
// number length and header form, down to the smallest payload the sample
// allows.
func TestRoundTrip(t *testing.T) {
	for _, s := range allSuites {
		for _, v := range []protocol.Version{protocol.Version1, protocol.Version2} {
			secret := testSecret(s, "round trip")
			seal, err := NewKeys(s, v, secret)
			if err != nil {
				t.Fatal(err)
			}
			open, _ := NewKeys(s, v, secret)
			for pnLen := 1; pnLen <= 4; pnLen++ {
				for _, long := range []bool{false, true} {
					payload := bytes.Repeat([]byte{0xaa}, 4-pnLen) // minimum for the sample
					const pn = 0x1234567
					b, pnOffset := shortPacket(pn, pnLen, payload)
					if long {
						b[0] |= 0x80
					}
					orig := append([]byte{}, b...)
					b, err := seal.Protect(b, pnOffset, pn)
					if err != nil {
						t.Fatalf("%v %v pnLen %d: %v", s, v, pnLen, err)
					}
					if len(b) != len(orig)+TagLen {
						t.Fatalf("sealed length %d", len(b))
					}
					// Only the protected first-byte bits may change.
					if b[0]&^firstByteMask(orig[0]) != orig[0]&^firstByteMask(orig[0]) {
						t.Errorf("unprotected first-byte bits changed: %#x -> %#x", orig[0], b[0])
					}
					first, gotLen, trunc, err := open.Unprotect(b, pnOffset)
					if err != nil || first != orig[0] || gotLen != pnLen || trunc != pn&(1<<(8*pnLen)-1) {
						t.Fatalf("Unprotect = %#x %d %#x %v", first, gotLen, trunc, err)
					}
					got, err := open.Open(b, pnOffset+pnLen, decodePacketNumber(pn-1, trunc, pnLen))
					if err != nil || !bytes.Equal(b[:pnOffset+pnLen], orig[:pnOffset+pnLen]) || !bytes.Equal(got, payload) {
						t.Errorf("%v %v pnLen %d long %v: Open = %x, %v", s, v, pnLen, long, got, err)
					}
				}
			}
		}
	}
}

// TestTamper flips every bit of a protected packet in turn; each flip must
// make removing protection or opening fail.
func TestTamper(t *testing.T) {
	for _, s := range allSuites {
		secret := testSecret(s, "tamper")
		k, _ := NewKeys(s, protocol.Version1, secret)
		const pn = 77
		b, pnOffset := shortPacket(pn, 2, []byte("a little payload"))
		sealed, err := k.Protect(b, pnOffset, pn)
		if err != nil {
			t.Fatal(err)
		}
		for i := range sealed {
			for bit := range 8 {
				p := append([]byte{}, sealed...)
				p[i] ^= 1 << bit
				_, pnLen, trunc, err := k.Unprotect(p, pnOffset)
				if err != nil {
					t.Fatalf("%v: Unprotect failed on a full-length packet: %v", s, err)
				}
				if _, err := k.Open(p, pnOffset+pnLen, decodePacketNumber(pn, trunc, pnLen)); !errors.Is(err, ErrDecrypt) {
					t.Errorf("%v: flipping bit %d of byte %d: Open error %v", s, bit, i, err)
				}
			}
		}
	}
}

// TestOpenFailureKeepsTag checks that a failed Open leaves the last 16
// bytes alone: they may be a stateless reset token (RFC 9000, 10.3.1).
func TestOpenFailureKeepsTag(t *testing.T) {
	for _, s := range allSuites {
		k, _ := NewKeys(s, protocol.Version1, testSecret(s, "tag"))
		b, pnOffset := shortPacket(1, 1, bytes.Repeat([]byte{1}, 40))
		b, _ = k.Protect(b, pnOffset, 1)
		b[pnOffset+5] ^= 1
		tail := append([]byte{}, b[len(b)-TagLen:]...)
		if _, err := k.Open(b, pnOffset+1, 1); err == nil {
			t.Fatalf("%v: tampered packet opened", s)
		}
		if !bytes.Equal(b[len(b)-TagLen:], tail) {
			t.Errorf("%v: failed Open changed the last 16 bytes", s)
		}
	}
}

func TestShortPackets(t *testing.T) {
	k, _ := NewKeys(ChaCha20Poly1305, protocol.Version1, testSecret(ChaCha20Poly1305, "short"))
	tests := []struct {
		name     string
		length   int
		pnOffset int
	}{
		{"empty", 0, 1},
		{"no sample", 1 + 4 + SampleLen - 1, 1},
		{"offset past end", 30, 31},
		{"negative offset", 30, -1},
		{"zero offset", 30, 0},
	}
	for _, tt := range tests {
		b := bytes.Repeat([]byte{0x41}, tt.length)
		orig := append([]byte{}, b...)
		if _, _, _, err := k.Unprotect(b, tt.pnOffset); !errors.Is(err, ErrShortPacket) {
			t.Errorf("%s: Unprotect error %v", tt.name, err)
		}
		if !bytes.Equal(b, orig) {
			t.Errorf("%s: rejected packet was modified", tt.name)
		}
		if err := k.Header.Apply(b, tt.pnOffset); !errors.Is(err, ErrShortPacket) {
			t.Errorf("%s: Apply error %v", tt.name, err)
		}
	}
	for _, hdrLen := range []int{-1, 5, 20} {
		if _, err := k.Open(make([]byte, 20), hdrLen, 0); !errors.Is(err, ErrShortPacket) {
			t.Errorf("Open with hdrLen %d of 20 bytes: %v", hdrLen, err)
		}
	}
	// A payload too short to be sampled once sealed is refused up front.
	b, pnOffset := shortPacket(1, 1, []byte{1, 2})
	if _, err := k.Protect(b, pnOffset, 1); !errors.Is(err, ErrShortPacket) {
		t.Errorf("Protect of a 3-byte payload: %v", err)
	}
}

func TestNonce(t *testing.T) {
	// RFC 9001, 5.3: the 62-bit packet number, left-padded, XORed into the IV.
	var k PacketKey
	for i := range k.iv {
		k.iv[i] = 0xff
	}
	tests := []struct {
		pn   uint64
		want string
	}{
		{0, "ffffffffffffffffffffffff"},
		{1, "fffffffffffffffffffffffe"},
		{1<<62 - 1, "ffffffffc000000000000000"},
	}
	for _, tt := range tests {
		k.setNonce(tt.pn)
		if !bytes.Equal(k.nonce[:], unhex(t, tt.want)) {
			t.Errorf("nonce(%d) = %x, want %s", tt.pn, k.nonce, tt.want)
		}
	}
}

// TestSealGrows checks that Seal still works when b has no room for the tag.
func TestSealGrows(t *testing.T) {
	k, _ := NewPacketKey(AES128GCM, protocol.Version1, testSecret(AES128GCM, "grow"))
	b := []byte{0x40, 0, 1, 2, 3, 4}
	b = b[:len(b):len(b)]
	sealed := k.Seal(b, 2, 0)
	if len(sealed) != 6+TagLen {
		t.Fatalf("len %d", len(sealed))
	}
	got, err := k.Open(sealed, 2, 0)
	if err != nil || !bytes.Equal(got, []byte{1, 2, 3, 4}) {
		t.Errorf("Open = %x, %v", got, err)
	}
}

// TestZeroAllocs checks the per-packet path does not allocate.
func TestZeroAllocs(t *testing.T) {
	for _, s := range allSuites {
		var w, r OneRTTKeys
		secret := testSecret(s, "allocs")
		if err := w.SetWriteSecret(s, protocol.Version1, secret); err != nil {
			t.Fatal(err)
		}
		if err := r.SetReadSecret(s, protocol.Version1, secret); err != nil {
			t.Fatal(err)
		}
		pkt, pnOffset := shortPacket(0, 2, make([]byte, 1000))
		n := len(pkt)
		b := make([]byte, n, n+TagLen)
		copy(b, pkt)
		pn := uint64(0)
		allocs := testing.AllocsPerRun(50, func() {
			pn++
			p := b[:n]
			p[pnOffset], p[pnOffset+1] = byte(pn>>8), byte(pn)
			p[0] = 0x41
			p, err := w.Protect(p, pnOffset, pn)
			if err != nil {
				t.Fatal(err)
			}
			_, pnLen, _, err := r.Unprotect(p, pnOffset)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := r.Open(p, pnOffset+pnLen, pn); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocs per packet", s, allocs)
		}
	}
}
