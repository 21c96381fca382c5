// Package token seals and opens address-validation tokens (RFC 9000, 8.1):
// the ones a server puts in Retry packets and in NEW_TOKEN frames. Tokens
// are AES-256-GCM sealed with a key the server may keep across restarts, so
// only it can make or read them (RFC 9000, 8.1.4), and carry the time they
// were issued and the client address they are bound to.
package token

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io"
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// Kind tells which of the two uses a token was made for.
type Kind uint8

// Token kinds.
const (
	KindRetry    Kind = 1 // from a Retry packet: short-lived, bound to IP and port
	KindNewToken Kind = 2 // from a NEW_TOKEN frame: longer-lived, bound to the IP
)

// Token is the content of an address-validation token.
type Token struct {
	Kind   Kind
	Issued time.Time // wall clock, second precision
	// For Retry tokens: the client's original Destination Connection ID and
	// the Source Connection ID of the Retry packet, which the server must
	// echo in its transport parameters (RFC 9000, 7.3).
	OriginalDCID protocol.ConnectionID
	RetrySCID    protocol.ConnectionID
}

const (
	formatVersion = 1
	nonceLen      = 12
	// MaxLen bounds the sealed size: header, nonce, issue time, two
	// connection IDs with lengths, tag.
	MaxLen = 2 + nonceLen + 8 + 2*(1+protocol.MaxConnIDLen) + 16
)

// Protector seals and opens tokens with one key.
type Protector struct {
	aead cipher.AEAD
	rand io.Reader
}

// NewProtector derives the token AEAD key from key. rand supplies nonces.
func NewProtector(key [32]byte, rand io.Reader) *Protector {
	// Derive rather than use the configured key directly, so the same
	// configured secret can key other things without key reuse.
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte("quicr token key"))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &Protector{aead: aead, rand: rand}
}

// bindAddr returns the additional data binding a token to a client address:
// IP and port for Retry tokens, the IP alone for NEW_TOKEN tokens, whose
// next use comes from a new port (RFC 9000, 8.1.3 and 8.1.4).
func bindAddr(b []byte, kind Kind, addr netip.AddrPort) []byte {
	b = append(b, byte(kind))
	ip := addr.Addr().Unmap().As16()
	b = append(b, ip[:]...)
	if kind == KindRetry {
		b = binary.BigEndian.AppendUint16(b, addr.Port())
	}
	return b
}

// Seal appends the sealed token for client address addr to b.
func (p *Protector) Seal(b []byte, t Token, addr netip.AddrPort) ([]byte, error) {
	start := len(b)
	b = append(b, formatVersion, byte(t.Kind))
	var nonce [nonceLen]byte
	if _, err := io.ReadFull(p.rand, nonce[:]); err != nil {
		return b[:start], err
	}
	b = append(b, nonce[:]...)
	var plain [8 + 2*(1+protocol.MaxConnIDLen)]byte
	pt := binary.BigEndian.AppendUint64(plain[:0], uint64(t.Issued.Unix()))
	pt = append(pt, byte(t.OriginalDCID.Len()))
	pt = append(pt, t.OriginalDCID.Bytes()...)
	pt = append(pt, byte(t.RetrySCID.Len()))
	pt = append(pt, t.RetrySCID.Bytes()...)
	var ad [1 + 16 + 2]byte
	return p.aead.Seal(b, nonce[:], pt, bindAddr(ad[:0], t.Kind, addr)), nil
}

// Open checks a token received from addr at now and returns its content.
// It reports false if the token was not made by this key for this address,
// or is older than maxAge, or was issued in the future (clock skew beyond a
// few seconds).
func (p *Protector) Open(sealed []byte, addr netip.AddrPort, now time.Time, maxAge time.Duration) (Token, bool) {
	var t Token
	if len(sealed) < 2+nonceLen+p.aead.Overhead() || len(sealed) > MaxLen || sealed[0] != formatVersion {
		return t, false
	}
	t.Kind = Kind(sealed[1])
	if t.Kind != KindRetry && t.Kind != KindNewToken {
		return t, false
	}
	var ad [1 + 16 + 2]byte
	var buf [8 + 2*(1+protocol.MaxConnIDLen)]byte
	pt, err := p.aead.Open(buf[:0], sealed[2:2+nonceLen], sealed[2+nonceLen:], bindAddr(ad[:0], t.Kind, addr))
	if err != nil || len(pt) < 8 {
		return t, false
	}
	t.Issued = time.Unix(int64(binary.BigEndian.Uint64(pt)), 0)
	pt = pt[8:]
	var ok bool
	if t.OriginalDCID, pt, ok = consumeConnID(pt); !ok {
		return t, false
	}
	if t.RetrySCID, pt, ok = consumeConnID(pt); !ok || len(pt) != 0 {
		return t, false
	}
	age := now.Sub(t.Issued)
	if age > maxAge || age < -5*time.Second {
		return t, false
	}
	return t, true
}

func consumeConnID(b []byte) (protocol.ConnectionID, []byte, bool) {
	if len(b) < 1 || int(b[0]) > protocol.MaxConnIDLen || len(b) < 1+int(b[0]) {
		return protocol.ConnectionID{}, nil, false
	}
	n := int(b[0])
	return protocol.NewConnectionID(b[1 : 1+n]), b[1+n:], true
}

// StatelessResetToken derives the stateless reset token for a connection ID
// from the endpoint's static key (RFC 9000, 10.3.2: "a static key ... and
// the connection ID"), so a restarted server with the same key can still
// reset its old connections.
func StatelessResetToken(key *[32]byte, cid []byte) [16]byte {
	return NewResetTokens(key).Token(cid)
}

// ResetTokens derives stateless reset tokens as StatelessResetToken does,
// with one keyed HMAC for all of them: an endpoint makes one per
// connection ID it issues. It is not safe for concurrent use.
type ResetTokens struct {
	mac hash.Hash
	// in and sum are scratch: on the stack they would escape through mac.
	in  [len(resetLabel) + 20]byte
	sum [sha256.Size]byte
}

// NewResetTokens returns a generator for key.
func NewResetTokens(key *[32]byte) *ResetTokens {
	return &ResetTokens{mac: hmac.New(sha256.New, key[:])}
}

// resetLabel prefixes the connection ID in the HMAC of a reset token.
const resetLabel = "quicr stateless reset"

// Token returns the stateless reset token for cid.
func (r *ResetTokens) Token(cid []byte) [16]byte {
	r.mac.Reset()
	n := copy(r.in[:], resetLabel)
	n += copy(r.in[n:], cid)
	r.mac.Write(r.in[:n])
	if len(cid) > len(r.in)-len(resetLabel) { // longer than any QUIC v1 connection ID
		r.mac.Write(cid[len(r.in)-len(resetLabel):])
	}
	var tok [16]byte
	copy(tok[:], r.mac.Sum(r.sum[:0]))
	return tok
}
