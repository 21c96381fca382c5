package core

import (
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// TestRobustPeerNeverAcknowledges has the server send to a client whose
// packets never arrive, so nothing is ever acknowledged. What the server
// keeps for retransmission stays within the stream's send buffer, its
// bytes in flight within the congestion window (plus two probes per PTO,
// which RFC 9002, 7.5 lets past it), and the connection ends by idle
// timeout (RFC 9000, 10.1) instead of sending forever.
func TestRobustPeerNeverAcknowledges(t *testing.T) {
	const sendBuf = 256 << 10
	a := newAttackPair(t, func(ec *EndpointConfig) { ec.Conn.SendBufferSize = sendBuf })
	id, _ := a.c.OpenStream(streams.Bidi)
	if _, err := a.c.StreamWrite(id, []byte("get")); err != nil {
		t.Fatal(err)
	}
	if err := a.p.RunUntil(func() bool { return len(a.sv.opened[a.s]) > 0 }, time.Second); err != nil {
		t.Fatal(err)
	}
	a.p.ToServer.Config.Rules = []simnet.Rule{func(time.Duration, *simnet.Datagram) simnet.Verdict { return simnet.Drop() }}
	snd := &sender{c: a.s, id: a.sv.opened[a.s][0], data: randomData(8<<20, 5)}
	start := a.p.Now()
	var maxInFlight, maxHeld int
	err := a.p.RunUntil(func() bool {
		if a.s.Err() != nil {
			return true
		}
		snd.pump(t)
		m := a.s.Metrics()
		maxInFlight = max(maxInFlight, m.BytesInFlight)
		// Each PTO may send two probes the congestion window does not
		// block (RFC 9002, 6.2.4 and 7.5).
		if m.BytesInFlight > m.CongestionWindow+2*(m.PTOCount+1)*a.s.cfg.MaxUDPPayloadSize {
			t.Fatalf("%d bytes in flight, congestion window %d after %d PTOs", m.BytesInFlight, m.CongestionWindow, m.PTOCount)
		}
		held := int(streamBytesHeld(a.s))
		maxHeld = max(maxHeld, held)
		if held > sendBuf+a.s.cfg.MaxUDPPayloadSize {
			t.Fatalf("%d bytes buffered for retransmission, send buffer %d", held, sendBuf)
		}
		return false
	}, 4*a.s.cfg.MaxIdleTimeout)
	if err != nil {
		t.Fatalf("server still sending after %v: %v", time.Duration(a.p.Now()-start), err)
	}
	took := time.Duration(a.p.Now() - start)
	t.Logf("server gave up after %v with %v; wrote %d bytes; max in flight %d, max buffered %d; %+v",
		took, a.s.Err(), snd.off, maxInFlight, maxHeld, a.s.Stats())
	if a.s.Err() != ErrIdleTimeout {
		t.Errorf("server ended with %v, want the idle timeout", a.s.Err())
	}
	if took > a.s.cfg.MaxIdleTimeout+time.Second {
		t.Errorf("took %v, idle timeout %v", took, a.s.cfg.MaxIdleTimeout)
	}
}

// TestRobustPeerNeverReads has the client open the most streams the
// server allows (100), ask for data on each and never read. The server's
// writes block at its send buffer, what it sends stops at the client's
// connection window (RFC 9000, 4.1), and nothing grows while the client
// keeps not reading.
func TestRobustPeerNeverReads(t *testing.T) {
	const sendBuf = 64 << 10
	a := newAttackPair(t, func(ec *EndpointConfig) { ec.Conn.SendBufferSize = sendBuf })
	for range a.s.cfg.MaxIncomingBidi {
		id, ok := a.c.OpenStream(streams.Bidi)
		if !ok {
			t.Fatal("client could not open a stream the server allowed")
		}
		if _, err := a.c.StreamWrite(id, []byte("get")); err != nil {
			t.Fatal(err)
		}
	}
	chunk := make([]byte, 16<<10)
	pump := func() bool {
		for _, id := range a.sv.opened[a.s] {
			for {
				n, err := a.s.StreamWrite(id, chunk)
				if err != nil {
					t.Fatalf("write: %v", err)
				}
				if n == 0 {
					break
				}
			}
		}
		return false
	}
	if err := a.p.RunUntil(func() bool { pump(); return len(a.sv.opened[a.s]) == int(a.s.cfg.MaxIncomingBidi) }, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	run := func(d time.Duration) {
		for end := a.p.Now().Add(d); a.p.Now() < end; {
			pump()
			if err := a.p.RunFor(50 * time.Millisecond); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(3 * time.Second)
	held1, sent1, recv1 := streamBytesHeld(a.s), a.s.Stats().BytesSent, a.c.connRecv.Highest()
	run(5 * time.Second)
	held2, sent2, recv2 := streamBytesHeld(a.s), a.s.Stats().BytesSent, a.c.connRecv.Highest()
	t.Logf("server holds %d then %d bytes; sent %d then %d bytes; client received %d of window %d",
		held1, held2, sent1, sent2, recv2, a.c.connRecv.Limit())
	if a.s.Err() != nil || a.c.Err() != nil {
		t.Fatalf("connection ended: server %v, client %v", a.s.Err(), a.c.Err())
	}
	// Send buffers, plus the requests received and not read.
	if limit := uint64(sendBuf)*a.s.cfg.MaxIncomingBidi + a.s.connRecv.Highest(); held2 > limit {
		t.Errorf("server buffers %d bytes, send buffers allow %d", held2, limit)
	}
	if held2 > held1 || recv2 != recv1 {
		t.Errorf("growth while the peer does not read: held %d -> %d, delivered %d -> %d", held1, held2, recv1, recv2)
	}
	if recv2 > a.c.connRecv.Limit() {
		t.Errorf("client received %d bytes beyond its window %d", recv2, a.c.connRecv.Limit())
	}
	if sent2-sent1 > 32<<10 {
		t.Errorf("server sent %d bytes in 5 s to a peer with no credit left", sent2-sent1)
	}
}

// TestRobustConnIDFlood floods the server with NEW_CONNECTION_ID frames:
// beyond our active_connection_id_limit of 4, and with Retire Prior To
// forcing retirements faster than they can be acknowledged (RFC 9000,
// 5.1.2 lets us bound those). Both close with CONNECTION_ID_LIMIT_ERROR,
// holding at most one ID over the limit.
func TestRobustConnIDFlood(t *testing.T) {
	cid := func(seq uint64) protocol.ConnectionID {
		return protocol.NewConnectionID([]byte{0xc1, 0xd0, byte(seq >> 8), byte(seq), 1, 2, 3, 4})
	}
	for _, tt := range []struct {
		name   string
		frames func(i uint64) wire.NewConnectionIDFrame
		n      int
	}{
		{"beyond the limit", func(i uint64) wire.NewConnectionIDFrame {
			return wire.NewConnectionIDFrame{Seq: 10 + i, ConnID: cid(i), ResetToken: [16]byte{byte(i)}}
		}, 50},
		{"retire prior to, flooded", func(i uint64) wire.NewConnectionIDFrame {
			return wire.NewConnectionIDFrame{Seq: 10 + i, RetirePriorTo: 10 + i, ConnID: cid(i), ResetToken: [16]byte{byte(i)}}
		}, 50},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newAttackPair(t, nil)
			var fs frameList
			for i := range tt.n {
				fs = append(fs, tt.frames(uint64(i)))
			}
			a.sendFrames(fs)
			if got := transportCode(a.s.Err()); got != int64(qerr.ConnectionIDLimitError) {
				t.Fatalf("server error %v (code %d), want CONNECTION_ID_LIMIT_ERROR", a.s.Err(), got)
			}
			if n := a.s.remoteCIDs.Active(); n > activeConnIDLimit+1 {
				t.Errorf("%d connection IDs held, limit %d", n, activeConnIDLimit)
			}
		})
	}
}

// TestRobustPathChallengeFlood sends 200 packets of 100 PATH_CHALLENGE
// frames each. The server owes one PATH_RESPONSE per path (RFC 9000,
// 8.2.2 allows answering only the last challenge of a packet), so its
// replies stay one datagram per flood packet and nothing queues up.
func TestRobustPathChallengeFlood(t *testing.T) {
	a := newAttackPair(t, nil)
	const packets, perPacket = 200, 100
	before := heapInUse()
	var replies, replyBytes, floodBytes int
	for i := range packets {
		var b []byte
		for j := range perPacket {
			b = wire.PathChallengeFrame{Data: [8]byte{byte(i), byte(j), 7}}.Append(b)
		}
		pkt := rawShortPacket(a.c, b)
		floodBytes += len(pkt)
		a.sv.HandleDatagram(a.p.Now(), simnet.Datagram{From: a.p.Client.Addr(), To: a.p.Server.Addr(), Data: pkt})
		for _, d := range drainTransmits(a.sv, a.p.Now()) {
			replies++
			replyBytes += len(d)
		}
	}
	grew := int64(heapInUse()) - int64(before)
	t.Logf("%d challenges in %d packets (%d bytes): %d reply datagrams (%d bytes), heap grew %d bytes",
		packets*perPacket, packets, floodBytes, replies, replyBytes, grew)
	if a.s.Err() != nil {
		t.Fatalf("server closed: %v", a.s.Err())
	}
	if replies > packets {
		t.Errorf("%d reply datagrams for %d packets", replies, packets)
	}
	if replyBytes > floodBytes {
		t.Errorf("replies of %d bytes to %d bytes of challenges", replyBytes, floodBytes)
	}
	if grew > 256<<10 {
		t.Errorf("heap grew %d bytes", grew)
	}
}

// TestRobustCryptoBuffer sends 1-RTT CRYPTO data out of order: up to 64
// KiB beyond what TLS consumed is buffered, one byte more is
// CRYPTO_BUFFER_EXCEEDED (RFC 9000, 7.5).
func TestRobustCryptoBuffer(t *testing.T) {
	for _, tt := range []struct {
		name string
		off  uint64
		n    int
		code int64
	}{
		{"ending 10 bytes below the limit", maxCryptoBuffer - 11, 1, -1},
		{"ending at the limit", maxCryptoBuffer - 1, 1, -1},
		{"one byte beyond", maxCryptoBuffer - 1, 2, int64(qerr.CryptoBufferExceeded)},
		{"far beyond", 1 << 40, 1, int64(qerr.CryptoBufferExceeded)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newAttackPair(t, nil)
			a.send(frames(wire.CryptoFrame{Offset: tt.off, Data: make([]byte, tt.n)}))
			if got := transportCode(a.s.Err()); got != tt.code {
				t.Fatalf("server error %v (code %d), want %d", a.s.Err(), got, tt.code)
			}
			checkConnBounds(t, a.s)
		})
	}
}

// TestRobustEndpointAdmission sends first Initials from many clients
// straight to a server endpoint: above EndpointConfig.RetryThreshold
// handshakes in progress each new client gets a Retry (RFC 9000, 8.1.2),
// a finished handshake makes room again, and MaxConns bounds the
// connections accepted at all.
func TestRobustEndpointAdmission(t *testing.T) {
	for _, tt := range []struct {
		name           string
		mod            func(*EndpointConfig)
		clients        int
		conns, retries int
	}{
		{"retry threshold 3", func(ec *EndpointConfig) { ec.RetryThreshold = 3 }, 8, 3, 5},
		{"max conns 2", func(ec *EndpointConfig) { ec.MaxConns = 2 }, 6, 2, 0},
		{"no limits", nil, 6, 6, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seed := simnet.TestSeed(t)
			sv := newSimEP(t, true, seed, tt.mod)
			svAddr := netip.MustParseAddrPort("192.0.2.1:443")
			first := func(i int) (Datagram, *simEP) {
				cl := newSimEP(t, false, seed+uint64(i)+1, nil)
				cl.dial(0, svAddr)
				out := drainTransmits(cl, 0)
				if len(out) == 0 {
					t.Fatal("client sent nothing")
				}
				return Datagram{Remote: netip.AddrPortFrom(netip.MustParseAddr("198.51.100.7"), uint16(1000+i)), Local: svAddr, Data: out[0]}, cl
			}
			var conns, retries, drops int
			var accepted []*Conn
			for i := range tt.clients {
				d, _ := first(i)
				r := sv.ep.Route(0, d, sv.reply)
				switch r.Kind {
				case RouteNewConn:
					conns++
					accepted = append(accepted, r.Conn)
					r.Conn.HandleDatagram(0, d)
					sv.events(r.Conn)
				case RouteReply:
					hs := longHeaders(r.Reply)
					if len(hs) != 1 || hs[0].Type != protocol.PacketRetry {
						t.Fatalf("reply to client %d is not a Retry", i)
					}
					retries++
				default:
					drops++
				}
			}
			t.Logf("%d clients: %d connections, %d Retry, %d dropped", tt.clients, conns, retries, drops)
			if conns != tt.conns || retries != tt.retries || drops != tt.clients-tt.conns-tt.retries {
				t.Fatalf("%d connections, %d Retry, %d dropped; want %d, %d, %d", conns, retries, drops, tt.conns, tt.retries, tt.clients-tt.conns-tt.retries)
			}
			// One handshake finishes: the endpoint admits one more client
			// without Retry, unless MaxConns is reached.
			sv.ep.HandshakeDone(accepted[0])
			d, _ := first(tt.clients)
			r := sv.ep.Route(0, d, sv.reply)
			want := RouteNewConn
			if tt.conns < tt.clients && tt.retries == 0 {
				want = RouteDrop
			}
			if r.Kind != want {
				t.Errorf("after a finished handshake: route %d, want %d", r.Kind, want)
			}
		})
	}
}

