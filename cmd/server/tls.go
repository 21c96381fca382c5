package main

import (
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/quicr/quicr/certs"
)

// loadCertificate reads a PEM chain and key. tls.LoadX509KeyPair skips the
// "EC PARAMETERS" block that openssl ecparam puts before the runner's key.
func loadCertificate(certFile, keyFile string) (tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("loading %s and %s: %w", certFile, keyFile, err)
	}
	return cert, nil
}

// selfSigned makes a certificate for localhost, this host's name and the
// loopback addresses.
func selfSigned() (tls.Certificate, error) {
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	if h, err := os.Hostname(); err == nil && h != "" && h != "localhost" {
		hosts = append(hosts, h)
	}
	return certs.SelfSigned(hosts...)
}

// fingerprint is the SHA-256 of a certificate, as browsers show it.
func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// syncWriter serialises writes: the key log is shared by all connections.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// openKeyLog opens (appending) the NSS key log file, making its directory.
func openKeyLog(name string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
}
