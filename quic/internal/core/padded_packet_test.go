package core

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestPaddedPackets checks the datagrams that carry a probe or a path
// validation frame alone: their exact size (1200 bytes for path
// validation, RFC 9000, 8.2.1; the probed size for PMTUD, 14.4), their
// frames, and that a buffer too small for them sends nothing.
func TestPaddedPackets(t *testing.T) {
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
	s := establish(t, p, c, sv)
	tests := []struct {
		name     string
		from, to *Conn // built by from, opened by to
		buf      int
		build    func(now protocol.Time, out []byte) int
		size     int
		frames   []string
	}{
		{"PMTU probe", s, c, 1500, func(now protocol.Time, out []byte) int { return s.buildPMTUProbe(now, out, 1400) },
			1400, []string{"*wire.PingFrame", "*wire.PaddingFrame"}},
		{"PMTU probe, buffer too small", s, c, 1399, func(now protocol.Time, out []byte) int { return s.buildPMTUProbe(now, out, 1400) },
			0, nil},
		{"off-path PATH_RESPONSE", s, c, 1500, func(now protocol.Time, out []byte) int {
			s.pathResponseNeeded, s.pathResponseTo = true, netip.MustParseAddrPort("192.0.2.9:4433")
			return s.buildPathResponse(now, out)
		}, 1200, []string{"*wire.PathResponseFrame", "*wire.PathChallengeFrame", "*wire.PaddingFrame"}},
		{"PATH_RESPONSE, no room for the tag", s, c, 30, func(now protocol.Time, out []byte) int {
			s.pathResponseNeeded, s.pathResponseTo = true, netip.MustParseAddrPort("192.0.2.9:4433")
			return s.buildPathResponse(now, out)
		}, 0, nil},
		{"PATH_CHALLENGE to a probed path", c, s, 1500, func(now protocol.Time, out []byte) int {
			c.probe = probeState{active: true, dcid: c.remoteCIDs.Current(), needed: true, challenge: [8]byte{1, 2, 3}}
			return c.buildProbeChallenge(now, out)
		}, 1200, []string{"*wire.PathChallengeFrame", "*wire.PaddingFrame"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pn := tt.from.spaces[protocol.SpaceAppData].nextPN
			out := make([]byte, tt.buf)
			n := tt.build(p.Now(), out)
			if n != tt.size {
				t.Fatalf("datagram of %d bytes, want %d", n, tt.size)
			}
			next := tt.from.spaces[protocol.SpaceAppData].nextPN
			if n == 0 {
				if next != pn {
					t.Fatalf("nothing sent, but the packet number moved from %d to %d", pn, next)
				}
				return
			}
			if next <= pn {
				t.Fatalf("packet number %d not used", pn)
			}
			frames, ok := openShort(t, tt.to, out[:n])
			if !ok {
				t.Fatal("the datagram does not open")
			}
			var got []string
			for _, f := range frames {
				got = append(got, fmt.Sprintf("%T", f))
			}
			if !slices.Equal(got, tt.frames) {
				t.Fatalf("frames %v, want %v", got, tt.frames)
			}
		})
	}
}
