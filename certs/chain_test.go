package certs

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"testing"
)

func TestGenerateChain(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		certs   int // leaf + intermediates
		keyPEM  string
		minDER  int // total DER of cert.pem
		randoms int
	}{
		{"default", Options{}, 1, "EC PRIVATE KEY", 0, 0},
		{"length 1 with extras", Options{ChainLength: 1, ExtraNames: []string{"localhost", "127.0.0.1", "::1"}}, 1, "EC PRIVATE KEY", 0, 0},
		{"length 2", Options{ChainLength: 2}, 2, "EC PRIVATE KEY", 0, 20},
		// The amplificationlimit case: the chain must far exceed 3x an
		// Initial (the runner wants at least 7500 bytes of Handshake
		// CRYPTO data).
		{"length 9", Options{ChainLength: 9, ExtraNames: []string{"localhost"}}, 9, "EC PRIVATE KEY", 7500, 20},
		{"rsa pkcs8", Options{KeyType: RSA2048, ExtraNames: []string{"::1"}}, 1, "PRIVATE KEY", 0, 0},
		{"rsa pkcs1 length 3", Options{KeyType: RSA2048, PKCS1: true, ChainLength: 3}, 3, "RSA PRIVATE KEY", 0, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := GenerateChain(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(c.Certificate.Certificate); got != tt.certs || len(c.Intermediates) != tt.certs-1 {
				t.Fatalf("%d certificates and %d intermediates, want %d and %d", got, len(c.Intermediates), tt.certs, tt.certs-1)
			}
			total := 0
			for _, der := range c.Certificate.Certificate {
				total += len(der)
			}
			if total <= tt.minDER {
				t.Fatalf("chain is %d bytes of DER, want more than %d", total, tt.minDER)
			}
			if !c.Root.IsCA || c.Root.MaxPathLen != MaxChainLength || c.Root.CheckSignatureFrom(c.Root) != nil {
				t.Fatalf("root: CA %v, path length %d", c.Root.IsCA, c.Root.MaxPathLen)
			}
			for i, ic := range c.Intermediates {
				if !ic.IsCA || ic.KeyUsage&x509.KeyUsageCertSign == 0 {
					t.Fatalf("intermediate %d lacks CA extensions", i)
				}
			}
			if c.Leaf.IsCA {
				t.Fatal("leaf is a CA")
			}
			checkRandomNames(t, c.Leaf, tt.randoms)

			// The chain verifies against the root for every name.
			inter := x509.NewCertPool()
			for _, ic := range c.Intermediates {
				inter.AddCert(ic)
			}
			names := append(ServerNames(), tt.opts.ExtraNames...)
			for _, name := range names {
				if _, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: c.RootPool(), Intermediates: inter}); err != nil {
					t.Errorf("verify for %q: %v", name, err)
				}
			}
			if _, err := c.Leaf.Verify(x509.VerifyOptions{DNSName: "client", Roots: c.RootPool(), Intermediates: inter}); err == nil {
				t.Error("verified for a name the leaf does not carry")
			}

			// cert.pem is the leaf, then the intermediates toward the root.
			rest := c.CertPEM
			for i, der := range c.Certificate.Certificate {
				var b *pem.Block
				b, rest = pem.Decode(rest)
				if b == nil || b.Type != "CERTIFICATE" || string(b.Bytes) != string(der) {
					t.Fatalf("cert.pem block %d does not match the chain", i)
				}
				if i > 0 {
					issuer := c.Intermediates[i-1]
					child, _ := x509.ParseCertificate(c.Certificate.Certificate[i-1])
					if err := child.CheckSignatureFrom(issuer); err != nil {
						t.Fatalf("certificate %d not signed by the next: %v", i-1, err)
					}
				}
			}
			if len(rest) != 0 {
				t.Fatal("cert.pem has trailing data")
			}
			if last := c.Intermediates; len(last) > 0 {
				if err := last[len(last)-1].CheckSignatureFrom(c.Root); err != nil {
					t.Fatalf("top intermediate not signed by the root: %v", err)
				}
			}
			if b, _ := pem.Decode(c.KeyPEM); b == nil || b.Type != tt.keyPEM {
				t.Fatalf("priv.key is not a %q block", tt.keyPEM)
			}
			switch tt.opts.KeyType {
			case ECDSAP256:
				if _, ok := c.Certificate.PrivateKey.(*ecdsa.PrivateKey); !ok {
					t.Fatalf("leaf key is %T", c.Certificate.PrivateKey)
				}
			case RSA2048:
				if k, ok := c.Certificate.PrivateKey.(*rsa.PrivateKey); !ok || k.N.BitLen() != 2048 {
					t.Fatalf("leaf key is %T, want RSA-2048", c.Certificate.PrivateKey)
				}
			}

			// The written files load as a key pair and serve a handshake
			// that a client trusting ca.pem accepts.
			dir := t.TempDir()
			if err := c.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			pair, err := tls.LoadX509KeyPair(filepath.Join(dir, CertFile), filepath.Join(dir, KeyFile))
			if err != nil {
				t.Fatal(err)
			}
			if len(pair.Certificate) != tt.certs {
				t.Fatalf("loaded %d certificates, want %d", len(pair.Certificate), tt.certs)
			}
			if fi, err := os.Stat(filepath.Join(dir, KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
				t.Fatalf("priv.key mode %v, %v", fi.Mode(), err)
			}
			caPEM, err := os.ReadFile(filepath.Join(dir, CAFile))
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(caPEM) {
				t.Fatal("ca.pem holds no certificate")
			}
			handshake(t, pair, roots, "server4")
		})
	}
}

