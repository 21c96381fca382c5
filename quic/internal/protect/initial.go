package protect

import (
	"crypto"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// InitialSecrets derives the client and server Initial secrets from the
// Destination Connection ID of the client's first Initial packet (RFC 9001,
// 5.2; RFC 9369, 3.3.1). It returns nil secrets for an unknown version.
func InitialSecrets(version protocol.Version, dcid []byte) (client, server []byte) {
	p, err := paramsFor(version)
	if err != nil {
		return nil, nil
	}
	initial := hkdfExtract(crypto.SHA256, p.initialSalt[:], dcid)
	x := newLabelExpander(crypto.SHA256, initial)
	client = x.expand("client in", crypto.SHA256.Size())
	server = x.expand("server in", crypto.SHA256.Size())
	return client, server
}

// NewInitialKeys returns the Initial keys an endpoint seals its own packets
// with and opens its peer's with. Initial packets always use
// AEAD_AES_128_GCM (RFC 9001, 5.2).
func NewInitialKeys(version protocol.Version, dcid []byte, isServer bool) (seal, open *Keys, err error) {
	if _, err := paramsFor(version); err != nil {
		return nil, nil, err
	}
	own, peer := InitialSecrets(version, dcid)
	if isServer {
		own, peer = peer, own
	}
	if seal, err = NewKeys(AES128GCM, version, own); err != nil {
		return nil, nil, err
	}
	if open, err = NewKeys(AES128GCM, version, peer); err != nil {
		return nil, nil, err
	}
	return seal, open, nil
}
