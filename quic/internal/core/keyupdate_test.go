package core

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// TestSimKeyUpdate moves data both ways while the client and the server
// take turns updating the 1-RTT keys (RFC 9001, 6) every 50 ms of virtual
// time, as soon as each is allowed to: the transfer must finish byte for
// byte with several updates from each side.
func TestSimKeyUpdate(t *testing.T) {
	link := simnet.SimpleP2P()
	link.Bandwidth = 100_000_000
	link.Queue = 100
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), link)
	s := establish(t, p, c, sv)
	if err := p.RunFor(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := c.InitiateKeyUpdate(p.Now()); err != nil {
		t.Fatalf("first key update: %v", err)
	}
	// The next waits until a packet of the new phase is acknowledged
	// (RFC 9001, 6.1).
	if err := c.InitiateKeyUpdate(p.Now()); err == nil {
		t.Fatal("second key update allowed before any packet of the first was acknowledged")
	}
	updates := map[bool]int{false: 1}
	turn := true // false: the client's turn
	up, down := randomData(2<<20, 21), randomData(2<<20, 22)
	cid, _ := c.OpenStream(streams.Bidi)
	sid, _ := s.OpenStream(streams.Bidi)
	cs := &sender{c: c, id: cid, data: up}
	ss := &sender{c: s, id: sid, data: down}
	var atServer, atClient receiver
	next := p.Now()
	err := p.RunUntil(func() bool {
		if c.Err() != nil || s.Err() != nil {
			t.Fatalf("connection closed at %v after %d client and %d server key updates: client %v, server %v", time.Duration(p.Now()), updates[false], updates[true], c.Err(), s.Err())
		}
		cs.pump(t)
		ss.pump(t)
		if len(sv.opened[s]) > 0 {
			atServer.pump(t, s, sv.opened[s][0])
		}
		if len(cl.opened[c]) > 0 {
			atClient.pump(t, c, cl.opened[c][0])
		}
		// Take a turn once the previous update reached both ends, so that
		// updates do not cross (simultaneous updates are legal but would
		// make the count ambiguous).
		synced := c.oneRTT.ReadGeneration() == c.oneRTT.WriteGeneration() &&
			s.oneRTT.ReadGeneration() == s.oneRTT.WriteGeneration() &&
			c.oneRTT.WriteGeneration() == s.oneRTT.WriteGeneration()
		if p.Now() >= next && synced {
			conn := c
			if turn {
				conn = s
			}
			if err := conn.InitiateKeyUpdate(p.Now()); err == nil {
				updates[turn]++
				turn = !turn
				next = p.Now().Add(50 * time.Millisecond)
			}
		}
		return atServer.eof && atClient.eof
	}, 60*time.Second)
	if err != nil {
		t.Fatalf("transfer: %v; updates client %d server %d", err, updates[false], updates[true])
	}
	if !bytes.Equal(atServer.buf, up) || !bytes.Equal(atClient.buf, down) {
		t.Fatalf("data differs: up %d of %d, down %d of %d bytes", len(atServer.buf), len(up), len(atClient.buf), len(down))
	}
	if updates[false] < 3 || updates[true] < 3 {
		t.Fatalf("only %d client and %d server key updates", updates[false], updates[true])
	}
	// Every update moved both ends one key generation on; the last may
	// not have reached the peer yet.
	total := uint64(updates[false] + updates[true])
	cg, sg := c.oneRTT.WriteGeneration(), s.oneRTT.WriteGeneration()
	if max(cg, sg) != total || max(cg, sg)-min(cg, sg) > 1 {
		t.Fatalf("write key generations: client %d, server %d after %d updates", cg, sg, total)
	}
	t.Logf("%d client and %d server updates in %v", updates[false], updates[true], time.Duration(p.Now()))
}

