package core

import (
	"crypto/tls"
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

// TestSimResumedHandshakeLoss is handshakeloss for resumed sessions, as the
// runner's handshakeloss case makes them one after another. The server's
// first flight is then an Initial with the ServerHello and a short
// Handshake packet, which a client without the ServerHello can neither
// read nor acknowledge.
func TestSimResumedHandshakeLoss(t *testing.T) {
	cache := func(ec *EndpointConfig) {
		ec.Conn.TLS.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	}
	for _, burst := range []int{0, 3} {
		for i := range 40 {
			t.Run(fmt.Sprintf("burst%d/seed%d", burst, i), func(t *testing.T) {
				seed := simnet.TestSeed(t)
				p, cl, sv, first := newSimPairWith(t, seed, simnet.SimpleP2P(), cache, nil)
				establish(t, p, first, sv)
				if err := p.RunFor(time.Second); err != nil { // the ticket arrives
					t.Fatal(err)
				}
				for _, l := range []*simnet.Link{p.ToServer, p.ToClient} {
					l.Config.LossPercent = 30
					l.Config.LossBurst = burst
				}
				c := cl.dial(p.Now(), p.Server.Addr())
				timeout := cl.ep.cfg.Conn.HandshakeTimeout
				done := func() bool {
					return c.handshakeConfirmed && len(sv.accepted) == 2 && sv.accepted[1].handshakeConfirmed
				}
				if err := p.RunUntil(done, timeout); err != nil {
					t.Fatalf("resumed handshake not confirmed within %v: %v (client err %v, server conns %d)", timeout, err, c.Err(), len(sv.accepted))
				}
				if !c.TLSState().DidResume {
					t.Fatal("the second connection did not resume")
				}
			})
		}
	}
}
