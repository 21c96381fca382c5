package core

import (
	"bytes"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog/qlogread"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimPreferredAddress: the server offers a preferred address; the
// client validates it and moves there after the handshake, the server
// validates the client on the new 4-tuple with the challenge it sends in
// answer to the probe, and a transfer spanning the
// move arrives intact (RFC 9000, 9.6).
func TestSimPreferredAddress(t *testing.T) {
	preferred := netip.MustParseAddrPort("193.167.100.101:443")
	sink := &traceSink{traces: map[string]*bytes.Buffer{}}
	p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), nil,
		func(ec *EndpointConfig) { ec.Conn.PreferredAddressV4 = preferred; ec.Conn.Tracer = sink.factory })
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
	// The runner's check: the server's first packet on the new 4-tuple
	// (its answer to the client's probe) carries a PATH_CHALLENGE, and
	// that one challenge validates the client there.
	var server []byte
	for name, b := range sink.traces {
		if strings.Contains(name, "server") {
			server = b.Bytes()
		}
	}
	tr, err := qlogread.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	challenges, answered := 0, false
	for _, e := range tr.Events {
		if e.Name != "transport:packet_sent" {
			continue
		}
		types := e.FrameTypes()
		resp, chal := slices.Contains(types, "path_response"), slices.Contains(types, "path_challenge")
		if chal {
			challenges++
		}
		if resp && !answered {
			answered = true
			if !chal {
				t.Error("the server's PATH_RESPONSE to the probe carries no PATH_CHALLENGE")
			}
		}
	}
	if !answered || challenges != 1 {
		t.Errorf("server answered the probe: %v; sent %d PATH_CHALLENGEs, want 1", answered, challenges)
	}
	if cur := c.remoteCIDs.Current(); cur != s.localParams.PreferredAddress.ConnectionID {
		t.Errorf("client uses connection ID %v, want the preferred address's %v", cur, s.localParams.PreferredAddress.ConnectionID)
	}
}
