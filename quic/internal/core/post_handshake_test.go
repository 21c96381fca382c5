package core

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestNewTokenAfterHandshake checks when the server sends NEW_TOKEN (RFC
// 9000, 8.1.3): not in its first flight, whose packets the client must
// open before the handshake goes on, but once the handshake completed,
// with HANDSHAKE_DONE.
func TestNewTokenAfterHandshake(t *testing.T) {
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	flightSent := func() bool {
		return len(sv.accepted) > 0 && sv.accepted[0].spaces[protocol.SpaceHandshake].nextPN > 0
	}
	if err := p.RunUntil(flightSent, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	s := sv.accepted[0]
	if s.handshakeDone || !s.newTokenNeeded {
		t.Fatalf("after the first flight: handshake done %v, NEW_TOKEN still to send %v; want false, true", s.handshakeDone, s.newTokenNeeded)
	}
	establish(t, p, c, sv)
	if s.newTokenNeeded {
		t.Fatal("NEW_TOKEN not sent after the handshake completed")
	}
}

// TestConnIDsAfterConfirmation checks that a client issues its spare
// connection IDs when the handshake is confirmed (HANDSHAKE_DONE), not
// when it completes: nobody migrates before confirmation (RFC 9000, 9).
func TestConnIDsAfterConfirmation(t *testing.T) {
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	if err := p.RunUntil(func() bool { return c.handshakeDone }, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if c.handshakeConfirmed {
		t.Fatal("handshake confirmed as it completed: no state between to check")
	}
	if n := c.localCIDs.Active(); n != 1 {
		t.Fatalf("client holds %d connection IDs before confirmation, want only its first", n)
	}
	s := establish(t, p, c, sv)
	if n := c.localCIDs.Active(); n < 2 {
		t.Fatalf("client holds %d connection IDs after confirmation, want spares", n)
	}
	if n := s.localCIDs.Active(); n < 2 {
		t.Fatalf("server holds %d connection IDs after the handshake, want spares", n)
	}
}
