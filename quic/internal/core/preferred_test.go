package core

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimPreferredAddress: the server offers a preferred address; the
// client validates it and moves there after the handshake, the server
// validates the client on the new 4-tuple, and a transfer spanning the
// move arrives intact (RFC 9000, 9.6).
func TestSimPreferredAddress(t *testing.T) {
	preferred := netip.MustParseAddrPort("193.167.100.101:443")
	p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), nil,
		func(ec *EndpointConfig) { ec.Conn.PreferredAddressV4 = preferred })
	p.AddAddress(p.Server, preferred)
	data := randomData(2<<20, 5)
	got, err := runUpload(t, p, c, sv, data, 30*time.Second, nil)
	if err != nil {
		t.Fatalf("transfer: %v (client err %v)", err, c.Err())
	}
	if !bytes.Equal(got, data) {
		t.Fatal("data differs")
	}
	if c.path.remote != preferred {
		t.Errorf("client still sends to %v, want the preferred address %v", c.path.remote, preferred)
	}
	s := sv.accepted[0]
	if s.path.local.Addr() != preferred.Addr() || !s.path.validated {
		t.Errorf("server path local %v validated %v", s.path.local, s.path.validated)
	}
	if cur := c.remoteCIDs.Current(); cur != s.localParams.PreferredAddress.ConnectionID {
		t.Errorf("client uses connection ID %v, want the preferred address's %v", cur, s.localParams.PreferredAddress.ConnectionID)
	}
}
