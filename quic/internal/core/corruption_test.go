package core

import (
	"bytes"
	"testing"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimCorruption corrupts datagrams in both directions in each of the
// link's three ways. AEAD authentication (RFC 9001, 5.3) and header checks
// must drop every corrupted packet, so the transfer still completes byte
// for byte and no connection is closed by garbage.
func TestSimCorruption(t *testing.T) {
	for _, tt := range []struct {
		name string
		mode netmodel.CorruptMode
	}{
		{"byte", netmodel.CorruptByte},
		{"bitflip", netmodel.CorruptBitFlip},
		{"truncate", netmodel.CorruptTruncate},
	} {
		t.Run(tt.name, func(t *testing.T) {
			link := simnet.SimpleP2P()
			link.Bandwidth = 100_000_000
			link.Queue = 100
			link.CorruptPercent = 5
			link.CorruptMode = tt.mode
			p, _, sv, c := newSimPair(t, simnet.TestSeed(t), link)
			data := randomData(1<<20, 13)
			got := runOneStream(t, p, c, sv, data, 60*time.Second)
			if !bytes.Equal(got, data) {
				t.Fatalf("data differs: got %d bytes", len(got))
			}
			up, down := p.ToServer.Stats(), p.ToClient.Stats()
			if up.Corrupted == 0 || down.Corrupted == 0 {
				t.Fatalf("nothing corrupted: up %v, down %v", up, down)
			}
			s := sv.accepted[0]
			if c.Err() != nil || s.Err() != nil {
				t.Fatalf("connection closed: client %v, server %v", c.Err(), s.Err())
			}
			if s.Stats().PacketsDropped == 0 {
				t.Fatalf("server dropped no packet although %d datagrams were corrupted", up.Corrupted)
			}
			if len(sv.accepted) != 1 {
				t.Fatalf("corrupted Initials created %d server connections", len(sv.accepted))
			}
			t.Logf("corrupted up %d down %d; server dropped %d, client dropped %d", up.Corrupted, down.Corrupted, s.Stats().PacketsDropped, c.Stats().PacketsDropped)
		})
	}
}
