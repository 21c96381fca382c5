package core

import (
	"crypto/sha256"
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// uploadServer reads every stream of every connection a server simEP
// accepted, by the client address.
type uploadServer struct {
	t    testing.TB
	sv   *simEP
	recv map[netip.AddrPort]*receiver
}

func (u *uploadServer) pump() {
	for _, s := range u.sv.accepted {
		ids := u.sv.opened[s]
		if len(ids) == 0 || s.Err() != nil {
			continue
		}
		r := u.recv[s.RemoteAddr()]
		if r == nil {
			r = &receiver{}
			u.recv[s.RemoteAddr()] = r
		}
		r.pump(u.t, s, ids[0])
	}
}

// uploader is a client that sends its data on one stream once connected.
type uploader struct {
	ep   *simEP
	addr netip.AddrPort
	c    *Conn
	snd  *sender
	data []byte
}

func (u *uploader) pump(t testing.TB) {
	if u.snd == nil && u.c.HandshakeComplete() {
		id, ok := u.c.OpenStream(streams.Bidi)
		if !ok {
			t.Fatal("cannot open a stream")
		}
		u.snd = &sender{c: u.c, id: id, data: u.data}
	}
	if u.snd != nil {
		u.snd.pump(t)
	}
}

// TestRobustServesSecondClientDuringAttack has client A flood the server
// with undecryptable datagrams for its connection, then violate flow
// control, while client B uploads 1 MiB. A's connection ends with
// FLOW_CONTROL_ERROR (RFC 9000, 4.1); B's upload arrives intact.
func TestRobustServesSecondClientDuringAttack(t *testing.T) {
	seed := simnet.TestSeed(t)
	n := simnet.NewNetwork(seed)
	n.Default = simnet.SimpleP2P()
	sv := newSimEP(t, true, seed+1000, nil)
	svNode := n.AddEndpoint(netip.MustParseAddrPort("193.167.100.100:443"), sv)
	attacker := newSimEP(t, false, seed+1, nil)
	aNode := n.AddEndpoint(netip.MustParseAddrPort("193.167.0.66:40000"), attacker)
	a := attacker.dial(n.Now(), svNode.Addr())
	b := &uploader{ep: newSimEP(t, false, seed+2, nil), addr: netip.MustParseAddrPort("193.167.0.100:49152"), data: randomData(1<<20, 11)}
	n.AddEndpoint(b.addr, b.ep)
	b.c = b.ep.dial(n.Now(), svNode.Addr())
	srv := &uploadServer{t: t, sv: sv, recv: map[netip.AddrPort]*receiver{}}
	garbage := randomData(1400, 12)
	var flooded, floodBytes int
	var violated bool
	aServer := func() *Conn {
		for _, s := range sv.accepted {
			if s.RemoteAddr() == aNode.Addr() {
				return s
			}
		}
		return nil
	}
	err := n.RunUntil(func() bool {
		b.pump(t)
		srv.pump()
		if as := aServer(); as != nil && a.handshakeConfirmed {
			switch {
			case flooded < 5000:
				// Undecryptable short-header packets for A's connection ID.
				for range 10 {
					size := 40 + flooded%1300
					d := append([]byte(nil), garbage[:size]...)
					d[0] = 0x40 | d[0]&0x3f
					dcid := a.remoteCIDs.Current()
					copy(d[1:], dcid.Bytes())
					sv.HandleDatagram(n.Now(), simnet.Datagram{From: aNode.Addr(), To: svNode.Addr(), Data: d})
					flooded++
					floodBytes += size
				}
			case !violated:
				pkt := rawShortPacket(a, frames(wire.StreamFrame{StreamID: 0, Offset: 1 << 30, Data: []byte{1}}))
				sv.HandleDatagram(n.Now(), simnet.Datagram{From: aNode.Addr(), To: svNode.Addr(), Data: pkt})
				violated = true
			}
		}
		r := srv.recv[b.addr]
		return r != nil && r.eof && violated
	}, 60*time.Second)
	if err != nil {
		t.Fatalf("%v; B err %v", err, b.c.Err())
	}
	as := aServer()
	t.Logf("A flooded %d datagrams (%d bytes) then violated flow control: %v; B's 1 MiB took %v virtual; server dropped %d packets of A",
		flooded, floodBytes, as.Err(), time.Duration(n.Now()), as.Stats().PacketsDropped)
	if got := transportCode(as.Err()); got != int64(qerr.FlowControlError) {
		t.Errorf("A's connection ended with %v, want FLOW_CONTROL_ERROR", as.Err())
	}
	if got := srv.recv[b.addr].buf; sha256.Sum256(got) != sha256.Sum256(b.data) {
		t.Errorf("B's upload differs: %d bytes of %d", len(got), len(b.data))
	}
	if b.c.Err() != nil {
		t.Errorf("B's connection ended: %v", b.c.Err())
	}
}

// TestRobustManyConnectionsLossy runs 100 clients, each on its own
// endpoint, uploading 32 KiB to one server endpoint over links losing 5 %
// of datagrams each way; every byte arrives intact. It takes about 3 s
// of wall time, 8-11 s with -race.
func TestRobustManyConnectionsLossy(t *testing.T) {
	const clients, size = 100, 32 << 10
	seed := simnet.TestSeed(t)
	n := simnet.NewNetwork(seed)
	n.Default = simnet.SimpleP2P()
	n.Default.LossPercent = 5
	sv := newSimEP(t, true, seed+1000, nil)
	svNode := n.AddEndpoint(netip.MustParseAddrPort("193.167.100.100:443"), sv)
	ups := make([]*uploader, clients)
	for i := range ups {
		u := &uploader{ep: newSimEP(t, false, seed+uint64(i)+1, nil), data: randomData(size, uint64(i)+100)}
		u.addr = netip.MustParseAddrPort(fmt.Sprintf("10.0.%d.%d:4433", i/200, i%200+1))
		n.AddEndpoint(u.addr, u.ep)
		u.c = u.ep.dial(n.Now(), svNode.Addr())
		ups[i] = u
	}
	srv := &uploadServer{t: t, sv: sv, recv: map[netip.AddrPort]*receiver{}}
	start := time.Now()
	err := n.RunUntil(func() bool {
		done := 0
		for _, u := range ups {
			u.pump(t)
		}
		srv.pump()
		for _, u := range ups {
			if r := srv.recv[u.addr]; r != nil && r.eof {
				done++
			}
		}
		return done == clients
	}, 120*time.Second)
	wall := time.Since(start)
	if err != nil {
		t.Fatalf("%v; %d of %d uploads finished", err, len(srv.recv), clients)
	}
	virt := time.Duration(n.Now())
	var lost, sent uint64
	for _, u := range ups {
		if got := srv.recv[u.addr].buf; sha256.Sum256(got) != sha256.Sum256(u.data) {
			t.Errorf("client %v: upload differs (%d of %d bytes)", u.addr, len(got), size)
		}
		if u.c.Err() != nil {
			t.Errorf("client %v ended: %v", u.addr, u.c.Err())
		}
		st := u.c.Stats()
		lost += st.PacketsLost
		sent += st.PacketsSent
	}
	total := clients * size
	t.Logf("%d connections, %d KiB each, 5%% loss: %v virtual (%.1f Mbit/s aggregate), %v wall; clients lost %d of %d packets",
		clients, size>>10, virt, float64(total)*8/virt.Seconds()/1e6, wall, lost, sent)
}
