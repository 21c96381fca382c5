package core

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	mrand "math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// seededRand is a deterministic io.Reader for TLS and keys.
type seededRand struct{ r *mrand.ChaCha8 }

func (s seededRand) Read(p []byte) (int, error) { return s.r.Read(p) }

func newRand(seed uint64) io.Reader {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	return seededRand{mrand.NewChaCha8(s)}
}

// testCert makes a self-signed ECDSA certificate for "localhost".
func testCert(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), newRand(99))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Unix(0, 0),
		NotAfter:     time.Unix(4_000_000_000, 0),
	}
	der, err := x509.CreateCertificate(newRand(98), tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func testConfig(t testing.TB, server bool, seed uint64) *Config {
	tc := &tls.Config{
		NextProtos: []string{"test"},
		Rand:       newRand(seed),
		Time:       func() time.Time { return time.Unix(1_800_000_000, 0) },
		MinVersion: tls.VersionTLS13,
	}
	if server {
		tc.Certificates = []tls.Certificate{testCert(t)}
	} else {
		tc.InsecureSkipVerify = true
		tc.ServerName = "localhost"
	}
	return &Config{
		TLS:                   tc,
		Versions:              []protocol.Version{protocol.Version1, protocol.Version2},
		HandshakeTimeout:      10 * time.Second,
		MaxIdleTimeout:        30 * time.Second,
		InitialStreamWindow:   512 << 10,
		MaxStreamWindow:       6 << 20,
		InitialConnWindow:     768 << 10,
		MaxConnWindow:         15 << 20,
		MaxIncomingBidi:       100,
		MaxIncomingUni:        100,
		SendBufferSize:        1 << 20,
		InitialRTT:            333 * time.Millisecond,
		MaxUDPPayloadSize:     1452,
		MaxDatagramQueue:      32,
		ConnIDLen:             8,
		AckElicitingThreshold: 2,
		MaxAckDelay:           25 * time.Millisecond,
	}
}

// simReply is a stateless reply waiting to be sent.
type simReply struct {
	to netip.AddrPort
	b  []byte
}

// simEP drives a core Endpoint and its connections on a simnet network.
type simEP struct {
	t        testing.TB
	ep       *Endpoint
	conns    []*Conn
	replies  []simReply
	reply    []byte
	accepted []*Conn
	opened   map[*Conn][]streams.ID
	closed   map[*Conn]error
	done     map[*Conn]bool
}

func newSimEP(t testing.TB, server bool, seed uint64, mod func(*EndpointConfig)) *simEP {
	cfg := EndpointConfig{
		Conn:      testConfig(t, server, seed),
		Server:    server,
		ResetKey:  [32]byte{byte(seed), 1},
		TokenKey:  [32]byte{byte(seed), 2},
		Seed:      [32]byte{byte(seed), 3},
		WallClock: func() time.Time { return time.Unix(1_800_000_000, 0) },
	}
	if mod != nil {
		mod(&cfg)
	}
	return &simEP{
		t: t, ep: NewEndpoint(cfg), reply: make([]byte, 1500),
		opened: map[*Conn][]streams.ID{}, closed: map[*Conn]error{}, done: map[*Conn]bool{},
	}
}

func (s *simEP) dial(now protocol.Time, remote netip.AddrPort) *Conn {
	c, err := s.ep.Dial(now, nil, remote, netip.AddrPort{}, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	s.conns = append(s.conns, c)
	return c
}

func (s *simEP) HandleDatagram(now protocol.Time, d simnet.Datagram) {
	dg := Datagram{Remote: d.From, Local: d.To, ECN: recovery.ECN(d.ECN), Data: d.Data}
	r := s.ep.Route(now, dg, s.reply)
	switch r.Kind {
	case RouteConn:
		r.Conn.HandleDatagram(now, dg)
		s.events(r.Conn)
	case RouteNewConn:
		s.conns = append(s.conns, r.Conn)
		s.accepted = append(s.accepted, r.Conn)
		r.Conn.HandleDatagram(now, dg)
		s.events(r.Conn)
	case RouteReply:
		s.replies = append(s.replies, simReply{to: d.From, b: append([]byte(nil), r.Reply...)})
	}
}

func (s *simEP) events(c *Conn) {
	for {
		e, ok := c.PollEvent()
		if !ok {
			return
		}
		switch e.Kind {
		case EventConnIDIssued:
			s.ep.AddConnID(e.ConnID, c)
		case EventConnIDRetired:
			s.ep.RemoveConnID(e.ConnID)
		case EventResetToken:
			s.ep.AddResetToken(e.Data, c)
		case EventStreamOpened:
			s.opened[c] = append(s.opened[c], e.StreamID)
		case EventClosed:
			s.closed[c] = e.Err
		case EventHandshakeDone:
			s.ep.HandshakeDone(c)
		case EventDrained:
			s.done[c] = true
			s.ep.RemoveConn(c)
			for i, cc := range s.conns {
				if cc == c {
					s.conns = append(s.conns[:i], s.conns[i+1:]...)
					break
				}
			}
		}
	}
}

func (s *simEP) HandleTimeout(now protocol.Time) {
	for _, c := range append([]*Conn(nil), s.conns...) {
		if c.NextTimeout() <= now {
			c.HandleTimeout(now)
			s.events(c)
		}
	}
}

func (s *simEP) PollTransmit(now protocol.Time, buf []byte) (simnet.Datagram, bool) {
	if len(s.replies) > 0 {
		r := s.replies[0]
		s.replies = s.replies[1:]
		return simnet.Datagram{To: r.to, Data: r.b}, true
	}
	for _, c := range s.conns {
		t, ok := c.PollTransmit(now, buf, 1)
		s.events(c)
		if ok {
			return simnet.Datagram{To: t.Remote, ECN: uint8(t.ECN), Data: buf[:t.Size]}, true
		}
	}
	return simnet.Datagram{}, false
}

func (s *simEP) NextTimeout() protocol.Time {
	t := protocol.Never
	for _, c := range s.conns {
		t = min(t, c.NextTimeout())
	}
	return t
}

// newSimPair sets up a client and a server endpoint on a simulated link and
// dials once.
func newSimPair(t testing.TB, seed uint64, link simnet.LinkConfig) (*simnet.Pair, *simEP, *simEP, *Conn) {
	cl := newSimEP(t, false, seed, nil)
	sv := newSimEP(t, true, seed+1000, nil)
	p := simnet.NewPair(seed, link, cl, sv)
	c := cl.dial(p.Now(), p.Server.Addr())
	return p, cl, sv, c
}

func TestSimHandshake(t *testing.T) {
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	err := p.RunUntil(func() bool {
		return c.HandshakeComplete() && len(sv.accepted) == 1 && sv.accepted[0].handshakeConfirmed && c.handshakeConfirmed
	}, 5*time.Second)
	if err != nil {
		t.Fatalf("handshake: %v (client err %v)", err, c.Err())
	}
	t.Logf("handshake confirmed at %v, client %+v", time.Duration(p.Now()), c.Stats())
	if got := c.TLSState().NegotiatedProtocol; got != "test" {
		t.Errorf("ALPN %q", got)
	}
}
