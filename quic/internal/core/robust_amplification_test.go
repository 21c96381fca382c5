package core

import (
	"crypto/tls"
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/certs"
	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/token"
)

// ampSpy wraps the server endpoint and counts the bytes it receives from
// and sends to the client while the client's address is not validated.
type ampSpy struct {
	*simEP
	t          testing.TB
	recv, sent int
	maxRatio   float64
}

func (a *ampSpy) unvalidated() bool {
	return len(a.accepted) == 0 || !a.accepted[0].path.validated
}

func (a *ampSpy) HandleDatagram(now protocol.Time, d simnet.Datagram) {
	if a.unvalidated() {
		a.recv += len(d.Data)
	}
	a.simEP.HandleDatagram(now, d)
}

func (a *ampSpy) PollTransmit(now protocol.Time, buf []byte) (simnet.Datagram, bool) {
	d, ok := a.simEP.PollTransmit(now, buf)
	if ok && a.unvalidated() {
		a.sent += len(d.Data)
		a.maxRatio = max(a.maxRatio, float64(a.sent)/float64(a.recv))
		// RFC 9000, 8.1: at most three times the bytes received.
		if a.sent > 3*a.recv {
			a.t.Errorf("server sent %d bytes to an unvalidated address that sent %d", a.sent, a.recv)
		}
	}
	return d, ok
}

// TestRobustAmplificationLimit counts what the server sends to the
// client's address before validating it (RFC 9000, 8.1), against what it
// received: never more than three times as much, with a small
// certificate, with a 9-certificate chain that does not fit in three
// times the client's Initial, with the client's datagrams 2 to 7 dropped,
// and with a client that falls silent after its first flight (two
// datagrams: the ClientHello with a post-quantum key share spans both).
func TestRobustAmplificationLimit(t *testing.T) {
	chain, err := certs.GenerateChain(certs.Options{ChainLength: 9})
	if err != nil {
		t.Fatal(err)
	}
	longChain := func(ec *EndpointConfig) { ec.Conn.TLS.Certificates = []tls.Certificate{chain.Certificate} }
	dropList := func(from, to int) []int {
		var l []int
		for i := from; i <= to; i++ {
			l = append(l, i)
		}
		return l
	}
	for _, tt := range []struct {
		name      string
		svMod     func(*EndpointConfig)
		drop      []int
		completes bool
		minRatio  float64 // the limit must have been reached, nearly
	}{
		{"self-signed certificate", nil, nil, true, 0},
		{"9-certificate chain", longChain, nil, true, 2.5},
		{"9-certificate chain, client datagrams 2-7 dropped", longChain, dropList(2, 7), true, 2.5},
		{"9-certificate chain, client silent after its first flight", longChain, dropList(3, 1000), false, 2.5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seed := simnet.TestSeed(t)
			cl := newSimEP(t, false, seed, nil)
			spy := &ampSpy{simEP: newSimEP(t, true, seed+1000, tt.svMod), t: t}
			p := simnet.NewPair(seed, simnet.SimpleP2P(), cl, spy)
			p.ToServer.Config.DropList = tt.drop
			c := cl.dial(p.Now(), p.Server.Addr())
			sv := spy.simEP
			done := func() bool {
				return confirmed(c, sv) || len(sv.accepted) > 0 && sv.accepted[0].Err() != nil
			}
			if err := p.RunUntil(done, 20*time.Second); err != nil {
				t.Fatalf("%v (client err %v)", err, c.Err())
			}
			t.Logf("before validation: received %d bytes, sent %d (max ratio %.2f); client link %+v", spy.recv, spy.sent, spy.maxRatio, p.ToServer.Stats())
			if got := confirmed(c, sv); got != tt.completes {
				t.Fatalf("handshake confirmed %v, want %v (server err %v)", got, tt.completes, sv.accepted[0].Err())
			}
			if spy.maxRatio < tt.minRatio {
				t.Errorf("ratio reached only %.2f: the test did not exercise the limit", spy.maxRatio)
			}
		})
	}
}

