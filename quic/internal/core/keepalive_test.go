package core

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimKeepAlive: with a keep-alive period below the idle timeout, an
// idle connection stays open (RFC 9000, 10.1.2); without it, it times out.
func TestSimKeepAlive(t *testing.T) {
	tests := []struct {
		name      string
		keepAlive time.Duration
		wantOpen  bool
	}{
		{"keep-alive every 1s", time.Second, true},
		{"no keep-alive", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := func(ec *EndpointConfig) {
				ec.Conn.MaxIdleTimeout = 3 * time.Second
				ec.Conn.KeepAlivePeriod = tt.keepAlive
			}
			p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), conf, func(ec *EndpointConfig) {
				ec.Conn.MaxIdleTimeout = 3 * time.Second
			})
			if err := p.RunUntil(func() bool { return confirmed(c, sv) }, 5*time.Second); err != nil {
				t.Fatal(err)
			}
			if err := p.RunFor(20 * time.Second); err != nil {
				t.Fatal(err)
			}
			open := c.Err() == nil && sv.accepted[0].Err() == nil
			if open != tt.wantOpen {
				t.Errorf("after 20 s idle: open %v (client %v, server %v), want open %v", open, c.Err(), sv.accepted[0].Err(), tt.wantOpen)
			}
		})
	}
}
