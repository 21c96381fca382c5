package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// clientTLS builds the TLS configuration every connection starts from; a
// shared session cache lets later connections resume.
func clientTLS(o *options, tickets *ticketCache) (*tls.Config, func(), error) {
	conf := &tls.Config{
		NextProtos:         []string{o.alpn},
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: o.insecure,
		ClientSessionCache: tickets,
	}
	if o.caFile != "" {
		pem, err := os.ReadFile(o.caFile)
		if err != nil {
			return nil, nil, err
		}
		conf.RootCAs = x509.NewCertPool()
		if !conf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("%s: no PEM certificate found", o.caFile)
		}
	}
	closeKeyLog := func() {}
	if o.keylog != "" {
		if err := os.MkdirAll(filepath.Dir(o.keylog), 0o755); err != nil {
			return nil, nil, fmt.Errorf("key log: %w", err)
		}
		f, err := os.OpenFile(o.keylog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("key log: %w", err)
		}
		conf.KeyLogWriter = &syncWriter{w: f}
		closeKeyLog = func() { f.Close() }
	}
	return conf, closeKeyLog, nil
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

// ticketCache is a client session cache that signals each stored session
// ticket, so that the resumption pattern can wait for one before closing
// the first connection.
type ticketCache struct {
	tls.ClientSessionCache
	stored chan struct{} // receives a value (without blocking) per ticket
}

func newTicketCache() *ticketCache {
	return &ticketCache{ClientSessionCache: tls.NewLRUClientSessionCache(16), stored: make(chan struct{}, 1)}
}

// Put stores a ticket and signals it; crypto/tls calls Put with nil to
// forget one.
func (c *ticketCache) Put(key string, cs *tls.ClientSessionState) {
	c.ClientSessionCache.Put(key, cs)
	if cs != nil {
		select {
		case c.stored <- struct{}{}:
		default:
		}
	}
}