func checkRandomNames(t *testing.T, leaf *x509.Certificate, want int) {
	t.Helper()
	long := 0
	for _, name := range leaf.DNSNames {
		if len(name) == randomNameLen {
			long++
		}
	}
	if long != want {
		t.Fatalf("%d names of %d characters, want %d", long, randomNameLen, want)
	}
}

// handshake runs a TLS 1.3 handshake over a pipe with the server using
// cert and the client trusting roots for serverName.
func handshake(t *testing.T, cert tls.Certificate, roots *x509.CertPool, serverName string) {
	t.Helper()
	cc, sc := net.Pipe()
	defer cc.Close()
	server := tls.Server(sc, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13})
	done := make(chan error, 1)
	go func() {
		done <- server.Handshake()
		sc.Close()
	}()
	client := tls.Client(cc, &tls.Config{RootCAs: roots, ServerName: serverName, MinVersion: tls.VersionTLS13})
	if err := client.Handshake(); err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
}

func TestGenerateChainRejectsBadLength(t *testing.T) {
	for _, n := range []int{-1, MaxChainLength + 1} {
		if _, err := GenerateChain(Options{ChainLength: n}); err == nil {
			t.Errorf("chain length %d accepted", n)
		}
	}
	if _, err := GenerateChain(Options{KeyType: KeyType(7)}); err == nil {
		t.Error("unknown key type accepted")
	}
}

func TestSelfSigned(t *testing.T) {
	tests := []struct {
		hosts []string
		check []string
	}{
		{nil, []string{"localhost", "127.0.0.1", "::1"}},
		{[]string{"example.test", "192.0.2.1"}, []string{"example.test", "192.0.2.1"}},
	}
	for _, tt := range tests {
		cert, err := SelfSigned(tt.hosts...)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(cert.Leaf)
		for _, h := range tt.check {
			if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: roots}); err != nil {
				t.Errorf("hosts %v: verify %q: %v", tt.hosts, h, err)
			}
		}
		handshake(t, cert, roots, tt.check[0])
	}
}

func TestRandomDNSName(t *testing.T) {
	name, err := randomDNSName(randomNameLen)
	if err != nil {
		t.Fatal(err)
	}
	if len(name) != randomNameLen {
		t.Fatalf("length %d", len(name))
	}
	label := 0
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '.':
			if label == 0 {
				t.Fatalf("empty label in %q", name)
			}
			label = 0
		case c >= 'a' && c <= 'z':
			label++
			if label > 63 {
				t.Fatalf("label longer than 63 in %q", name)
			}
		default:
			t.Fatalf("character %q in %q", c, name)
		}
	}
}
