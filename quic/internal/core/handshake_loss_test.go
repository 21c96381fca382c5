package core

import (
	"fmt"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimHandshakeLoss is the runner's handshakeloss case: 30 % loss in both
// directions, with and without its burst cap, over many seeds. Each
// handshake must be confirmed on both ends within the handshake timeout,
// and retransmitted client Initials must not create a second server
// connection (RFC 9000, 7.2: they keep the same Destination Connection ID).
func TestSimHandshakeLoss(t *testing.T) {
	for _, burst := range []int{0, 3} {
		for i := range 20 {
			t.Run(fmt.Sprintf("burst%d/seed%d", burst, i), func(t *testing.T) {
				link := simnet.SimpleP2P()
				link.LossPercent = 30
				link.LossBurst = burst
				seed := simnet.TestSeed(t)
				p, cl, sv, c := newSimPair(t, seed, link)
				timeout := cl.ep.cfg.Conn.HandshakeTimeout
				err := p.RunUntil(func() bool { return confirmed(c, sv) }, timeout)
				if err != nil {
					t.Fatalf("handshake not confirmed within %v: %v (client err %v, server conns %d)", timeout, err, c.Err(), len(sv.accepted))
				}
				// Let stray retransmissions arrive: they must not create a
				// connection either.
				if err := p.RunFor(2 * time.Second); err != nil {
					t.Fatal(err)
				}
				if len(sv.accepted) != 1 {
					t.Fatalf("server accepted %d connections for one client", len(sv.accepted))
				}
				if c.Err() != nil || sv.accepted[0].Err() != nil {
					t.Fatalf("connection ended: client %v, server %v", c.Err(), sv.accepted[0].Err())
				}
			})
		}
	}
}
