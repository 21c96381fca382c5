package protect

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"strings"
	"testing"

	"golang.org/x/crypto/hkdf"

	"github.com/quicr/quicr/quic/internal/protocol"
)

type rfcVectors struct {
	version       protocol.Version
	initialSecret string
	client        initialVector
	server        initialVector
	retry         string
	chacha        chachaVector
}

type initialVector struct {
	secret, key, iv, hp string
	payload             string // server only; the client's is clientCryptoFrame plus padding
	header              string
	sample, mask        string
	protectedHeader     string
	packet              string
}

type chachaVector struct {
	secret, key, iv, hp, ku string
	nonce                   string
	header                  string
	plaintext, ciphertext   string
	sample, mask            string
	protectedHeader         string
	packet                  string
}

// The client's chosen Destination Connection ID in every Appendix A sample.
var rfcDCID = []byte{0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08}

// The packet number of the ChaCha20 short header samples.
const chachaPN = 654360564

var allVectors = []*rfcVectors{&v1Vectors, &v2Vectors}

// unhex decodes hex that may contain whitespace, as the RFCs print it.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad test hex: %v", err)
	}
	return b
}

// clientInitialPayload is the 1162-byte plaintext of the client Initial.
func clientInitialPayload(t testing.TB) []byte {
	p := make([]byte, 1162) // PADDING frames are zero bytes
	copy(p, unhex(t, clientCryptoFrame))
	return p
}

// decodePacketNumber is RFC 9000, A.3, which the wire package owns; tests
// here need it to go from the truncated packet number to the nonce.
func decodePacketNumber(largest, truncated uint64, pnLen int) uint64 {
	expected := largest + 1
	win := uint64(1) << (8 * pnLen)
	hwin, mask := win/2, win-1
	candidate := expected&^mask | truncated
	switch {
	case candidate+hwin <= expected && candidate < 1<<62-win:
		return candidate + win
	case candidate > expected+hwin && candidate >= win:
		return candidate - win
	}
	return candidate
}

func TestHKDFLabelRFC(t *testing.T) {
	// RFC 9001, A.1 and RFC 9369, A.1 list the HkdfLabel of each label.
	tests := []struct {
		label  string
		length int
		want   string
	}{
		{"client in", 32, "00200f746c73313320636c69656e7420696e00"},
		{"server in", 32, "00200f746c7331332073657276657220696e00"},
		{"quic key", 16, "00100e746c7331332071756963206b657900"},
		{"quic iv", 12, "000c0d746c733133207175696320697600"},
		{"quic hp", 16, "00100d746c733133207175696320687000"},
		{"quicv2 key", 16, "001010746c73313320717569637632206b657900"},
		{"quicv2 iv", 12, "000c0f746c7331332071756963763220697600"},
		{"quicv2 hp", 16, "00100f746c7331332071756963763220687000"},
	}
	for _, tt := range tests {
		if got := hkdfLabel(tt.label, tt.length); !bytes.Equal(got, unhex(t, tt.want)) {
			t.Errorf("hkdfLabel(%q, %d) = %x, want %s", tt.label, tt.length, got, tt.want)
		}
	}
}

