package core

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
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
	var snd *sender
	var rcv receiver
	err := p.RunUntil(func() bool {
		if c.HandshakeComplete() && snd == nil {
			id, _ := c.OpenStream(streams.Bidi)
			snd = &sender{c: c, id: id, data: data}
		}
		if snd != nil {
			snd.pump(t)
		}
		if len(sv.accepted) == 1 && len(sv.opened[sv.accepted[0]]) > 0 {
			rcv.pump(t, sv.accepted[0], sv.opened[sv.accepted[0]][0])
		}
		return rcv.eof
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("transfer: %v (client err %v)", err, c.Err())
	}
	if !bytes.Equal(rcv.buf, data) {
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
