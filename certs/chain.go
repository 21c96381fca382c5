package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"time"
)

// Chain is a generated certificate chain.
type Chain struct {
	// Certificate is the leaf and intermediates (root excluded) with the
	// leaf key, ready for tls.Config.Certificates.
	Certificate tls.Certificate
	// Root is the self-signed CA the chain verifies against.
	Root *x509.Certificate
	// Leaf is the end-entity certificate; Intermediates run from the
	// leaf's issuer up to the one the root signed.
	Leaf          *x509.Certificate
	Intermediates []*x509.Certificate

	// CertPEM is cert.pem: the leaf, then the intermediates toward the
	// root. KeyPEM is priv.key, the leaf key. CAPEM is ca.pem, the root.
	CertPEM, KeyPEM, CAPEM []byte
}

// File names WriteDir uses, as the interop runner mounts them in /certs.
const (
	CertFile = "cert.pem"
	KeyFile  = "priv.key"
	CAFile   = "ca.pem"
)

// randomNames is how many random DNS names a leaf of a chain longer than
// one carries, and randomNameLen their length (certs.sh).
const (
	randomNames   = 20
	randomNameLen = 250
)

// GenerateChain makes a root CA and opts.ChainLength certificates below
// it, each signed by the one before, the last being the leaf.
func GenerateChain(opts Options) (*Chain, error) {
	n := opts.ChainLength
	if n == 0 {
		n = 1
	}
	if n < 1 || n > MaxChainLength {
		return nil, fmt.Errorf("certs: chain length %d not in [1, %d]", n, MaxChainLength)
	}
	validity := opts.Validity
	if validity == 0 {
		validity = DefaultValidity
	}
	// Backdate a little so that a peer with a slow clock accepts it.
	notBefore := time.Now().Add(-time.Hour).Truncate(time.Second)
	notAfter := notBefore.Add(time.Hour + validity)

	rootKey, err := newKey(ECDSAP256)
	if err != nil {
		return nil, err
	}
	rootTmpl := caTemplate("interop runner Root Certificate Authority", notBefore, notAfter)
	rootTmpl.MaxPathLen = MaxChainLength
	root, err := sign(rootTmpl, rootKey, rootTmpl, rootKey)
	if err != nil {
		return nil, err
	}

	parent, parentKey := root, rootKey
	var issued []*x509.Certificate // in signing order: first intermediate ... leaf
	for i := 1; i < n; i++ {
		key, err := newKey(ECDSAP256)
		if err != nil {
			return nil, err
		}
		tmpl := caTemplate(fmt.Sprintf("interop runner intermediate %d", i), notBefore, notAfter)
		cert, err := sign(tmpl, key, parent, parentKey)
		if err != nil {
			return nil, err
		}
		issued = append(issued, cert)
		parent, parentKey = cert, key
	}

	leafKey, err := newKey(opts.KeyType)
	if err != nil {
		return nil, err
	}
	leafTmpl, err := leafTemplate(ServerNames(), opts.ExtraNames, n != 1, notBefore, notAfter)
	if err != nil {
		return nil, err
	}
	leaf, err := sign(leafTmpl, leafKey, parent, parentKey)
	if err != nil {
		return nil, err
	}

	c := &Chain{Root: root, Leaf: leaf}
	c.Certificate = tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: leafKey, Leaf: leaf}
	c.CertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw})
	for i := len(issued) - 1; i >= 0; i-- {
		c.Intermediates = append(c.Intermediates, issued[i])
		c.Certificate.Certificate = append(c.Certificate.Certificate, issued[i].Raw)
		c.CertPEM = append(c.CertPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: issued[i].Raw})...)
	}
	c.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw})
	if c.KeyPEM, err = marshalKey(leafKey, opts.PKCS1); err != nil {
		return nil, err
	}
	return c, nil
}

// RootPool returns a pool holding the root, for a client's RootCAs.
func (c *Chain) RootPool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(c.Root)
	return pool
}

// WriteDir writes cert.pem, priv.key (readable by the owner only) and
// ca.pem into dir, creating it if needed.
func (c *Chain) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{CertFile, c.CertPEM, 0o644},
		{KeyFile, c.KeyPEM, 0o600},
		{CAFile, c.CAPEM, 0o644},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, f.perm); err != nil {
			return err
		}
	}
	return nil
}

// SelfSigned makes a self-signed ECDSA P-256 certificate for hosts (IP
// addresses become IP SANs), for a server run without a CA; with no hosts
// it covers localhost, 127.0.0.1 and ::1.
func SelfSigned(hosts ...string) (tls.Certificate, error) {
	if len(hosts) == 0 {
		hosts = []string{"localhost", "127.0.0.1", "::1"}
	}
	key, err := newKey(ECDSAP256)
	if err != nil {
		return tls.Certificate{}, err
	}
	notBefore := time.Now().Add(-time.Hour).Truncate(time.Second)
	tmpl, err := leafTemplate(nil, hosts, false, notBefore, notBefore.Add(time.Hour+DefaultValidity))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl.Subject = pkix.Name{Organization: []string{"quicr self-signed"}}
	cert, err := sign(tmpl, key, tmpl, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}, nil
}

func newKey(t KeyType) (crypto.Signer, error) {
	switch t {
	case ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	}
	return nil, fmt.Errorf("certs: unknown key type %d", int(t))
}

// marshalKey encodes the leaf key as certs.sh and common tools do.
func marshalKey(key crypto.Signer, pkcs1 bool) ([]byte, error) {
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
	case *rsa.PrivateKey:
		if pkcs1 {
			return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

func caTemplate(org string, notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{Organization: []string{org}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

// leafTemplate lists names, then extra, as SANs, and with random the
// twenty long random DNS names of certs.sh.
func leafTemplate(names, extra []string, random bool, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{Organization: []string{"interop runner leaf"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	tmpl.DNSNames = append(tmpl.DNSNames, names...)
	for _, h := range extra {
		if ip, err := netip.ParseAddr(h); err == nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, net.IP(ip.AsSlice()))
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	if random {
		for range randomNames {
			name, err := randomDNSName(randomNameLen)
			if err != nil {
				return nil, err
			}
			tmpl.DNSNames = append(tmpl.DNSNames, name)
		}
	}
	return tmpl, nil
}

// randomDNSName makes a name of n lowercase letters split into labels of
// at most 63 characters, so that it stays a valid DNS name.
func randomDNSName(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		if i%64 == 63 {
			b[i] = '.'
		} else {
			b[i] = 'a' + b[i]%26
		}
	}
	return string(b), nil
}

// sign creates tmpl's certificate for key, signed by parent's key.
func sign(tmpl *x509.Certificate, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, error) {
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
