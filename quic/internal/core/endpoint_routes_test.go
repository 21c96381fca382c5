package core

import (
	"net/netip"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// TestEndpointRoutesPerConn checks that forgetting one connection's IDs and
// reset tokens leaves every other connection's routes in place, including
// an ID that moved from one connection to another.
func TestEndpointRoutesPerConn(t *testing.T) {
	ep := newSimEP(t, false, 1, nil).ep
	remote := netip.MustParseAddrPort("192.0.2.1:443")
	a, err := ep.Dial(0, nil, remote, netip.AddrPort{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ep.Dial(0, nil, remote, netip.AddrPort{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := func(x byte) protocol.ConnectionID { return protocol.NewConnectionID([]byte{x, x, x, x, x, x, x, x}) }
	tok := func(x byte) []byte { return []byte{x, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15} }
	ep.AddConnID(id(1), a)
	ep.AddConnID(id(2), a)
	ep.AddConnID(id(3), b)
	ep.AddConnID(id(2), b) // moves from a to b
	ep.AddResetToken(tok(1), a)
	ep.AddResetToken(tok(2), b)
	ep.RemoveConnID(id(1))
	base := 2 // the two initial source IDs

	tests := []struct {
		name   string
		remove *Conn
		routes int
		owner  map[protocol.ConnectionID]*Conn
		tokens map[[16]byte]*Conn
	}{
		{"before", nil, base + 2, map[protocol.ConnectionID]*Conn{id(2): b, id(3): b}, map[[16]byte]*Conn{[16]byte(tok(1)): a, [16]byte(tok(2)): b}},
		{"a removed", a, 1 + 2, map[protocol.ConnectionID]*Conn{id(2): b, id(3): b}, map[[16]byte]*Conn{[16]byte(tok(2)): b}},
		{"b removed", b, 0, map[protocol.ConnectionID]*Conn{}, map[[16]byte]*Conn{}},
	}
	for _, tt := range tests {
		if tt.remove != nil {
			ep.RemoveConn(tt.remove)
		}
		if got := ep.Conns(); got != tt.routes {
			t.Errorf("%s: %d routes, want %d", tt.name, got, tt.routes)
		}
		ep.mu.Lock()
		for cid, want := range tt.owner {
			if got := ep.conns[cid]; got != want {
				t.Errorf("%s: %v routes to %p, want %p", tt.name, cid, got, want)
			}
		}
		if len(ep.resetTokens) != len(tt.tokens) {
			t.Errorf("%s: %d reset tokens, want %d", tt.name, len(ep.resetTokens), len(tt.tokens))
		}
		for tk, want := range tt.tokens {
			if got := ep.resetTokens[tk]; got != want {
				t.Errorf("%s: token %x routes to %p, want %p", tt.name, tk[0], got, want)
			}
		}
		ep.mu.Unlock()
	}
	if len(a.routes)+len(b.routes)+len(a.resetRoutes)+len(b.resetRoutes) != 0 {
		t.Errorf("routes left on removed conns: %v %v", a.routes, b.routes)
	}
}

// TestEndpointConcurrentInitial routes one client Initial from two
// goroutines at once: the connection is built outside the endpoint's lock,
// so both may build one, but exactly one may start and the other copy
// must go to it.
func TestEndpointConcurrentInitial(t *testing.T) {
	remote := netip.MustParseAddrPort("192.0.2.1:4433")
	for i := range 20 {
		cl := newSimEP(t, false, uint64(i), nil)
		c := cl.dial(0, netip.MustParseAddrPort("192.0.2.2:443"))
		buf := make([]byte, 1500)
		tr, ok := c.PollTransmit(0, buf, 1)
		if !ok {
			t.Fatal("no client Initial")
		}
		initial := buf[:tr.SegSize]
		sv := newSimEP(t, true, uint64(i)+1000, nil)
		routes := make(chan Route, 2)
		for range 2 {
			go func() {
				d := Datagram{Remote: remote, Data: append([]byte(nil), initial...)}
				routes <- sv.ep.Route(0, d, make([]byte, 1500))
			}()
		}
		r1, r2 := <-routes, <-routes
		if r1.Kind == RouteConn {
			r1, r2 = r2, r1
		}
		if r1.Kind != RouteNewConn || r2.Kind != RouteConn || r2.Conn != r1.Conn {
			t.Fatalf("round %d: routes %v and %v, want one new connection and the other copy routed to it", i, r1.Kind, r2.Kind)
		}
	}
}
