package core

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// lastTraffic records when a node last sent or received a datagram.
func lastTraffic(p *simnet.Pair, node *simnet.Node) *protocol.Time {
	var last protocol.Time
	prev := p.Trace
	p.Trace = func(e simnet.Event) {
		if prev != nil {
			prev(e)
		}
		if (e.Kind == simnet.EventSend && e.From == node.Addr()) || (e.Kind == simnet.EventDeliver && e.To == node.LocalAddr()) {
			last = e.Time
		}
	}
	return &last
}

// TestSimIdleTimeout checks that an idle connection closes silently at the
// negotiated idle timeout, the smaller of both max_idle_timeout values
// (0 meaning none), but never before three PTOs (RFC 9000, 10.1).
func TestSimIdleTimeout(t *testing.T) {
	for _, tt := range []struct {
		client, server time.Duration
		want           time.Duration // 0: no idle timeout; -1: three PTOs
	}{
		{5 * time.Second, 2 * time.Second, 2 * time.Second},
		{time.Second, 3 * time.Second, time.Second},
		{0, 2 * time.Second, 2 * time.Second},
		{4 * time.Second, 0, 4 * time.Second},
		{50 * time.Millisecond, 80 * time.Millisecond, -1},
		{0, 0, 0},
	} {
		t.Run(fmt.Sprintf("client%v/server%v", tt.client, tt.server), func(t *testing.T) {
			p, cl, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(),
				func(ec *EndpointConfig) { ec.Conn.MaxIdleTimeout = tt.client },
				func(ec *EndpointConfig) { ec.Conn.MaxIdleTimeout = tt.server })
			last := lastTraffic(p, p.Client)
			s := establish(t, p, c, sv)
			if tt.want == 0 {
				if err := p.RunIdle(time.Hour); err != nil {
					t.Fatal(err)
				}
				if c.Err() != nil || s.Err() != nil {
					t.Fatalf("closed without an idle timeout: client %v, server %v", c.Err(), s.Err())
				}
				return
			}
			var closedAt protocol.Time
			err := p.RunUntil(func() bool {
				if closedAt == 0 && cl.closed[c] != nil {
					closedAt = p.Now()
				}
				return cl.done[c] && sv.done[s]
			}, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(cl.closed[c], ErrIdleTimeout) || !errors.Is(sv.closed[s], ErrIdleTimeout) {
				t.Fatalf("closed with client %v, server %v; want idle timeouts", cl.closed[c], sv.closed[s])
			}
			pto := c.loss.RTT().PTO(true)
			want := tt.want
			if want < 0 {
				want = 3 * pto
			}
			idle := closedAt.Sub(*last)
			if idle < want-pto || idle > want+pto {
				t.Fatalf("idle timeout after %v of silence, want %v within a PTO (%v)", idle, want, pto)
			}
			t.Logf("closed after %v idle (want %v, PTO %v)", idle, want, pto)
		})
	}
}

// TestSimBlackhole loses the peer for good in the middle of a transfer: the
// connection must end with the idle timeout (RFC 9000, 10.1), drain, and
// leave no connection ID routed at either endpoint.
func TestSimBlackhole(t *testing.T) {
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	id, _ := c.OpenStream(streams.Bidi)
	snd := &sender{c: c, id: id, data: randomData(10<<20, 3)}
	var cut protocol.Time
	err := p.RunUntil(func() bool {
		if c.Err() == nil {
			snd.pump(t)
		}
		if cut == 0 && p.Now() > protocol.Time(time.Second) {
			cut = p.Now()
			forever := []simnet.Window{{From: time.Duration(cut), To: 1 << 62}}
			p.ToServer.Config.Blackholes = forever
			p.ToClient.Config.Blackholes = forever
		}
		return cl.done[c] && sv.done[s]
	}, 2*time.Minute)
	if err != nil {
		t.Fatalf("not drained: %v (client err %v, server err %v)", err, c.Err(), s.Err())
	}
	if snd.done {
		t.Fatal("the transfer finished before the blackhole")
	}
	for name, err := range map[string]error{"client": cl.closed[c], "server": sv.closed[s]} {
		if !errors.Is(err, ErrIdleTimeout) {
			t.Errorf("%s ended with %v, want the idle timeout", name, err)
		}
	}
	if end := time.Duration(p.Now() - cut); end > 30*time.Second+5*time.Second {
		t.Errorf("drained %v after the blackhole with a 30 s idle timeout", end)
	}
	if cl.ep.Conns() != 0 || sv.ep.Conns() != 0 || len(cl.conns) != 0 || len(sv.conns) != 0 {
		t.Fatalf("state left: client routes %d conns %d, server routes %d conns %d", cl.ep.Conns(), len(cl.conns), sv.ep.Conns(), len(sv.conns))
	}
	// A late packet to the old connection ID reaches no connection.
	late := rawShortPacket(c, []byte{wire.FrameTypePing})
	if r := sv.ep.Route(p.Now(), Datagram{Remote: p.Client.Addr(), Data: late}, make([]byte, 1500)); r.Kind == RouteConn || r.Kind == RouteNewConn {
		t.Fatalf("a drained connection's ID still routes: %v", r.Kind)
	}
	if c.NextTimeout() != protocol.Never || s.NextTimeout() != protocol.Never {
		t.Fatal("a drained connection still has a timer")
	}
}