// TestKeyUpdateTwice makes the client update its keys a second time before
// any packet of the first update was acknowledged, which RFC 9001, 6.2
// lets the peer treat as KEY_UPDATE_ERROR.
func TestKeyUpdateTwice(t *testing.T) {
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	if err := p.RunFor(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	now := p.Now()
	deliver := func(to *simEP, from *simnet.Node, toNode *simnet.Node, dgs [][]byte) {
		for _, d := range dgs {
			to.HandleDatagram(now, simnet.Datagram{From: from.Addr(), To: toNode.LocalAddr(), Data: d})
		}
	}
	// The server updates its keys; its packet makes the client follow.
	if err := s.InitiateKeyUpdate(now); err != nil {
		t.Fatalf("server key update: %v", err)
	}
	sid, _ := s.OpenStream(streams.Bidi)
	s.StreamWrite(sid, []byte("x"))
	deliver(cl, p.Server, p.Client, drainTransmits(sv, now))
	if c.oneRTT.ReadGeneration() != 1 || c.oneRTT.WriteGeneration() != 1 {
		t.Fatalf("client did not follow the update: read %d write %d", c.oneRTT.ReadGeneration(), c.oneRTT.WriteGeneration())
	}
	// The client sends in the new phase, then updates again at once,
	// without waiting for an acknowledgement (bypassing its own guard).
	cid, _ := c.OpenStream(streams.Bidi)
	c.StreamWrite(cid, []byte("a"))
	first := drainTransmits(cl, now)
	if err := c.oneRTT.InitiateKeyUpdate(); err != nil {
		t.Fatalf("second update: %v", err)
	}
	c.StreamWrite(cid, []byte("b"))
	second := drainTransmits(cl, now)
	if len(first) == 0 || len(second) == 0 {
		t.Fatal("client sent nothing")
	}
	deliver(sv, p.Client, p.Server, append(first, second...))
	if got := transportCode(s.Err()); got != int64(qerr.KeyUpdateError) {
		t.Fatalf("server error %v, want KEY_UPDATE_ERROR", s.Err())
	}
	if err := p.RunUntil(func() bool { return cl.closed[c] != nil }, time.Second); err != nil {
		t.Fatal(err)
	}
	var pe *PeerClosedError
	if !errors.As(cl.closed[c], &pe) || pe.Code != uint64(qerr.KeyUpdateError) {
		t.Fatalf("client saw %v", cl.closed[c])
	}
	_ = protocol.Never
}

// TestKeyUpdateAfterPeerUpdate is the shortest legal sequence that
// TestSimKeyUpdate trips over: the server updates its keys, the client
// follows, and once a packet of the new phase is acknowledged the client
// starts the next update (RFC 9001, 6.1 allows it). Neither end may treat
// that as consecutive updates.
func TestKeyUpdateAfterPeerUpdate(t *testing.T) {
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	cid, _ := c.OpenStream(streams.Bidi)
	sid, _ := s.OpenStream(streams.Bidi)
	cs := &sender{c: c, id: cid, data: randomData(300<<10, 1)}
	ss := &sender{c: s, id: sid, data: randomData(300<<10, 2)}
	var atServer, atClient receiver
	pump := func() {
		cs.pump(t)
		ss.pump(t)
		if len(sv.opened[s]) > 0 {
			atServer.pump(t, s, sv.opened[s][0])
		}
		if len(cl.opened[c]) > 0 {
			atClient.pump(t, c, cl.opened[c][0])
		}
	}
	if err := p.RunFor(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := s.InitiateKeyUpdate(p.Now()); err != nil {
		t.Fatalf("server update: %v", err)
	}
	clientUpdated := false
	err := p.RunUntil(func() bool {
		if c.Err() != nil || s.Err() != nil {
			t.Fatalf("closed (client updated: %v): client %v, server %v", clientUpdated, c.Err(), s.Err())
		}
		pump()
		if !clientUpdated && c.oneRTT.ReadGeneration() == 1 {
			clientUpdated = c.InitiateKeyUpdate(p.Now()) == nil
		}
		return atServer.eof && atClient.eof
	}, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !clientUpdated || s.oneRTT.ReadGeneration() != 2 {
		t.Fatalf("client updated: %v; server read generation %d, want 2", clientUpdated, s.oneRTT.ReadGeneration())
	}
}