// TestRobustDatagramFlood sends 300 DATAGRAM frames the application never
// reads: the server queues MaxDatagramQueue of them and drops the rest
// (RFC 9221, 5 lets a receiver drop them).
func TestRobustDatagramFlood(t *testing.T) {
	a := newAttackPair(t, func(ec *EndpointConfig) { ec.Conn.EnableDatagrams = true })
	var fs frameList
	for i := range 300 {
		fs = append(fs, wire.DatagramFrame{Data: []byte{byte(i), 1, 2, 3}})
	}
	a.sendFrames(fs)
	if a.s.Err() != nil {
		t.Fatalf("server closed: %v", a.s.Err())
	}
	queued, dropped := len(a.s.datagramsIn), a.s.Stats().DatagramsDropped
	t.Logf("queued %d, dropped %d", queued, dropped)
	if queued != a.s.cfg.MaxDatagramQueue || int(dropped) != 300-queued {
		t.Errorf("queued %d and dropped %d of 300, queue limit %d", queued, dropped, a.s.cfg.MaxDatagramQueue)
	}
}

// TestRobustAckRangesBounded sends 300 packets each after a gap in the
// packet numbers: the server tracks at most 64 ACK ranges, forgetting the
// oldest (RFC 9000, 13.2.3 lets it), and goes on acknowledging.
func TestRobustAckRangesBounded(t *testing.T) {
	a := newAttackPair(t, nil)
	for range 300 {
		a.c.spaces[protocol.SpaceAppData].nextPN++ // leave a gap
		a.send(frames(wire.PingFrame{}))
	}
	n := a.s.spaces[protocol.SpaceAppData].ack.Ranges().Len()
	t.Logf("%d ACK ranges tracked after 300 gaps", n)
	if a.s.Err() != nil {
		t.Fatalf("server closed: %v", a.s.Err())
	}
	if n > 64 {
		t.Errorf("%d ACK ranges tracked, limit 64", n)
	}
	// The ACKs go out; they are not delivered, as the client's loss
	// recovery never recorded the packets rawShortPacket sealed.
	if out := drainTransmits(a.sv, a.p.Now()); len(out) == 0 || a.s.Err() != nil {
		t.Fatalf("server sent %d datagrams, err %v", len(out), a.s.Err())
	}
}