func TestInitialSecretsRFC(t *testing.T) {
	for _, vec := range allVectors {
		t.Run(vec.version.String(), func(t *testing.T) {
			p, err := paramsFor(vec.version)
			if err != nil {
				t.Fatal(err)
			}
			initial := hkdf.Extract(crypto.SHA256.New, rfcDCID, p.initialSalt[:])
			if !bytes.Equal(initial, unhex(t, vec.initialSecret)) {
				t.Errorf("initial_secret = %x", initial)
			}
			client, server := InitialSecrets(vec.version, rfcDCID)
			for _, side := range []struct {
				name   string
				secret []byte
				want   initialVector
			}{{"client", client, vec.client}, {"server", server, vec.server}} {
				if !bytes.Equal(side.secret, unhex(t, side.want.secret)) {
					t.Errorf("%s secret = %x", side.name, side.secret)
				}
				checkLabel(t, side.name+" key", side.secret, p.labelKey, 16, side.want.key)
				checkLabel(t, side.name+" iv", side.secret, p.labelIV, 12, side.want.iv)
				checkLabel(t, side.name+" hp", side.secret, p.labelHP, 16, side.want.hp)
				k, err := NewKeys(AES128GCM, vec.version, side.secret)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(k.Packet.iv[:], unhex(t, side.want.iv)) {
					t.Errorf("%s PacketKey iv = %x", side.name, k.Packet.iv)
				}
				// The header protection key shows through the RFC's mask.
				k.Header.computeMask(unhex(t, side.want.sample))
				if !bytes.Equal(k.Header.mask[:5], unhex(t, side.want.mask)) {
					t.Errorf("%s mask = %x, want %s", side.name, k.Header.mask[:5], side.want.mask)
				}
			}
		})
	}
}

func checkLabel(t *testing.T, name string, secret []byte, label string, n int, want string) {
	t.Helper()
	if got := expandLabel(crypto.SHA256, secret, label, n); !bytes.Equal(got, unhex(t, want)) {
		t.Errorf("%s = %x, want %s", name, got, want)
	}
}

// TestInitialPacketsRFC reproduces the client (A.2) and server (A.3)
// Initial packets byte for byte, and opens them again.
func TestInitialPacketsRFC(t *testing.T) {
	for _, vec := range allVectors {
		for _, tt := range []struct {
			name     string
			isServer bool
			v        initialVector
			payload  []byte
			pn       uint64
		}{
			{"client", false, vec.client, clientInitialPayload(t), 2},
			{"server", true, vec.server, unhex(t, vec.server.payload), 1},
		} {
			t.Run(vec.version.String()+"/"+tt.name, func(t *testing.T) {
				const pnOffset = 18
				seal, _, err := NewInitialKeys(vec.version, rfcDCID, tt.isServer)
				if err != nil {
					t.Fatal(err)
				}
				_, open, err := NewInitialKeys(vec.version, rfcDCID, !tt.isServer)
				if err != nil {
					t.Fatal(err)
				}
				header := unhex(t, tt.v.header)
				want := unhex(t, tt.v.packet)
				b := append(append([]byte{}, header...), tt.payload...)
				b, err = seal.Protect(b, pnOffset, tt.pn)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b, want) {
					t.Fatalf("protected packet differs:\n got %x\nwant %x", b, want)
				}
				if got := b[:len(header)]; !bytes.Equal(got, unhex(t, tt.v.protectedHeader)) {
					t.Errorf("protected header = %x", got)
				}

				first, pnLen, trunc, err := open.Unprotect(b, pnOffset)
				if err != nil {
					t.Fatal(err)
				}
				if first != header[0] || pnLen != len(header)-pnOffset || trunc != tt.pn {
					t.Errorf("Unprotect = %#x, %d, %d", first, pnLen, trunc)
				}
				pn := decodePacketNumber(0, trunc, pnLen)
				got, err := open.Open(b, pnOffset+pnLen, pn)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(b[:len(header)], header) || !bytes.Equal(got, tt.payload) {
					t.Errorf("opened packet differs: header %x payload %x", b[:len(header)], got)
				}
			})
		}
	}
}

// TestRetryRFC checks the Retry Integrity Tag of A.4.
func TestRetryRFC(t *testing.T) {
	for _, vec := range allVectors {
		t.Run(vec.version.String(), func(t *testing.T) {
			retry := unhex(t, vec.retry)
			n := len(retry) - TagLen
			tag := RetryIntegrityTag(vec.version, rfcDCID, retry[:n])
			if !bytes.Equal(tag[:], retry[n:]) {
				t.Errorf("tag = %x, want %x", tag, retry[n:])
			}
			if !VerifyRetryIntegrity(vec.version, rfcDCID, retry) {
				t.Error("RFC Retry does not verify")
			}
		})
	}
}

