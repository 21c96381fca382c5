package protect

import (
	"fmt"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// Keys protect the packets of one direction at an encryption level whose
// keys never change: Initial, 0-RTT and Handshake. 1-RTT packets use
// OneRTTKeys, which add key update.
type Keys struct {
	Packet PacketKey       // AEAD key and IV
	Header HeaderProtector // header protection key
}

// NewKeys derives packet and header protection keys from a traffic secret
// that crypto/tls (or InitialSecrets) produced for suite s.
func NewKeys(s Suite, v protocol.Version, secret []byte) (*Keys, error) {
	k := new(Keys)
	if _, _, err := deriveKeys(s, v, secret, &k.Packet, &k.Header); err != nil {
		return nil, err
	}
	return k, nil
}

// deriveKeys checks a suite, version and traffic secret and initialises
// pk and hp (either may be nil) from the secret. It returns the secret's
// expander and the version's labels for what else the caller derives
// (the next key phase's secret).
func deriveKeys(s Suite, v protocol.Version, secret []byte, pk *PacketKey, hp *HeaderProtector) (labelExpander, versionParams, error) {
	p, err := checkSecret(s, v, secret)
	if err != nil {
		return labelExpander{}, p, err
	}
	x := newLabelExpander(s.Hash(), secret)
	if pk != nil {
		if err := pk.initFrom(s, p, &x); err != nil {
			return x, p, err
		}
	}
	if hp != nil {
		if err := hp.initFrom(s, p, &x); err != nil {
			return x, p, err
		}
	}
	return x, p, nil
}

// checkSecret checks a suite, version and traffic secret before keys are
// derived from them, and returns the version's labels.
func checkSecret(s Suite, v protocol.Version, secret []byte) (versionParams, error) {
	if err := s.check(); err != nil {
		return versionParams{}, err
	}
	p, err := paramsFor(v)
	if err != nil {
		return versionParams{}, err
	}
	if len(secret) != s.Hash().Size() {
		return versionParams{}, fmt.Errorf("protect: %d-byte secret for %v", len(secret), s)
	}
	return p, nil
}

// Protect seals a packet and then protects its header (RFC 9001, 5.3 and
// 5.4). b holds the unprotected header, whose Packet Number field starts at
// pnOffset and is as long as the first byte says, followed by the
// plaintext payload. It returns b extended by the tag, without allocating
// when cap(b) >= len(b)+TagLen. The payload must be long enough for the
// sample: at least 4 bytes counting the packet number (RFC 9001, 5.4.2).
func (k *Keys) Protect(b []byte, pnOffset int, pn uint64) ([]byte, error) {
	return protect(&k.Packet, &k.Header, b, pnOffset, pn)
}

func protect(pk *PacketKey, hp *HeaderProtector, b []byte, pnOffset int, pn uint64) ([]byte, error) {
	if pnOffset < 1 || len(b) < pnOffset+4 {
		return b, ErrShortPacket
	}
	hdrLen := pnOffset + int(b[0]&0x03) + 1
	b = pk.Seal(b, hdrLen, pn)
	// The tag guarantees the sample: len(b) >= pnOffset+4+SampleLen.
	return b, hp.Apply(b, pnOffset)
}

// Unprotect removes header protection in place and returns the unmasked
// first byte, the packet number length and the truncated packet number.
// The caller then recovers the full packet number (RFC 9000, A.3) and
// calls Open with hdrLen = pnOffset+pnLen.
func (k *Keys) Unprotect(b []byte, pnOffset int) (first byte, pnLen int, truncatedPN uint64, err error) {
	return k.Header.Remove(b, pnOffset)
}

// Open authenticates and decrypts the payload in place; see PacketKey.Open.
func (k *Keys) Open(b []byte, hdrLen int, pn uint64) ([]byte, error) {
	return k.Packet.Open(b, hdrLen, pn)
}
