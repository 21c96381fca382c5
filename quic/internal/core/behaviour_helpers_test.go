package core

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// newSimPairWith is newSimPair with per-endpoint configuration changes.
func newSimPairWith(t testing.TB, seed uint64, link simnet.LinkConfig, clMod, svMod func(*EndpointConfig)) (*simnet.Pair, *simEP, *simEP, *Conn) {
	cl := newSimEP(t, false, seed, clMod)
	sv := newSimEP(t, true, seed+1000, svMod)
	p := simnet.NewPair(seed, link, cl, sv)
	c := cl.dial(p.Now(), p.Server.Addr())
	return p, cl, sv, c
}

// confirmed reports whether both ends of the first connection confirmed
// the handshake (RFC 9001, 4.1.2).
func confirmed(c *Conn, sv *simEP) bool {
	return c.handshakeConfirmed && len(sv.accepted) > 0 && sv.accepted[0].handshakeConfirmed
}

// establish runs a pair until both ends confirmed the handshake and
// returns the server's connection.
func establish(t testing.TB, p *simnet.Pair, c *Conn, sv *simEP) *Conn {
	t.Helper()
	if err := p.RunUntil(func() bool { return confirmed(c, sv) }, 5*time.Second); err != nil {
		t.Fatalf("handshake: %v (client err %v)", err, c.Err())
	}
	return sv.accepted[0]
}

// transportCode returns the code of a *qerr.TransportError, or -1.
func transportCode(err error) int64 {
	var te *qerr.TransportError
	if errors.As(err, &te) {
		return int64(te.Code)
	}
	return -1
}

// rawShortPacket seals payload in a 1-RTT packet as conn c would send it,
// with c's next packet number, bypassing c's frame logic: the way to make a
// real peer misbehave. The packet is not recorded for loss recovery.
func rawShortPacket(c *Conn, payload []byte) []byte {
	sp := &c.spaces[protocol.SpaceAppData]
	pn := sp.nextPN
	sp.nextPN++
	out := make([]byte, 1500)
	b := packet.AppendShortHeader(out[:0], c.remoteCIDs.Current(), int64(pn), 4, false, false)
	p := builtPacket{pt: protocol.Packet1RTT, lengthOffset: -1, pn: pn, pnLen: 4, pnOffset: len(b) - 4}
	b = append(b, payload...)
	p.end = len(b)
	c.protectPacket(out, &p)
	return out[:p.end+16]
}

// drainTransmits collects what ep would send now, without the network.
func drainTransmits(ep *simEP, now protocol.Time) [][]byte {
	var out [][]byte
	buf := make([]byte, 1500)
	for {
		d, ok := ep.PollTransmit(now, buf)
		if !ok {
			return out
		}
		out = append(out, append([]byte(nil), d.Data...))
	}
}

// longHeaders parses the long headers of a datagram's coalesced
// packets, ignoring what does not parse.
func longHeaders(b []byte) []packet.LongHeader {
	var hs []packet.LongHeader
	for len(b) > 0 && packet.IsLongHeader(b[0]) {
		h, err := packet.ParseLongHeader(b)
		if err != nil {
			return hs
		}
		hs = append(hs, h)
		if h.Type == protocol.PacketRetry || h.Type == protocol.PacketVersionNegotiation || h.PacketLen <= 0 || h.PacketLen > len(b) {
			return hs
		}
		b = b[h.PacketLen:]
	}
	return hs
}

// addrEP addresses the stateless replies (Version Negotiation, Retry,
// stateless reset) of a simEP to the source of the datagram that caused
// them: simEP.PollTransmit leaves their destination empty, so the network
// would drop them as unroutable.
type addrEP struct {
	*simEP
	replyTo []netip.AddrPort
}

func (a *addrEP) HandleDatagram(now protocol.Time, d simnet.Datagram) {
	n := len(a.replies)
	a.simEP.HandleDatagram(now, d)
	for range len(a.replies) - n {
		a.replyTo = append(a.replyTo, d.From)
	}
}

func (a *addrEP) PollTransmit(now protocol.Time, buf []byte) (simnet.Datagram, bool) {
	if len(a.replies) == 0 {
		return a.simEP.PollTransmit(now, buf)
	}
	to := a.replyTo[0]
	a.replyTo = a.replyTo[1:]
	d, ok := a.simEP.PollTransmit(now, buf)
	d.To = to
	return d, ok
}

// newSimPairReplies is newSimPairWith with the server's stateless replies
// routed (see addrEP); wrap, if set, wraps the server endpoint further.
func newSimPairReplies(t testing.TB, seed uint64, link simnet.LinkConfig, clMod, svMod func(*EndpointConfig), wrap func(*addrEP) simnet.Endpoint) (*simnet.Pair, *simEP, *simEP, *Conn) {
	cl := newSimEP(t, false, seed, clMod)
	sv := newSimEP(t, true, seed+1000, svMod)
	var ep simnet.Endpoint = &addrEP{simEP: sv}
	if wrap != nil {
		ep = wrap(ep.(*addrEP))
	}
	p := simnet.NewPair(seed, link, cl, ep)
	c := cl.dial(p.Now(), p.Server.Addr())
	return p, cl, sv, c
}