// TestRobustSpoofedMigration replays a genuine client packet from a
// spoofed source address, as an on-path attacker can (RFC 9000, 9.3.2
// and 21.1.1.3). The server validates the new address with at most five
// PATH_CHALLENGEs (RFC 9000, 8.2.4), sends it no more than three times
// what it received from it (RFC 9000, 9.3, 8.1), then returns to the
// client's real address and the connection carries on.
func TestRobustSpoofedMigration(t *testing.T) {
	a := newAttackPair(t, nil)
	spoofed := netip.MustParseAddrPort("203.0.113.50:1234")
	var toSpoofed int
	a.p.Trace = func(e simnet.Event) {
		if e.Kind == simnet.EventSend && e.To == spoofed {
			toSpoofed += e.Len
		}
	}
	// A genuine client packet (the client's loss recovery knows it) that
	// the attacker intercepted and sends on from its own address.
	id, _ := a.c.OpenStream(streams.Bidi)
	a.c.StreamWrite(id, []byte("intercepted"))
	buf := make([]byte, 1500)
	tx, ok := a.c.PollTransmit(a.p.Now(), buf, 1)
	if !ok {
		t.Fatal("client has nothing to send")
	}
	pkt := buf[:tx.Size]
	a.sv.HandleDatagram(a.p.Now(), simnet.Datagram{From: spoofed, To: a.p.Server.Addr(), Data: pkt})
	if a.s.RemoteAddr() != spoofed {
		t.Fatalf("server did not move to the new address: %v", a.s.RemoteAddr())
	}
	if a.s.path.validated {
		// Only a PATH_RESPONSE validates a new path (RFC 9000, 9.3).
		t.Error("the spoofed address counts as validated before any PATH_RESPONSE")
	}
	if err := a.p.RunFor(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("received %d bytes from the spoofed address, sent %d to it in %d PATH_CHALLENGEs; now on %v",
		len(pkt), toSpoofed, a.s.challengesSent, a.s.RemoteAddr())
	if a.s.challengesSent > maxChallenges {
		t.Errorf("%d PATH_CHALLENGEs sent, limit %d", a.s.challengesSent, maxChallenges)
	}
	if toSpoofed > 3*len(pkt) {
		t.Errorf("sent %d bytes to an unvalidated address that sent %d", toSpoofed, len(pkt))
	}
	if a.s.RemoteAddr() != a.p.Client.Addr() {
		t.Errorf("server stayed on %v", a.s.RemoteAddr())
	}
	if a.s.Err() != nil || a.c.Err() != nil {
		t.Fatalf("connection ended: server %v, client %v", a.s.Err(), a.c.Err())
	}
}