// TestRobustStatelessReset sends 300 short-header datagrams of varied
// sizes for unknown connection IDs at one instant. Every stateless reset
// is smaller than its trigger and at least 21 bytes (RFC 9000, 10.3 and
// 10.3.3), so none answers a datagram of 21 bytes or less; at most 100
// go out per second, and the budget comes back a second later.
func TestRobustStatelessReset(t *testing.T) {
	seed := simnet.TestSeed(t)
	sv := newSimEP(t, true, seed, nil)
	key := [32]byte{byte(seed), 1} // newSimEP's ResetKey
	from := netip.MustParseAddrPort("203.0.113.9:5000")
	send := func(now protocol.Time, i int) (Route, []byte) {
		size := 5 + (i*37)%1400
		d := randomData(size, uint64(i))
		d[0] = 0x40 | d[0]&0x3f // short header, fixed bit
		return sv.ep.Route(now, Datagram{Remote: from, Data: d}, sv.reply), d
	}
	var resets, small int
	for i := range 300 {
		r, d := send(0, i)
		if len(d) <= 21 {
			small++
		}
		if r.Kind != RouteReply {
			continue
		}
		resets++
		if len(d) <= 21 {
			t.Fatalf("stateless reset for a %d-byte datagram", len(d))
		}
		if len(r.Reply) >= len(d) || len(r.Reply) < 21 {
			t.Fatalf("stateless reset of %d bytes for a %d-byte datagram", len(r.Reply), len(d))
		}
		if packet.IsLongHeader(r.Reply[0]) || r.Reply[0]&0x40 == 0 {
			t.Fatalf("stateless reset first byte %#x is not a short header", r.Reply[0])
		}
		tok := token.StatelessResetToken(&key, d[1:9])
		if string(r.Reply[len(r.Reply)-16:]) != string(tok[:]) {
			t.Fatal("stateless reset does not end in the token of the connection ID")
		}
	}
	t.Logf("300 datagrams (%d of 21 bytes or less): %d stateless resets", small, resets)
	if resets != 100 {
		t.Errorf("%d stateless resets in one instant, want the budget of 100", resets)
	}
	if r, _ := send(protocol.Time(999*time.Millisecond), 1); r.Kind == RouteReply {
		t.Error("stateless reset before the budget refilled")
	}
	if r, _ := send(protocol.Time(time.Second), 1); r.Kind != RouteReply {
		t.Error("no stateless reset after the budget refilled")
	}
}

// TestRobustVersionNegotiationSize offers an unknown version in datagrams
// of several sizes: Version Negotiation answers only those of at least
// 1200 bytes (RFC 9000, 6.1 and 14.1), so it cannot amplify.
func TestRobustVersionNegotiationSize(t *testing.T) {
	sv := newSimEP(t, true, simnet.TestSeed(t), nil)
	for _, tt := range []struct {
		size    int
		version uint32
		reply   bool
	}{
		{50, 0x1a2a3a4a, false},
		{1199, 0x1a2a3a4a, false},
		{1200, 0x1a2a3a4a, true},
		{1452, 0x1a2a3a4a, true},
		{1200, 0, false}, // version 0 is Version Negotiation itself
	} {
		b := []byte{0xc0}
		b = binary.BigEndian.AppendUint32(b, tt.version)
		b = append(b, 8, 1, 2, 3, 4, 5, 6, 7, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9)
		b = append(b, make([]byte, tt.size-len(b))...)
		r := sv.ep.Route(0, Datagram{Remote: netip.MustParseAddrPort("203.0.113.9:5000"), Data: b}, sv.reply)
		if got := r.Kind == RouteReply; got != tt.reply {
			t.Errorf("%d bytes, version %#x: reply %v, want %v", tt.size, tt.version, got, tt.reply)
			continue
		}
		if tt.reply && (len(r.Reply) > tt.size || r.Reply[1]|r.Reply[2]|r.Reply[3]|r.Reply[4] != 0) {
			t.Errorf("%d bytes: reply of %d bytes is not a Version Negotiation packet", tt.size, len(r.Reply))
		}
	}
}
