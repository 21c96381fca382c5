package core

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimHandshakeDoneProbe loses the datagrams with 1-RTT packets the
// server sends when its handshake completes, those carrying HANDSHAKE_DONE. The server's PTO probe should
// carry the unacknowledged HANDSHAKE_DONE again (RFC 9002, 6.2.4: probes
// SHOULD carry data rather than only PING), so that the client confirms
// the handshake when the probe arrives instead of a round trip later. Under
// 30 % loss the bare-PING probe is what stretches the rare slow handshakes
// of TestSimHandshakeLoss past the handshake timeout.
func TestSimHandshakeDoneProbe(t *testing.T) {
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	var dropAt protocol.Time
	p.ToClient.Config.Rules = []simnet.Rule{func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
		if len(sv.accepted) == 0 || !sv.accepted[0].handshakeDone {
			return simnet.Pass()
		}
		if dropAt != 0 && protocol.Time(now) != dropAt {
			return simnet.Pass()
		}
		off := 0
		for _, h := range longHeaders(d.Data) {
			off += h.PacketLen
		}
		if off < len(d.Data) {
			// Everything with 1-RTT packets the server sends at that
			// moment.
			dropAt = protocol.Time(now)
			return simnet.Drop()
		}
		return simnet.Pass()
	}}
	if err := p.RunUntil(func() bool { return confirmed(c, sv) }, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if dropAt == 0 {
		t.Fatal("no 1-RTT datagram was dropped")
	}
	s := sv.accepted[0]
	pto := s.loss.RTT().PTO(true)
	oneWay := 15 * time.Millisecond
	if late := p.Now().Sub(dropAt) - pto - oneWay; late > 10*time.Millisecond {
		t.Fatalf("client confirmed %v after the lost HANDSHAKE_DONE, %v later than the server's PTO probe (PTO %v) could bring it", p.Now().Sub(dropAt), late, pto)
	}
}
