package certs

import "time"

// KeyType selects the leaf's key algorithm.
type KeyType int

const (
	// ECDSAP256 is an ECDSA key on NIST P-256, as the interop runner uses.
	ECDSAP256 KeyType = iota
	// RSA2048 is a 2048-bit RSA key.
	RSA2048
)

// String names the algorithm, e.g. "ECDSA P-256".
func (k KeyType) String() string {
	switch k {
	case ECDSAP256:
		return "ECDSA P-256"
	case RSA2048:
		return "RSA-2048"
	}
	return "unknown key type"
}

// ServerNames returns the leaf's DNS names in the interop runner's
// network.
func ServerNames() []string { return []string{"server", "server4", "server6", "server46"} }

// DefaultValidity is how long generated certificates are valid, as in
// certs.sh.
const DefaultValidity = 10 * 24 * time.Hour

// MaxChainLength is the longest chain GenerateChain makes; the root's path
// length constraint is 100, as in certs.sh.
const MaxChainLength = 100

// Options configures GenerateChain. The zero value gives the interop
// runner's default: a root and a P-256 leaf for ServerNames.
type Options struct {
	// ChainLength is the number of certificates below the root: 1 is the
	// leaf alone, n adds n-1 intermediates. 0 means 1.
	ChainLength int
	// KeyType is the leaf's key type. The root and intermediates always
	// use ECDSA P-256, as in certs.sh.
	KeyType KeyType
	// PKCS1 writes an RSA leaf key as PKCS #1 ("RSA PRIVATE KEY") instead
	// of PKCS #8 ("PRIVATE KEY"). ECDSA keys are always SEC 1 ("EC PRIVATE
	// KEY").
	PKCS1 bool
	// ExtraNames are leaf names added after those of ServerNames: IP
	// addresses as IP SANs, anything else as DNS names (e.g. "localhost",
	// "127.0.0.1", "::1").
	ExtraNames []string
	// Validity is how long the certificates are valid from now; 0 means
	// DefaultValidity.
	Validity time.Duration
}
