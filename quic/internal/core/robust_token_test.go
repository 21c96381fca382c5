package core

import (
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestRobustTokenLifetimes presents address-validation tokens to a server
// that requires them (RFC 9000, 8.1): a Retry token is good for 10 s from
// the client's IP address and port only; a NEW_TOKEN token for 24 h from
// the same IP address, any port (RFC 9000, 8.1.3 and 21.3). A token that
// fails draws a Retry instead of a connection.
func TestRobustTokenLifetimes(t *testing.T) {
	client := netip.MustParseAddrPort("198.51.100.7:50000")
	otherPort := netip.MustParseAddrPort("198.51.100.7:50001")
	otherIP := netip.MustParseAddrPort("198.51.100.8:50000")
	svAddr := netip.MustParseAddrPort("192.0.2.1:443")
	for _, tt := range []struct {
		name     string
		newToken bool // NEW_TOKEN token, else Retry token
		age      time.Duration
		from     netip.AddrPort
		accepted bool
	}{
		{"Retry token after 9 s", false, 9 * time.Second, client, true},
		{"Retry token after 11 s", false, 11 * time.Second, client, false},
		{"Retry token from another port", false, time.Second, otherPort, false},
		{"NEW_TOKEN token after 23 h", true, 23 * time.Hour, client, true},
		{"NEW_TOKEN token after 25 h", true, 25 * time.Hour, client, false},
		{"NEW_TOKEN token from another port", true, time.Hour, otherPort, true},
		{"NEW_TOKEN token from another IP address", true, time.Hour, otherIP, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seed := simnet.TestSeed(t)
			wall := time.Unix(1_800_000_000, 0)
			sv := newSimEP(t, true, seed, func(ec *EndpointConfig) {
				ec.RequireRetry = true
				ec.WallClock = func() time.Time { return wall }
			})
			cl := newSimEP(t, false, seed+1, nil)
			var initial []byte
			if tt.newToken {
				tok := sv.ep.newTokenFor(0, client)
				c, err := cl.ep.Dial(0, nil, svAddr, netip.AddrPort{}, tok)
				if err != nil {
					t.Fatal(err)
				}
				cl.conns = append(cl.conns, c)
				initial = drainTransmits(cl, 0)[0]
			} else {
				c := cl.dial(0, svAddr)
				r := sv.ep.Route(0, Datagram{Remote: client, Data: drainTransmits(cl, 0)[0]}, sv.reply)
				if hs := longHeaders(r.Reply); r.Kind != RouteReply || len(hs) != 1 || hs[0].Type != protocol.PacketRetry {
					t.Fatal("no Retry for a client without a token")
				}
				c.HandleDatagram(0, Datagram{Remote: svAddr, Data: append([]byte(nil), r.Reply...)})
				initial = drainTransmits(cl, 0)[0]
				if hs := longHeaders(initial); len(hs) == 0 || len(hs[0].Token) == 0 {
					t.Fatal("client Initial after Retry carries no token")
				}
			}
			wall = wall.Add(tt.age)
			r := sv.ep.Route(0, Datagram{Remote: tt.from, Data: initial}, sv.reply)
			if got := r.Kind == RouteNewConn; got != tt.accepted {
				t.Fatalf("route %d: accepted %v, want %v", r.Kind, got, tt.accepted)
			}
			if !tt.accepted {
				if hs := longHeaders(r.Reply); r.Kind != RouteReply || len(hs) != 1 || hs[0].Type != protocol.PacketRetry {
					t.Fatal("a refused token did not draw a Retry")
				}
			}
		})
	}
}
