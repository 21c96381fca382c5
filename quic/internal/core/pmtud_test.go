package core

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimPMTUD checks that path MTU discovery finds the largest datagram
// the path carries, up to the configured ceiling, and never exceeds it.
func TestSimPMTUD(t *testing.T) {
	tests := []struct {
		name     string
		linkMTU  int // IP packet size the link carries; 0 for none
		min, max int // expected datagram size range
	}{
		{"unlimited path reaches the ceiling", 0, 1452, 1452},
		{"1400-byte IPv4 path", 1400, 1400 - 28 - pmtudGranularity, 1400 - 28},
		{"1280-byte path", 1280, 1280 - 28 - pmtudGranularity, 1280 - 28},
		{"minimal path stays at 1200", 1228, 1200, 1200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := simnet.SimpleP2P()
			link.MTU = tt.linkMTU
			p, _, sv, c := newSimPair(t, simnet.TestSeed(t), link)
			if err := p.RunUntil(func() bool { return confirmed(c, sv) }, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			if err := p.RunFor(10 * time.Second); err != nil {
				t.Fatal(err)
			}
			if got := c.path.mtu; got < tt.min || got > tt.max {
				t.Errorf("client datagram size %d, want %d..%d", got, tt.min, tt.max)
			}
			if c.Err() != nil {
				t.Errorf("connection failed: %v", c.Err())
			}
		})
	}
}
