//go:build linux

package sock

import (
	"net/netip"
	"testing"
)

// TestPktInfo checks the local address reported for received datagrams and
// source address selection on send.
func TestPktInfo(t *testing.T) {
	tests := []struct {
		name      string
		network   string
		bind      string
		dst       string // address the datagram is sent to
		src       string // source address the sender picks ("" for none)
		senderNet string
		v6        bool
	}{
		{"ipv4 loopback", "udp4", "127.0.0.1:0", "127.0.0.1", "", "udp4", false},
		{"ipv4 wildcard", "udp4", "0.0.0.0:0", "127.0.0.3", "127.0.0.2", "udp4", false},
		{"ipv6 loopback", "udp6", "[::1]:0", "::1", "::1", "udp6", true},
		{"dual-stack ipv4", "udp", "[::]:0", "127.0.0.4", "127.0.0.5", "udp", true},
		{"dual-stack ipv6", "udp", "[::]:0", "::1", "", "udp", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v6 {
				ipv6Loopback(t)
			}
			rx := listen(t, tt.network, tt.bind, Options{})
			bindTx := "0.0.0.0:0"
			if tt.senderNet != "udp4" {
				bindTx = "[::]:0"
			}
			tx := listen(t, tt.senderNet, bindTx, Options{})
			requireCaps(t, rx, Capabilities{PktInfo: true})
			var src netip.Addr
			if tt.src != "" {
				src = netip.MustParseAddr(tt.src)
			}
			if err := tx.WriteGSO(payload(1, 64), 0, addrOf(t, rx, tt.dst), ECNNotECT, src); err != nil {
				t.Fatal(err)
			}
			got := readDatagrams(t, rx, 1)
			if want := netip.MustParseAddr(tt.dst); got[0].local != want {
				t.Errorf("local %v, want %v", got[0].local, want)
			}
			if src.IsValid() && got[0].from.Addr() != src {
				t.Errorf("from %v, want source %v", got[0].from, src)
			}
			if got[0].from.Port() != tx.LocalAddr().Port() {
				t.Errorf("from %v, want port %d", got[0].from, tx.LocalAddr().Port())
			}
		})
	}
}

// TestDualStack checks that a [::] socket receives IPv4 traffic with
// unmapped addresses and answers it, marks and source address included.
func TestDualStack(t *testing.T) {
	ipv6Loopback(t)
	dual := listen(t, "udp", "[::]:0", Options{})
	v4 := listen(t, "udp4", "127.0.0.1:0", Options{})
	if err := v4.WriteGSO(payload(1, 200), 0, addrOf(t, dual, "127.0.0.1"), ECNCE, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	got := readDatagrams(t, dual, 1)
	r := got[0]
	if !r.from.Addr().Is4() || r.from != v4.LocalAddr() || !r.local.Is4() || r.ecn != ECNCE {
		t.Fatalf("from %v local %v ECN %02b, want %v, 127.0.0.1, CE", r.from, r.local, r.ecn, v4.LocalAddr())
	}
	// Reply to the unmapped address, from the address it arrived on, as a
	// server would. Also try the mapped form of the same address.
	mapped := netip.AddrPortFrom(netip.AddrFrom16(r.from.Addr().As16()), r.from.Port())
	for i, to := range []netip.AddrPort{r.from, mapped} {
		if err := dual.WriteGSO(gsoBuffer(10*i, 2, 100, 100), 100, to, ECNECT1, r.local); err != nil {
			t.Fatal(err)
		}
		back := readDatagrams(t, v4, 2)
		checkDatagrams(t, back, map[int][]byte{10 * i: payload(10*i, 100), 10*i + 1: payload(10*i+1, 100)})
		for _, b := range back {
			if b.ecn != ECNECT1 || b.from != addrOf(t, dual, "127.0.0.1") {
				t.Fatalf("reply from %v ECN %02b, want %v ECT(1)", b.from, b.ecn, addrOf(t, dual, "127.0.0.1"))
			}
		}
	}
}
