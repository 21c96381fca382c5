package core

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimECN checks ECN on the client's path (RFC 9000, 13.4; RFC 9002,
// 7.1): packets go out marked ECT(0) and the path validates on a clean
// link; a link that strips the marks fails validation and marking stops;
// CE marks shrink the congestion window although nothing is lost.
func TestSimECN(t *testing.T) {
	for _, tt := range []struct {
		name  string
		rule  func(n *int) simnet.Rule
		state ecnState
	}{
		{"clean", nil, ecnCapable},
		{"bleached", func(n *int) simnet.Rule {
			return func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
				d.ECN = simnet.NotECT
				return simnet.Pass()
			}
		}, ecnFailed},
		{"CE", func(n *int) simnet.Rule {
			return func(now time.Duration, d *simnet.Datagram) simnet.Verdict {
				if *n++; d.ECN != simnet.NotECT && *n%20 == 0 && now > 200*time.Millisecond {
					d.ECN = simnet.CE
				}
				return simnet.Pass()
			}
		}, ecnCapable},
	} {
		t.Run(tt.name, func(t *testing.T) {
			link := simnet.SimpleP2P()
			link.Bandwidth = 100_000_000
			link.Queue = 1000
			p, _, sv, c := newSimPair(t, simnet.TestSeed(t), link)
			var count int
			if tt.rule != nil {
				p.ToServer.Config.Rules = []simnet.Rule{tt.rule(&count)}
			}
			var sends []uint8
			p.Trace = func(e simnet.Event) {
				if e.Kind == simnet.EventSend && e.From == p.Client.Addr() {
					sends = append(sends, e.ECN)
				}
			}
			data := randomData(1<<20, 17)
			runOneStream(t, p, c, sv, data, 30*time.Second)
			if sends[0] != simnet.ECT0 {
				t.Fatalf("first datagram marked %d, want ECT(0)", sends[0])
			}
			if c.path.ecn != tt.state {
				t.Fatalf("ECN state %d, want %d", c.path.ecn, tt.state)
			}
			want := uint8(simnet.ECT0)
			if tt.state == ecnFailed {
				want = simnet.NotECT
			}
			if last := sends[len(sends)-1]; last != want {
				t.Fatalf("last datagram marked %d, want %d", last, want)
			}
			m := c.Metrics()
			reduced := m.SSThresh != congestion.InfiniteSSThresh
			if c.Stats().PacketsLost != 0 {
				t.Fatalf("%d packets lost on a lossless link", c.Stats().PacketsLost)
			}
			if want := tt.name == "CE"; reduced != want {
				t.Fatalf("congestion window reduced: %v (ssthresh %d, cwnd %d), want %v", reduced, m.SSThresh, m.CongestionWindow, want)
			}
			t.Logf("cwnd %d ssthresh %d, %d datagrams", m.CongestionWindow, m.SSThresh, len(sends))
		})
	}
}
