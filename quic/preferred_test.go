package quic

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"
)

// TestLoopbackPreferredAddress: a server offers a preferred_address on
// the port it listens on; the client, which dialled 127.0.0.1, validates
// the new address and moves there once the handshake is confirmed (RFC
// 9000, 9.6), and its streams go on. The IPv6 case is the runner's
// connectionmigration: a client on a dual-stack socket moving from IPv4
// to IPv6.
func TestLoopbackPreferredAddress(t *testing.T) {
	tests := []struct {
		name      string
		network   string // the server's socket
		bind      string
		preferred string // host of the preferred address
		v6        bool
	}{
		{"IPv4", "udp4", "0.0.0.0:0", "127.0.0.2", false},
		{"IPv4 to IPv6", "udp", "[::]:0", "::1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probe, err := net.ListenPacket("udp", net.JoinHostPort(tt.preferred, "0"))
			if err != nil {
				t.Skipf("%s is not usable on this machine: %v", tt.preferred, err)
			}
			probe.Close()
			// The endpoint must receive on the preferred address: one
			// socket on every address, and the preferred address on its
			// port.
			pc, err := net.ListenPacket(tt.network, tt.bind)
			if err != nil {
				t.Fatal(err)
			}
			port := uint16(pc.LocalAddr().(*net.UDPAddr).Port)
			preferred := netip.AddrPortFrom(netip.MustParseAddr(tt.preferred), port)
			conf := &Config{PreferredAddressV4: preferred}
			if tt.v6 {
				conf = &Config{PreferredAddressV6: preferred}
			}
			stls, ctls := testTLS(t)
			srv, err := NewEndpoint(pc, stls, conf)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			go serveEcho(srv)

			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			// A dual-stack client socket can follow an address of the
			// other family.
			cpc, err := net.ListenPacket("udp", "[::]:0")
			if err != nil {
				t.Fatal(err)
			}
			cli, err := NewEndpoint(cpc, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			c, err := cli.Dial(ctx, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port).String(), ctls, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseWithError(0, "")
			// Echo until the client has moved (each round trip gives it
			// the chance); the move is driven by the protocol, not by time.
			for i := 0; ; i++ {
				fetch(t, ctx, c, []byte("where are you"))
				if c.RemoteAddr().String() == preferred.String() {
					break
				}
				if i == 100 {
					t.Fatalf("client still sends to %v after %d round trips, want %v", c.RemoteAddr(), i, preferred)
				}
			}
			fetch(t, ctx, c, []byte("on the preferred address"))
		})
	}
}
