package core

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// initialSpy wraps a server simEP and records the packet number of every
// client Initial packet it receives, by Destination Connection ID: it
// derives the Initial keys from that DCID (RFC 9001, 5.2) and removes the
// header protection on a copy.
type initialSpy struct {
	*addrEP
	pns map[protocol.ConnectionID][]int64
}

func (s *initialSpy) HandleDatagram(now protocol.Time, d simnet.Datagram) {
	b := d.Data
	for _, h := range longHeaders(b) {
		if h.Type == protocol.PacketInitial {
			_, open, err := protect.NewInitialKeys(h.Version, h.DCID.Bytes(), true)
			if err == nil {
				pkt := append([]byte(nil), b[:h.PacketLen]...)
				if _, pnLen, trunc, err := open.Unprotect(pkt, h.PNOffset); err == nil {
					s.pns[h.DCID] = append(s.pns[h.DCID], packet.DecodePacketNumber(-1, trunc, pnLen*8))
				}
			}
		}
		b = b[h.PacketLen:]
	}
	s.addrEP.HandleDatagram(now, d)
}

// retryRule counts Retry packets on a link and corrupts the integrity tag
// of the first badTags of them; it records each Retry's Source Connection
// ID.
func retryRule(badTags int, scids *[]protocol.ConnectionID) simnet.Rule {
	return func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
		hs := longHeaders(d.Data)
		if len(hs) == 1 && hs[0].Type == protocol.PacketRetry {
			*scids = append(*scids, hs[0].SCID)
			if len(*scids) <= badTags {
				d.Data[len(d.Data)-1] ^= 0x55
			}
		}
		return simnet.Pass()
	}
}

// TestSimRetry runs the handshake through a server that requires address
// validation with Retry (RFC 9000, 8.1.2). The client's Initial packet
// numbers continue after the Retry (RFC 9000, 17.2.5.3), exactly one server
// connection is created, and a Retry with a bad integrity tag is discarded
// (RFC 9001, 5.8).
func TestSimRetry(t *testing.T) {
	for _, tt := range []struct {
		name    string
		badTags int
	}{
		{"valid", 0},
		{"first tag corrupted", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var spy *initialSpy
			p, _, sv, c := newSimPairReplies(t, simnet.TestSeed(t), simnet.SimpleP2P(), nil,
				func(ec *EndpointConfig) { ec.RequireRetry = true },
				func(a *addrEP) simnet.Endpoint {
					spy = &initialSpy{addrEP: a, pns: map[protocol.ConnectionID][]int64{}}
					return spy
				})
			var retries []protocol.ConnectionID
			p.ToClient.Config.Rules = []simnet.Rule{retryRule(tt.badTags, &retries)}
			odcid := c.odcid
			establish(t, p, c, sv)
			if err := p.RunFor(time.Second); err != nil {
				t.Fatal(err)
			}
			if len(retries) < tt.badTags+1 {
				t.Fatalf("%d Retry packets, want at least %d", len(retries), tt.badTags+1)
			}
			if !c.gotRetry || c.retrySCID != retries[tt.badTags] {
				t.Fatalf("client used Retry %v (got %v), want the one with the valid tag, %v", c.retrySCID, c.gotRetry, retries[tt.badTags])
			}
			if tt.badTags > 0 && c.Stats().PacketsDropped == 0 {
				t.Error("the Retry with a bad tag was not counted as dropped")
			}
			if len(sv.accepted) != 1 {
				t.Fatalf("server created %d connections", len(sv.accepted))
			}
			before, after := spy.pns[odcid], spy.pns[c.retrySCID]
			if len(before) == 0 || len(after) == 0 {
				t.Fatalf("Initial packet numbers seen: before Retry %v, after %v", before, after)
			}
			if slices.Min(after) <= slices.Max(before) {
				t.Fatalf("Initial packet numbers restarted after Retry: before %v, after %v", before, after)
			}
			if !sv.accepted[0].gotRetry || sv.accepted[0].odcid != odcid {
				t.Fatalf("server connection does not know the Retry: odcid %v, want %v", sv.accepted[0].odcid, odcid)
			}
		})
	}
}

