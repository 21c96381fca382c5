package core

import (
	"bytes"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// TestSimConnectionCreditStall sends more than the connection window on
// streams whose own windows are larger: the sender runs out of connection
// credit first and must resume when MAX_DATA arrives (RFC 9000, 4.1).
func TestSimConnectionCreditStall(t *testing.T) {
	small := func(ec *EndpointConfig) {
		ec.Conn.InitialConnWindow, ec.Conn.MaxConnWindow = 64<<10, 64<<10
		ec.Conn.InitialStreamWindow, ec.Conn.MaxStreamWindow = 1<<20, 1<<20
	}
	p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), small, small)
	const n = 3
	data := randomData(512<<10, 4)
	var snds []*sender
	rcvs := map[streams.ID]*receiver{}
	err := p.RunUntil(func() bool {
		if c.HandshakeComplete() && snds == nil {
			for range n {
				id, _ := c.OpenStream(streams.Uni)
				snds = append(snds, &sender{c: c, id: id, data: data})
			}
		}
		for _, s := range snds {
			s.pump(t)
		}
		done := 0
		if len(sv.accepted) == 1 {
			for _, id := range sv.opened[sv.accepted[0]] {
				r := rcvs[id]
				if r == nil {
					r = &receiver{}
					rcvs[id] = r
				}
				r.pump(t, sv.accepted[0], id)
				if r.eof {
					done++
				}
			}
		}
		return done == n
	}, 30*time.Second)
	if err != nil {
		t.Fatalf("transfer stalled: %v", err)
	}
	for id, r := range rcvs {
		if !bytes.Equal(r.buf, data) {
			t.Errorf("stream %d: data differs", id)
		}
	}
}
