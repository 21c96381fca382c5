package token

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

type seededReader struct{ r *rand.ChaCha8 }

func (s seededReader) Read(p []byte) (int, error) { return s.r.Read(p) }

func newTestProtector(keyByte byte) *Protector {
	var key [32]byte
	key[0] = keyByte
	return NewProtector(key, seededReader{rand.NewChaCha8([32]byte{9})})
}

func TestTokenRoundTripAndBinding(t *testing.T) {
	p := newTestProtector(1)
	issued := time.Unix(1_800_000_000, 0)
	client := netip.MustParseAddrPort("192.0.2.7:4433")
	retry := Token{Kind: KindRetry, Issued: issued,
		OriginalDCID: protocol.NewConnectionID([]byte{1, 2, 3, 4, 5, 6, 7, 8}),
		RetrySCID:    protocol.NewConnectionID([]byte{9, 9, 9, 9})}
	newTok := Token{Kind: KindNewToken, Issued: issued}

	tests := []struct {
		name   string
		tok    Token
		from   netip.AddrPort
		at     time.Time
		maxAge time.Duration
		other  bool // opened with another key
		ok     bool
	}{
		{"retry same address", retry, client, issued.Add(time.Second), 10 * time.Second, false, true},
		{"retry other port", retry, netip.MustParseAddrPort("192.0.2.7:4434"), issued, 10 * time.Second, false, false},
		{"retry other IP", retry, netip.MustParseAddrPort("192.0.2.8:4433"), issued, 10 * time.Second, false, false},
		{"retry expired", retry, client, issued.Add(11 * time.Second), 10 * time.Second, false, false},
		{"issued in the future", retry, client, issued.Add(-time.Minute), 10 * time.Second, false, false},
		{"new token other port", newTok, netip.MustParseAddrPort("192.0.2.7:9999"), issued.Add(time.Hour), 24 * time.Hour, false, true},
		{"new token v4-mapped", newTok, netip.MustParseAddrPort("[::ffff:192.0.2.7]:1"), issued, time.Hour, false, true},
		{"new token other IP", newTok, netip.MustParseAddrPort("192.0.2.9:4433"), issued, time.Hour, false, false},
		{"other key", retry, client, issued, 10 * time.Second, true, false},
	}
	for _, tt := range tests {
		sealed, err := p.Seal(nil, tt.tok, client)
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed) > MaxLen {
			t.Fatalf("%s: sealed %d bytes > MaxLen %d", tt.name, len(sealed), MaxLen)
		}
		opener := p
		if tt.other {
			opener = newTestProtector(2)
		}
		got, ok := opener.Open(sealed, tt.from, tt.at, tt.maxAge)
		if ok != tt.ok {
			t.Errorf("%s: ok = %v, want %v", tt.name, ok, tt.ok)
			continue
		}
		if ok && (got.Kind != tt.tok.Kind || !got.Issued.Equal(tt.tok.Issued) ||
			got.OriginalDCID != tt.tok.OriginalDCID || got.RetrySCID != tt.tok.RetrySCID) {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.tok)
		}
	}
}

func TestTokenSurvivesRestartWithSameKey(t *testing.T) {
	client := netip.MustParseAddrPort("[2001:db8::1]:443")
	now := time.Unix(1_800_000_000, 0)
	sealed, _ := newTestProtector(7).Seal(nil, Token{Kind: KindNewToken, Issued: now}, client)
	if _, ok := newTestProtector(7).Open(sealed, client, now, time.Hour); !ok {
		t.Error("token from a previous process with the same key rejected")
	}
}

func TestTokenTampering(t *testing.T) {
	p := newTestProtector(1)
	client := netip.MustParseAddrPort("192.0.2.7:4433")
	now := time.Unix(1_800_000_000, 0)
	sealed, _ := p.Seal(nil, Token{Kind: KindRetry, Issued: now}, client)
	for i := range sealed {
		b := bytes.Clone(sealed)
		b[i] ^= 0x40
		if _, ok := p.Open(b, client, now, time.Minute); ok {
			t.Errorf("token with byte %d flipped accepted", i)
		}
	}
	for i := range sealed {
		if _, ok := p.Open(sealed[:i], client, now, time.Minute); ok {
			t.Errorf("token truncated to %d bytes accepted", i)
		}
	}
}

func FuzzTokenOpen(f *testing.F) {
	p := newTestProtector(1)
	client := netip.MustParseAddrPort("192.0.2.7:4433")
	now := time.Unix(1_800_000_000, 0)
	good, _ := p.Seal(nil, Token{Kind: KindRetry, Issued: now, OriginalDCID: protocol.NewConnectionID([]byte{1, 2})}, client)
	f.Add(good)
	f.Add([]byte{1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		tok, ok := p.Open(b, client, now, time.Minute)
		if ok && tok.OriginalDCID.Len() > protocol.MaxConnIDLen {
			t.Fatal("impossible connection ID")
		}
	})
}

func TestStatelessResetToken(t *testing.T) {
	k1, k2 := [32]byte{1}, [32]byte{2}
	a := StatelessResetToken(&k1, []byte{1, 2, 3})
	if a != StatelessResetToken(&k1, []byte{1, 2, 3}) {
		t.Error("token not deterministic for one key and ID")
	}
	if a == StatelessResetToken(&k2, []byte{1, 2, 3}) || a == StatelessResetToken(&k1, []byte{1, 2, 4}) {
		t.Error("token does not depend on key and ID")
	}
}

// TestResetTokensReused checks that one generator, used for many IDs,
// gives each the token a fresh one gives, and that the derivation is the
// HMAC a server restarted with the same key (and an older quicr) computes.
func TestResetTokensReused(t *testing.T) {
	key := [32]byte{7, 7, 7}
	g := NewResetTokens(&key)
	for _, cid := range [][]byte{{1, 2, 3, 4, 5, 6, 7, 8}, {}, {9}, {1, 2, 3, 4, 5, 6, 7, 8}, make([]byte, 20), bytes.Repeat([]byte{3}, 255)} {
		mac := hmac.New(sha256.New, key[:])
		mac.Write([]byte("quicr stateless reset"))
		mac.Write(cid)
		want := [16]byte(mac.Sum(nil)[:16])
		if got := g.Token(cid); got != want {
			t.Errorf("Token(%x) = %x, want %x", cid, got, want)
		}
		if got := StatelessResetToken(&key, cid); got != want {
			t.Errorf("StatelessResetToken(%x) = %x, want %x", cid, got, want)
		}
	}
}

func BenchmarkTokenSealOpen(b *testing.B) {
	p := newTestProtector(1)
	client := netip.MustParseAddrPort("192.0.2.7:4433")
	now := time.Unix(1_800_000_000, 0)
	tok := Token{Kind: KindRetry, Issued: now, OriginalDCID: protocol.NewConnectionID(make([]byte, 8))}
	buf := make([]byte, 0, MaxLen)
	b.ReportAllocs()
	for b.Loop() {
		sealed, _ := p.Seal(buf[:0], tok, client)
		if _, ok := p.Open(sealed, client, now, time.Minute); !ok {
			b.Fatal("open failed")
		}
	}
}
