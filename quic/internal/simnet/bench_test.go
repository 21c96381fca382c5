package simnet

import (
	"net/netip"
	"testing"
	"time"
)

// BenchmarkPairPingPong measures the simulator's cost per datagram: one
// op is a ping and its echo over a lossy, jittery 10 Mbit/s link.
func BenchmarkPairPingPong(b *testing.B) {
	cfg := SimpleP2P()
	cfg.Jitter, cfg.LossPercent = ms, 1
	cl, sv := newPinger(netip.AddrPort{}, 0, 1200, time.Millisecond), newEcho()
	p := NewPair(1, cfg, cl, sv)
	cl.peer = p.Server.Addr()
	b.ReportAllocs()
	for b.Loop() {
		cl.left = 1
		cl.timer = p.Now()
		for p.Step() {
		}
		cl.recv, sv.recv = cl.recv[:0], sv.recv[:0]
	}
}
