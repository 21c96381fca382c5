package core

import (
	"bytes"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// capturedDatagrams runs the fuzzSeed pair through its handshake and a
// short exchange and returns the datagrams each way, as the wire carried
// them.
func capturedDatagrams(t testing.TB) (toServer, toClient [][]byte) {
	p, _, sv, c := newSimPair(t, fuzzSeed, simnet.SimpleP2P())
	record := func(dst *[][]byte) simnet.Rule {
		return func(_ time.Duration, d *simnet.Datagram) simnet.Verdict {
			*dst = append(*dst, bytes.Clone(d.Data))
			return simnet.Pass()
		}
	}
	p.ToServer.Config.Rules = []simnet.Rule{record(&toServer)}
	p.ToClient.Config.Rules = []simnet.Rule{record(&toClient)}
	establish(t, p, c, sv)
	id, _ := c.OpenStream(0)
	if _, err := c.StreamWrite(id, []byte("captured")); err != nil {
		t.Fatal(err)
	}
	if err := p.RunFor(200 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return toServer, toClient
}

// FuzzEndpointDatagram feeds one arbitrary datagram, mutated from captured
// real ones, through Endpoint.Route and Conn.HandleDatagram of a client
// and server pair, with no qlog. The first input byte picks the target
// (bit 0: server or client endpoint) and the moment (bit 1: before the
// handshake or once it is confirmed). Whatever the datagram, nothing
// panics, every connection stays within its bounds, stateless replies
// obey their rules (no Version Negotiation below 1200 bytes, a stateless
// reset smaller than its trigger, RFC 9000, 6.1 and 10.3), and a datagram
// nobody could authenticate does not end an established connection.
func FuzzEndpointDatagram(f *testing.F) {
	toServer, toClient := capturedDatagrams(f)
	for _, d := range toServer {
		f.Add(append([]byte{0}, d...))
		f.Add(append([]byte{2}, d...))
	}
	for _, d := range toClient {
		f.Add(append([]byte{1}, d...))
		f.Add(append([]byte{3}, d...))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 || len(in) > 1501 {
			return
		}
		mode, dg := in[0], bytes.Clone(in[1:])
		p, cl, sv, c := newSimPair(t, fuzzSeed, simnet.SimpleP2P())
		p.MaxSteps = fuzzMaxSteps
		var s *Conn
		if mode&2 != 0 {
			s = establish(t, p, c, sv)
		}
		ep, from, to := sv, p.Client.Addr(), p.Server.Addr()
		if mode&1 != 0 {
			ep, from, to = cl, p.Server.Addr(), p.Client.Addr()
		}
		replies := len(ep.replies)
		ep.HandleDatagram(p.Now(), simnet.Datagram{From: from, To: to, Data: dg})
		for _, r := range ep.replies[replies:] {
			checkStatelessReply(t, in[1:], r.b)
		}
		if err := p.RunFor(time.Second); err != nil {
			t.Fatalf("network: %v", err)
		}
		for _, x := range append(append([]*Conn(nil), sv.conns...), cl.conns...) {
			checkConnBounds(t, x)
		}
		if s != nil && (s.Err() != nil || c.Err() != nil) {
			t.Fatalf("an unauthenticated datagram ended the connection: server %v, client %v", s.Err(), c.Err())
		}
		if len(sv.accepted) > 2 {
			t.Fatalf("one datagram made %d server connections", len(sv.accepted))
		}
	})
}

// checkStatelessReply checks a reply the endpoint sent for a datagram no
// connection took.
func checkStatelessReply(t testing.TB, in, reply []byte) {
	t.Helper()
	if len(reply) == 0 {
		t.Fatal("empty stateless reply")
	}
	if !packet.IsLongHeader(reply[0]) {
		// RFC 9000, 10.3.3: a stateless reset is smaller than its trigger.
		if len(reply) >= len(in) {
			t.Fatalf("stateless reset of %d bytes for a %d-byte datagram", len(reply), len(in))
		}
		return
	}
	// A Version Negotiation packet is a long header with version 0.
	isVN := len(reply) >= 5 && reply[1]|reply[2]|reply[3]|reply[4] == 0
	if isVN && len(in) < protocol.MinInitialDatagramSize {
		t.Fatalf("Version Negotiation in reply to a %d-byte datagram", len(in))
	}
	if len(reply) > 3*len(in) {
		t.Fatalf("stateless reply of %d bytes to a %d-byte datagram", len(reply), len(in))
	}
}