// TestSimClose closes a connection from the application: the peer sees
// the code and reason (RFC 9000, 10.2), and both ends drain after about
// three PTOs (RFC 9000, 10.2: closing and draining last three PTOs).
func TestSimClose(t *testing.T) {
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	if err := p.RunFor(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	closeAt := p.Now()
	cpto := c.loss.RTT().PTO(true)
	c.Close(closeAt, 0x42, "bye")
	cl.events(c)
	var sClosedAt, cDone, sDone protocol.Time
	err := p.RunUntil(func() bool {
		if sClosedAt == 0 && sv.closed[s] != nil {
			sClosedAt = p.Now()
		}
		if cDone == 0 && cl.done[c] {
			cDone = p.Now()
		}
		if sDone == 0 && sv.done[s] {
			sDone = p.Now()
		}
		return cDone != 0 && sDone != 0
	}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var pe *PeerClosedError
	if !errors.As(sv.closed[s], &pe) || !pe.Application || pe.Code != 0x42 || pe.Reason != "bye" {
		t.Fatalf("server saw %v, want the application's code 0x42 and reason", sv.closed[s])
	}
	var ae *AppCloseError
	if !errors.As(cl.closed[c], &ae) || ae.Code != 0x42 {
		t.Fatalf("client's own close reported as %v", cl.closed[c])
	}
	spto := s.loss.RTT().PTO(true)
	if d := cDone.Sub(closeAt); d < 2*cpto || d > 4*cpto {
		t.Errorf("client drained %v after closing, want about 3 PTO (%v)", d, 3*cpto)
	}
	if d := sDone.Sub(sClosedAt); d < 2*spto || d > 4*spto {
		t.Errorf("server drained %v after the peer's close, want about 3 PTO (%v)", d, 3*spto)
	}
	if sv.ep.Conns() != 0 || cl.ep.Conns() != 0 {
		t.Errorf("routes left: client %d, server %d", cl.ep.Conns(), sv.ep.Conns())
	}
}

// TestClosingRateLimit feeds a closing connection a stream of packets: it
// answers with CONNECTION_CLOSE, but at a falling rate (RFC 9000, 10.2.1).
func TestClosingRateLimit(t *testing.T) {
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	now := p.Now()
	c.Close(now, 7, "done")
	cl.events(c)
	if n := len(drainTransmits(cl, now)); n != 1 {
		t.Fatalf("close sent %d datagrams, want 1", n)
	}
	const incoming = 64
	var replies [][]byte
	for range incoming {
		pkt := rawShortPacket(s, []byte{wire.FrameTypePing})
		cl.HandleDatagram(now, simnet.Datagram{From: p.Server.Addr(), To: p.Client.Addr(), Data: pkt})
		replies = append(replies, drainTransmits(cl, now)...)
	}
	if len(replies) == 0 || len(replies) > 8 {
		t.Fatalf("answered %d packets with %d CONNECTION_CLOSE datagrams, want between 1 and 8", incoming, len(replies))
	}
	// The replies are CONNECTION_CLOSE frames the peer understands.
	sv.HandleDatagram(now, simnet.Datagram{From: p.Client.Addr(), To: p.Server.Addr(), Data: replies[0]})
	var pe *PeerClosedError
	if !errors.As(s.Err(), &pe) || pe.Code != 7 {
		t.Fatalf("peer read the reply as %v", s.Err())
	}
}