// TestChaCha20ShortHeaderRFC reproduces A.5: key derivation including the
// key update secret, the nonce, and the 21-byte protected packet.
func TestChaCha20ShortHeaderRFC(t *testing.T) {
	for _, vec := range allVectors {
		t.Run(vec.version.String(), func(t *testing.T) {
			c := vec.chacha
			p, _ := paramsFor(vec.version)
			secret := unhex(t, c.secret)
			checkLabel(t, "key", secret, p.labelKey, 32, c.key)
			checkLabel(t, "iv", secret, p.labelIV, 12, c.iv)
			checkLabel(t, "hp", secret, p.labelHP, 32, c.hp)
			ku, err := NextSecret(ChaCha20Poly1305, vec.version, secret)
			if err != nil || !bytes.Equal(ku, unhex(t, c.ku)) {
				t.Errorf("NextSecret = %x, %v; want %s", ku, err, c.ku)
			}

			k, err := NewKeys(ChaCha20Poly1305, vec.version, secret)
			if err != nil {
				t.Fatal(err)
			}
			k.Packet.setNonce(chachaPN)
			if !bytes.Equal(k.Packet.nonce[:], unhex(t, c.nonce)) {
				t.Errorf("nonce = %x", k.Packet.nonce)
			}
			k.Header.computeMask(unhex(t, c.sample))
			if !bytes.Equal(k.Header.mask[:5], unhex(t, c.mask)) {
				t.Errorf("mask = %x", k.Header.mask[:5])
			}
			header := unhex(t, c.header)
			sealed := k.Packet.Seal(append(append([]byte{}, header...), unhex(t, c.plaintext)...), len(header), chachaPN)
			if !bytes.Equal(sealed[len(header):], unhex(t, c.ciphertext)) {
				t.Errorf("ciphertext = %x", sealed[len(header):])
			}

			// The same packet through the 1-RTT key set of each side.
			var w, r OneRTTKeys
			if err := w.SetWriteSecret(ChaCha20Poly1305, vec.version, secret); err != nil {
				t.Fatal(err)
			}
			if err := r.SetReadSecret(ChaCha20Poly1305, vec.version, secret); err != nil {
				t.Fatal(err)
			}
			if err := w.SetReadSecret(ChaCha20Poly1305, vec.version, secret); err != nil {
				t.Fatal(err) // a key update needs the read side too
			}
			b, err := w.Protect(append(append([]byte{}, header...), unhex(t, c.plaintext)...), 1, chachaPN)
			if err != nil || !bytes.Equal(b, unhex(t, c.packet)) {
				t.Fatalf("Protect = %x, %v; want %s", b, err, c.packet)
			}
			first, pnLen, trunc, err := r.Unprotect(b, 1)
			if err != nil || first != header[0] || pnLen != 3 || trunc != 49140 {
				t.Fatalf("Unprotect = %#x, %d, %d, %v", first, pnLen, trunc, err)
			}
			pn := decodePacketNumber(chachaPN-1, trunc, pnLen)
			got, slot, err := r.Open(b, 1+pnLen, pn)
			if err != nil || slot != KeyCurrent || !bytes.Equal(got, unhex(t, c.plaintext)) {
				t.Errorf("Open = %x, %v, %v", got, slot, err)
			}

			// After a key update the packet is sealed with keys from ku, but
			// the header protection key does not change (RFC 9001, 6.1).
			next, err := NewKeys(ChaCha20Poly1305, vec.version, ku)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.InitiateKeyUpdate(); err != nil {
				t.Fatal(err)
			}
			upd := append(append([]byte{}, header...), unhex(t, c.plaintext)...)
			upd[0] |= keyPhaseBit
			want, _ := protect(&next.Packet, &k.Header, upd, 1, chachaPN+1)
			b, err = w.Protect(append(append([]byte{}, header...), unhex(t, c.plaintext)...), 1, chachaPN+1)
			if err != nil || !bytes.Equal(b, want) {
				t.Errorf("after update Protect = %x, %v; want %x", b, err, want)
			}
		})
	}
}
