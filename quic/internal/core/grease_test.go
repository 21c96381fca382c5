package core

import (
	"bytes"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// TestSimGreaseQUICBit: with QUIC bit greasing on both sides (RFC 9287),
// 1-RTT packets go out with the bit cleared about half the time and the
// peer accepts them.
func TestSimGreaseQUICBit(t *testing.T) {
	on := func(ec *EndpointConfig) { ec.Conn.GreaseQUICBit = true }
	p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), on, on)
	cleared := 0
	p.ToServer.Config.Rules = []simnet.Rule{func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
		if len(d.Data) > 0 && d.Data[0]&0xc0 == 0 {
			cleared++ // short header with the QUIC bit cleared
		}
		return simnet.Pass()
	}}
	data := randomData(256<<10, 8)
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
	}, 20*time.Second)
	if err != nil || !bytes.Equal(rcv.buf, data) {
		t.Fatalf("transfer: %v (%d bytes)", err, len(rcv.buf))
	}
	if cleared == 0 {
		t.Error("no packet had the QUIC bit cleared")
	}
	if dropped := sv.accepted[0].Stats().PacketsDropped; dropped > 0 {
		t.Errorf("server dropped %d packets", dropped)
	}
}
