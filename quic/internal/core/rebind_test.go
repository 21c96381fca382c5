package core

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// TestSimRebinding moves the client behind a NAT to a new port (or a new
// address and port) mid-transfer, as the runner's rebind-port and
// rebind-addr cases do. The server must follow (RFC 9000, 9.3), its first
// packet on each new 4-tuple must carry PATH_CHALLENGE, and the transfer
// must arrive intact.
func TestSimRebinding(t *testing.T) {
	tests := []struct {
		name  string
		addrs []string
		// active: the client knows it moved (a new socket, RFC 9000, 9.2)
		// rather than being rebound by a NAT.
		active bool
	}{
		{"port", []string{"193.167.0.100:50001", "193.167.0.100:50002"}, false},
		{"address", []string{"193.167.0.7:50001", "193.167.0.42:50002"}, false},
		{"active migration", []string{"193.167.0.8:50001", "193.167.0.9:50002"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := simnet.SimpleP2P()
			p, _, sv, c := newSimPair(t, simnet.TestSeed(t), link)
			// Watch the server's packets: the first to each new client
			// address must hold PATH_CHALLENGE. The test decrypts with
			// the client's keys.
			seen := map[netip.AddrPort]bool{p.Client.Addr(): true}
			var firstOnNewPath []bool
			p.ToClient.Config.Rules = []simnet.Rule{func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
				if seen[d.To] {
					return simnet.Pass()
				}
				seen[d.To] = true
				firstOnNewPath = append(firstOnNewPath, hasPathChallenge(t, c, d.Data))
				return simnet.Pass()
			}}
			data := randomData(3<<20, 9)
			var snd *sender
			var rcv receiver
			next := 0
			var cids []protocol.ConnectionID // the client's DCID before each move
			start := p.Now()
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
				if next < len(tt.addrs) && p.Now() > start+protocol.Time(time.Duration(next+1)*time.Second) {
					addr := netip.MustParseAddrPort(tt.addrs[next])
					p.Rebind(p.Client, addr)
					if tt.active {
						cids = append(cids, c.remoteCIDs.Current())
						if !c.LocalAddressChanged(p.Now(), addr) {
							t.Fatal("client did not migrate")
						}
					}
					next++
				}
				return rcv.eof && next == len(tt.addrs)
			}, 60*time.Second)
			if err != nil {
				t.Fatalf("transfer: %v (client err %v)", err, c.Err())
			}
			if !bytes.Equal(rcv.buf, data) {
				t.Fatal("data differs")
			}
			s := sv.accepted[0]
			if s.path.remote.String() != tt.addrs[len(tt.addrs)-1] {
				t.Errorf("server sends to %v, want %v", s.path.remote, tt.addrs[len(tt.addrs)-1])
			}
			if len(firstOnNewPath) != len(tt.addrs) {
				t.Fatalf("server used %d new paths, want %d", len(firstOnNewPath), len(tt.addrs))
			}
			for i, ok := range firstOnNewPath {
				if !ok {
					t.Errorf("first server packet on new path %d has no PATH_CHALLENGE", i)
				}
			}
			// RFC 9000, 9.5: a new connection ID on each new path.
			cids = append(cids, c.remoteCIDs.Current())
			for i := 1; i < len(cids); i++ {
				if cids[i] == cids[i-1] {
					t.Errorf("client kept connection ID %v across move %d", cids[i], i)
				}
			}
			if tt.active && !s.path.validated {
				t.Error("server never validated the client's new path")
			}
		})
	}
}

// hasPathChallenge decrypts a server datagram with the client's 1-RTT
// read keys and looks for PATH_CHALLENGE.
func hasPathChallenge(t *testing.T, c *Conn, dgram []byte) bool {
	frames, _ := openShort(t, c, dgram)
	for _, f := range frames {
		if _, ok := f.(*wire.PathChallengeFrame); ok {
			return true
		}
	}
	return false
}

// openShort decrypts a datagram holding one 1-RTT packet from c's peer
// with c's read keys (a copy, so c's state is untouched) and parses its
// frames. ok is false if it does not open.
func openShort(t *testing.T, c *Conn, dgram []byte) (frames []wire.Frame, ok bool) {
	b := bytes.Clone(dgram)
	keys := c.oneRTT // copy: opening must not rotate c's keys
	hdr := 1 + c.initialSCID.Len()
	_, pnLen, trunc, err := keys.Unprotect(b, hdr)
	if err != nil {
		return nil, false
	}
	pn := c.decodePN(protocol.SpaceAppData, trunc, pnLen)
	payload, _, err := keys.Open(b, hdr+pnLen, uint64(pn))
	if err != nil {
		t.Logf("cannot decrypt datagram: %v", err)
		return nil, false
	}
	for len(payload) > 0 {
		f, n, err := wire.ParseFrame(payload)
		if err != nil {
			return frames, false
		}
		frames = append(frames, f)
		payload = payload[n:]
	}
	return frames, true
}

// TestLocalAddressChangedMigrationDisabled: with disable_active_migration
// from the server, a client whose local address changed ends the
// connection without sending (RFC 9000, 9), unless it had moved to the
// server's preferred address, which lifts the ban (RFC 9000, 18.2).
func TestLocalAddressChangedMigrationDisabled(t *testing.T) {
	preferred := netip.MustParseAddrPort("193.167.100.101:443")
	tests := []struct {
		name        string
		preferred   bool
		wantMigrate bool
	}{
		{"no preferred address", false, false},
		{"moved to the preferred address", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, _, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), nil, func(ec *EndpointConfig) {
				ec.Conn.DisableActiveMigration = true
				if tt.preferred {
					ec.Conn.PreferredAddressV4 = preferred
				}
			})
			if tt.preferred {
				p.AddAddress(p.Server, preferred)
			}
			err := p.RunUntil(func() bool {
				return c.handshakeConfirmed && (!tt.preferred || c.onPreferredAddress)
			}, 10*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			addr := netip.MustParseAddrPort("193.167.0.77:40000")
			p.Rebind(p.Client, addr)
			if got := c.LocalAddressChanged(p.Now(), addr); got != tt.wantMigrate {
				t.Fatalf("migrated: %v, want %v", got, tt.wantMigrate)
			}
			if tt.wantMigrate {
				return
			}
			if !errors.Is(c.Err(), ErrMigrationDisabled) {
				t.Errorf("connection error %v, want ErrMigrationDisabled", c.Err())
			}
			if _, ok := c.PollTransmit(p.Now(), make([]byte, 1500), 1); ok {
				t.Error("the client sent from the new address")
			}
		})
	}
}
