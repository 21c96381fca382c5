package core

import (
	"bytes"
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// goClientHello returns the ClientHello a crypto/tls QUIC client sends,
// with or without a session cache.
func goClientHello(t testing.TB, cache bool) []byte {
	t.Helper()
	tc := &tls.Config{ServerName: "example.com", MinVersion: tls.VersionTLS13, NextProtos: []string{"hq-interop"}}
	if cache {
		tc.ClientSessionCache = tls.NewLRUClientSessionCache(1)
	}
	q := tls.QUICClient(&tls.QUICConfig{TLSConfig: tc})
	q.SetTransportParameters([]byte{})
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	for {
		e := q.NextEvent()
		switch e.Kind {
		case tls.QUICNoEvent:
			t.Fatal("no ClientHello")
		case tls.QUICWriteData:
			return bytes.Clone(e.Data)
		}
	}
}

// pskModesExt is the psk_key_exchange_modes extension listing psk_dhe_ke
// alone, as crypto/tls writes it.
var pskModesExt = []byte{0x00, 0x2d, 0x00, 0x02, 0x01, 0x01}

func TestClientHelloPSKModes(t *testing.T) {
	withCache, noCache := goClientHello(t, true), goClientHello(t, false)
	i := bytes.Index(withCache, pskModesExt)
	if i < 0 {
		t.Fatal("crypto/tls's ClientHello with a session cache has no psk_dhe_ke mode")
	}
	kemOnly := bytes.Clone(withCache)
	kemOnly[i+len(pskModesExt)-1] = 0 // psk_ke: no (EC)DHE on resumption
	badExtLen := bytes.Clone(withCache)
	badExtLen[i+3] = 0xff // the extension claims more than the message holds
	serverHello := bytes.Clone(noCache)
	serverHello[0] = 2
	tests := []struct {
		name       string
		msg        []byte
		dhe, known bool
	}{
		{"session cache", withCache, true, true},
		{"no session cache", noCache, false, true},
		{"trailing data", append(bytes.Clone(withCache), 1, 2, 3), true, true},
		{"psk_ke only", kemOnly, false, true},
		{"truncated", withCache[:len(withCache)-1], false, false},
		{"header only", withCache[:4], false, false},
		{"empty", nil, false, false},
		{"not a ClientHello", serverHello, false, false},
		{"extension overruns", badExtLen, false, false},
		{"no extensions", clientHelloWithBody(make([]byte, 2+32+1+2+2+1+1)), false, false},
		{"empty extensions", clientHelloWithBody(append(make([]byte, 2+32+1+2+2+1+1), 0, 0)), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dhe, known := clientHelloPSKModes(tt.msg)
			if dhe != tt.dhe || known != tt.known {
				t.Fatalf("clientHelloPSKModes = %v, %v; want %v, %v", dhe, known, tt.dhe, tt.known)
			}
		})
	}
}

// clientHelloWithBody frames body as a ClientHello message. The bodies the
// test builds have zero-length session ID and one-byte vectors where the
// cipher suites and compression methods go: lengths, not contents, matter.
func clientHelloWithBody(body []byte) []byte {
	// legacy_version, random, session_id<0>, cipher_suites<2>,
	// compression_methods<1> in the 2+32+1+2+2+1+1 bytes before the
	// extensions.
	body[2+32] = 0       // session ID length
	body[2+32+1+1] = 2   // cipher suites length (low byte)
	body[2+32+1+2+2] = 1 // compression methods length
	n := len(body)
	return append([]byte{tlsClientHello, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// TestTicketOnlyWhenResumable checks that the server sends a session ticket
// to a client that offers psk_dhe_ke (crypto/tls with a session cache)
// and none to one that does not (RFC 8446, 4.2.9), and that the first
// still resumes.
func TestTicketOnlyWhenResumable(t *testing.T) {
	for _, cache := range []bool{false, true} {
		t.Run(map[bool]string{false: "no cache", true: "cache"}[cache], func(t *testing.T) {
			var store tls.ClientSessionCache
			if cache {
				store = tls.NewLRUClientSessionCache(4)
			}
			mod := func(ec *EndpointConfig) { ec.Conn.TLS.ClientSessionCache = store }
			p, cl, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), mod, nil)
			s := establish(t, p, c, sv)
			if err := p.RunFor(time.Second); err != nil { // a ticket would arrive
				t.Fatal(err)
			}
			sent := s.spaces[protocol.SpaceAppData].cryptoSend.Written()
			if cache != (sent > 0) {
				t.Fatalf("with session cache %v the server sent %d bytes of 1-RTT CRYPTO data", cache, sent)
			}
			if !cache {
				return
			}
			c2 := cl.dial(p.Now(), p.Server.Addr())
			if err := p.RunUntil(func() bool { return c2.handshakeConfirmed }, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			if !c2.TLSState().DidResume {
				t.Fatal("the second connection did not resume with the ticket")
			}
		})
	}
}
