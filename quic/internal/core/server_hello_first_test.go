package core

import (
	"crypto/tls"
	"net/netip"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestServerHelloFirst checks the order of a server's first flight
// (conn_server_flight.go). With a short certificate chain the datagrams
// carrying the ServerHello are handed out while TLS still waits for the
// transport parameters, before it signs and writes Finished; the Handshake
// packets follow, with the ServerHello's last bytes again in an Initial
// packet beside them. When the flight would not fit in the
// anti-amplification budget with the extra datagram, or a callback picks
// the certificate, TLS writes the whole flight before anything leaves.
// Every handshake completes.
func TestServerHelloFirst(t *testing.T) {
	long := longChain(t, 3, 200)
	if n := certChainLen(&tls.Config{Certificates: []tls.Certificate{long}}); n < 5000 {
		t.Fatalf("long chain of %d bytes, want over 5000", n)
	}
	tests := []struct {
		name      string
		mod       func(*EndpointConfig)
		wantSplit bool
	}{
		{"short chain", nil, true},
		{"long chain", func(ec *EndpointConfig) {
			ec.Conn.TLS.Certificates = []tls.Certificate{long}
		}, false},
		{"certificate callback", func(ec *EndpointConfig) {
			cert := ec.Conn.TLS.Certificates[0]
			ec.Conn.TLS.Certificates = nil
			ec.Conn.TLS.GetCertificate = func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &cert, nil }
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := simnet.TestSeed(t)
			cl, sv := newSimEP(t, false, seed, nil), newSimEP(t, true, seed, tt.mod)
			clAddr, svAddr := netip.MustParseAddrPort("192.0.2.1:4433"), netip.MustParseAddrPort("192.0.2.2:443")
			var now protocol.Time
			cl.dial(now, svAddr)
			for _, d := range drainTransmits(cl, now) {
				sv.HandleDatagram(now, simnet.Datagram{From: clAddr, To: svAddr, Data: d})
			}
			if len(sv.accepted) != 1 {
				t.Fatalf("server accepted %d connections, want 1", len(sv.accepted))
			}
			s := sv.accepted[0]
			if split := !s.oneRTT.CanSeal(); split != tt.wantSplit {
				t.Fatalf("TLS waits for the parameters after the ClientHello: %v, want %v", split, tt.wantSplit)
			}
			if tt.wantSplit {
				checkSplitFlight(t, sv, s, now)
			}
			p, _, sv2, c := newSimPairWith(t, seed, simnet.SimpleP2P(), nil, tt.mod)
			establish(t, p, c, sv2)
		})
	}
}

// checkSplitFlight polls the server's first flight datagram by datagram.
func checkSplitFlight(t *testing.T, sv *simEP, s *Conn, now protocol.Time) {
	t.Helper()
	buf := make([]byte, 1500)
	n, seenHandshake := 0, false
	for ; ; n++ {
		d, ok := sv.PollTransmit(now, buf)
		if !ok {
			break
		}
		var initial, handshake bool
		for _, h := range longHeaders(d.Data) {
			initial = initial || h.Type == protocol.PacketInitial
			handshake = handshake || h.Type == protocol.PacketHandshake
		}
		finished := s.oneRTT.CanSeal()
		switch {
		case handshake && !finished:
			t.Errorf("datagram %d: Handshake packets before TLS finished its flight", n)
		case handshake && !seenHandshake && !initial:
			t.Errorf("datagram %d: the first Handshake packets without the ServerHello's end again", n)
		case !handshake && initial && finished && !seenHandshake:
			t.Errorf("datagram %d: ServerHello handed out after TLS wrote Finished", n)
		}
		seenHandshake = seenHandshake || handshake
	}
	if !seenHandshake || s.paramsDue {
		t.Fatalf("%d datagrams, Handshake packets among them %v, TLS still waiting %v", n, seenHandshake, s.paramsDue)
	}
}

// TestServerHelloFirstOnlyWhenIdle checks that a server with another
// handshake in progress sends its first flight whole: the split pays
// off only when a core is free to run the client's side beside it.
func TestServerHelloFirstOnlyWhenIdle(t *testing.T) {
	seed := simnet.TestSeed(t)
	cl, sv := newSimEP(t, false, seed, nil), newSimEP(t, true, seed, nil)
	svAddr := netip.MustParseAddrPort("192.0.2.2:443")
	var now protocol.Time
	for i, wantSplit := range []bool{true, false} {
		clAddr := netip.AddrPortFrom(netip.MustParseAddr("192.0.2.1"), uint16(4433+i))
		cl.dial(now, svAddr)
		for _, d := range drainTransmits(cl, now) {
			sv.HandleDatagram(now, simnet.Datagram{From: clAddr, To: svAddr, Data: d})
		}
		if len(sv.accepted) != i+1 {
			t.Fatalf("server accepted %d connections, want %d", len(sv.accepted), i+1)
		}
		if split := sv.accepted[i].paramsDue; split != wantSplit {
			t.Errorf("handshake %d (%d in progress before it): ServerHello first %v, want %v", i, i, split, wantSplit)
		}
	}
}

// TestAwaitsServerFlight follows a client through a split first flight:
// it waits for the rest of the server's flight once it has read the
// ServerHello, and neither before nor after.
func TestAwaitsServerFlight(t *testing.T) {
	seed := simnet.TestSeed(t)
	cl, sv := newSimEP(t, false, seed, nil), newSimEP(t, true, seed, nil)
	clAddr, svAddr := netip.MustParseAddrPort("192.0.2.1:4433"), netip.MustParseAddrPort("192.0.2.2:443")
	var now protocol.Time
	c := cl.dial(now, svAddr)
	for _, d := range drainTransmits(cl, now) {
		sv.HandleDatagram(now, simnet.Datagram{From: clAddr, To: svAddr, Data: d})
	}
	if c.AwaitsServerFlight() {
		t.Fatal("before the ServerHello: the client already waits for the rest of the flight")
	}
	toClient := func(d []byte) {
		cl.HandleDatagram(now, simnet.Datagram{From: svAddr, To: clAddr, Data: d})
	}
	var rest [][]byte
	for _, d := range drainTransmits(sv, now) {
		if hs := longHeaders(d); len(hs) == 1 && hs[0].Type == protocol.PacketInitial && len(rest) == 0 {
			toClient(d) // the ServerHello's datagrams, ahead of the rest
			continue
		}
		rest = append(rest, d)
	}
	if len(rest) == 0 {
		t.Fatal("the server's flight was not split")
	}
	if !c.AwaitsServerFlight() {
		t.Fatal("with the ServerHello read: the client does not wait for the rest of the flight")
	}
	for _, d := range rest {
		toClient(d)
	}
	if !c.handshakeDone || c.AwaitsServerFlight() {
		t.Fatalf("with the whole flight read: handshake done %v, waits for the flight %v; want true, false", c.handshakeDone, c.AwaitsServerFlight())
	}
}
