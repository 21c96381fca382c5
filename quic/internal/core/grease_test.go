package core

import (
	"bytes"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
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
	got, err := runUpload(t, p, c, sv, data, 20*time.Second, nil)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("transfer: %v (%d bytes)", err, len(got))
	}
	if cleared == 0 {
		t.Error("no packet had the QUIC bit cleared")
	}
	if dropped := sv.accepted[0].Stats().PacketsDropped; dropped > 0 {
		t.Errorf("server dropped %d packets", dropped)
	}
}
