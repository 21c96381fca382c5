package netmodel

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"
)

var (
	client = netip.MustParseAddrPort("193.167.0.100:4000")
	server = netip.MustParseAddrPort("193.167.100.100:443")
)

func datagram(n int) Datagram {
	b := make([]byte, n)
	b[0], b[1] = 0x40, 0xff
	return Datagram{From: client, To: server, Data: b}
}

// TestLossRates checks the loss models' long-run drop fractions against
// their closed forms.
func TestLossRates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want float64
	}{
		// A run of k<3 drops has probability p^k(1-p), a run of 3 p^3 and
		// is followed by a forced forward: E[run] = p+p^2+p^3 drops per
		// E[run]+1 datagrams.
		{"drop-rate 30 burst 3", Config{LossPercent: 30, LossBurst: 3}, 0.417 / 1.417},
		{"drop-rate 30", Config{LossPercent: 30}, 0.3},
		{"drop-rate 100 burst 1", Config{LossPercent: 100, LossBurst: 1}, 0.5},
		// Stationary Bad probability g/(g+b) = 0.01/(0.01+0.25).
		{"gilbert-elliott", Config{GilbertElliott: &GilbertElliott{GoodToBad: 1, BadToGood: 25, LossBad: 100}}, 0.01 / 0.26},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n = 50_000
			l := NewLink(tt.cfg, rand.New(rand.NewPCG(1, 2)))
			var out []Delivery
			for range n {
				out, _ = l.Send(0, datagram(10), out[:0])
			}
			st := l.Stats()
			got := float64(st.TotalDropped()) / n
			if math.Abs(got-tt.want) > 0.01 {
				t.Errorf("drop fraction %.4f, want %.4f", got, tt.want)
			}
			if st.Sent != n || st.SentBytes != 10*n {
				t.Errorf("stats %v", st)
			}
		})
	}
}

func TestBurstCapNeverExceeded(t *testing.T) {
	l := NewLink(Config{LossPercent: 90, LossBurst: 2, CorruptPercent: 90, CorruptBurst: 3}, rand.New(rand.NewPCG(3, 4)))
	run, corrupted := 0, 0
	for i := range 10_000 {
		d := datagram(60)
		orig := append([]byte(nil), d.Data...)
		out, r := l.Send(0, d, nil)
		if r == DropLoss {
			if run++; run > 2 {
				t.Fatalf("datagram %d: %d drops in a row", i, run)
			}
			continue
		}
		run = 0
		if string(out[0].Data) != string(orig) {
			if corrupted++; corrupted > 3 {
				t.Fatalf("datagram %d: %d corruptions in a row", i, corrupted)
			}
		} else {
			corrupted = 0
		}
	}
}

func TestQueueDrains(t *testing.T) {
	// 97 + 28 bytes at 1 Mbit/s take 1 ms each; the queue holds 2.
	l := NewLink(Config{Bandwidth: 1_000_000, Queue: 2}, rand.New(rand.NewPCG(0, 0)))
	ms := time.Millisecond
	steps := []struct {
		at     time.Duration
		reason DropReason
		arrive time.Duration
	}{
		{0, Delivered, 1 * ms},
		{0, Delivered, 2 * ms},
		{0, DropQueue, 0},
		{ms, Delivered, 3 * ms},       // the first left at 1 ms
		{ms + ms/2, DropQueue, 0},     // two still queued
		{10 * ms, Delivered, 11 * ms}, // idle link: no waiting
	}
	for i, s := range steps {
		out, r := l.Send(s.at, datagram(97), nil)
		if r != s.reason || (r == Delivered && out[0].At != s.arrive) {
			t.Errorf("step %d: %v %v, want %v at %v", i, r, out, s.reason, s.arrive)
		}
	}
}

func TestVersionNegotiationNeverCorrupted(t *testing.T) {
	for _, mode := range []CorruptMode{CorruptByte, CorruptBitFlip, CorruptTruncate} {
		l := NewLink(Config{CorruptPercent: 100, CorruptMode: mode}, rand.New(rand.NewPCG(5, 6)))
		for range 100 {
			d := datagram(40)
			d.Data[0], d.Data[1] = 0x80, 0
			out, _ := l.Send(0, d, nil)
			for _, b := range out[0].Data[1:] {
				if b != 0 {
					t.Fatalf("mode %d corrupted a VN packet: %x", mode, out[0].Data)
				}
			}
		}
		if l.Stats().Corrupted != 0 {
			t.Errorf("mode %d counted corruption", mode)
		}
	}
}

func TestCorruptDiscards(t *testing.T) {
	l := NewLink(Config{CorruptPercent: 100, CorruptDiscards: true}, rand.New(rand.NewPCG(5, 6)))
	if _, r := l.Send(0, datagram(20), nil); r != DropCorrupt {
		t.Errorf("got %v", r)
	}
	if _, r := l.Send(0, Datagram{To: server}, nil); r != Delivered {
		t.Errorf("empty datagram: %v", r)
	}
}