// TestSimVersionNegotiation covers both ways a version is agreed on: a
// client offering only a version the server lacks gets a Version
// Negotiation packet and gives up (RFC 9000, 6.2), and a client offering
// [v1, v2] to a server preferring v2 is moved to v2 by compatible version
// negotiation (RFC 9368, 2.3; RFC 9369).
func TestSimVersionNegotiation(t *testing.T) {
	t.Run("incompatible", func(t *testing.T) {
		p, cl, sv, c := newSimPairReplies(t, simnet.TestSeed(t), simnet.SimpleP2P(),
			func(ec *EndpointConfig) { ec.Conn.Versions = []protocol.Version{protocol.Version2} },
			func(ec *EndpointConfig) { ec.Conn.Versions = []protocol.Version{protocol.Version1} }, nil)
		if err := p.RunUntil(func() bool { return cl.done[c] }, time.Second); err != nil {
			t.Fatalf("client did not give up: %v (err %v)", err, c.Err())
		}
		var ve *VersionNegotiationError
		if !errors.As(cl.closed[c], &ve) {
			t.Fatalf("client ended with %v, want a VersionNegotiationError", cl.closed[c])
		}
		if !slices.Contains(ve.Offered, protocol.Version1) || slices.Contains(ve.Offered, protocol.Version2) {
			t.Fatalf("offered versions %v", ve.Offered)
		}
		if len(sv.accepted) != 0 {
			t.Fatalf("server created %d connections for an unsupported version", len(sv.accepted))
		}
	})
	t.Run("compatible", func(t *testing.T) {
		p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(),
			func(ec *EndpointConfig) {
				ec.Conn.Versions = []protocol.Version{protocol.Version1, protocol.Version2}
			},
			func(ec *EndpointConfig) {
				ec.Conn.Versions = []protocol.Version{protocol.Version2, protocol.Version1}
			})
		var hsVersions []protocol.Version
		record := func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
			for _, h := range longHeaders(d.Data) {
				if h.Type == protocol.PacketHandshake {
					hsVersions = append(hsVersions, h.Version)
				}
			}
			return simnet.Pass()
		}
		p.ToServer.Config.Rules = []simnet.Rule{record}
		p.ToClient.Config.Rules = []simnet.Rule{record}
		if err := p.RunUntil(func() bool { return confirmed(c, sv) }, 5*time.Second); err != nil {
			sv := sv.accepted[0]
			t.Fatalf("handshake: %v; client on %v dropped %d packets, server on %v", err, c.Version(), c.Stats().PacketsDropped, sv.Version())
		}
		s := sv.accepted[0]
		if c.Version() != protocol.Version2 || s.Version() != protocol.Version2 {
			t.Fatalf("versions: client %v, server %v; want v2", c.Version(), s.Version())
		}
		if len(hsVersions) == 0 {
			t.Fatal("no Handshake packets seen")
		}
		for _, v := range hsVersions {
			if v != protocol.Version2 {
				t.Fatalf("Handshake packet of version %v", v)
			}
		}
		if len(sv.accepted) != 1 {
			t.Fatalf("server created %d connections", len(sv.accepted))
		}
	})
}

// TestSimStatelessReset makes the server forget a connection: the client's
// next packet draws a stateless reset smaller than itself (RFC 9000,
// 10.3.3), and the client ends with ErrStatelessReset and sends nothing
// more (RFC 9000, 10.3.1).
func TestSimStatelessReset(t *testing.T) {
	p, cl, sv, c := newSimPairReplies(t, simnet.TestSeed(t), simnet.SimpleP2P(), nil, nil, nil)
	s := establish(t, p, c, sv)
	if err := p.RunFor(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// The server loses its state, as after a restart.
	sv.ep.RemoveConn(s)
	sv.conns = slices.DeleteFunc(sv.conns, func(x *Conn) bool { return x == s })
	var lastIn int
	var resets, clientSends int
	p.Trace = func(e simnet.Event) {
		switch {
		case e.Kind == simnet.EventDeliver && e.To == p.Server.LocalAddr():
			lastIn = e.Len
		case e.Kind == simnet.EventSend && e.From == p.Server.Addr():
			resets++
			if e.Len >= lastIn {
				t.Errorf("stateless reset of %d bytes for a %d-byte packet", e.Len, lastIn)
			}
		case e.Kind == simnet.EventSend && e.From == p.Client.Addr():
			clientSends++
		}
	}
	id, _ := c.OpenStream(streams.Bidi)
	if _, err := c.StreamWrite(id, make([]byte, 200)); err != nil {
		t.Fatal(err)
	}
	if err := p.RunUntil(func() bool { return cl.closed[c] != nil }, 5*time.Second); err != nil {
		t.Fatalf("client did not notice the reset: %v", err)
	}
	if resets == 0 || sv.ep.StatelessResetsSent == 0 {
		t.Fatal("no stateless reset was sent")
	}
	if !errors.Is(cl.closed[c], ErrStatelessReset) {
		t.Errorf("client ended with %v (%T), want ErrStatelessReset", cl.closed[c], cl.closed[c])
	}
	sent := clientSends
	if err := p.RunUntil(func() bool { return cl.done[c] }, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if clientSends != sent {
		t.Errorf("client sent %d datagrams after the stateless reset", clientSends-sent)
	}
	_ = wire.FrameTypePing
}

// TestStatelessResetDetected hands a stateless reset straight to the
// client connection, bypassing the endpoint: a datagram that does not
// decrypt and ends in the peer's stateless_reset_token ends the connection
// with ErrStatelessReset, which moves it to draining (RFC 9000, 10.3.1).
func TestStatelessResetDetected(t *testing.T) {
	p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	if !c.peerParams.HasStatelessResetToken {
		t.Fatal("server sent no stateless_reset_token")
	}
	if c.peerParams.StatelessResetToken != s.serverResetToken {
		t.Fatal("client holds a different token than the server sent")
	}
	reset := randomData(43, 9)
	reset[0] = 0x40 | reset[0]&0x3f
	tok := c.peerParams.StatelessResetToken
	copy(reset[len(reset)-16:], tok[:])
	c.HandleDatagram(p.Now(), Datagram{Remote: p.Server.Addr(), Data: reset})
	cl.events(c)
	if !errors.Is(c.Err(), ErrStatelessReset) {
		t.Fatalf("connection ended with %v (%T), want ErrStatelessReset", c.Err(), c.Err())
	}
	if c.state != stateDraining {
		t.Fatalf("state %d after a stateless reset, want draining", c.state)
	}
	if out := drainTransmits(cl, p.Now()); len(out) != 0 {
		t.Fatalf("sent %d datagrams after a stateless reset", len(out))
	}
}
