package congestion

import (
	"math"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// cubicAfterLoss returns a Cubic that grew to 120000 bytes (100 segments
// of 1200) in slow start and then lost a packet at 1 s.
func cubicAfterLoss(t *testing.T) *Cubic {
	c := NewCubic(1200)
	c.OnPacketAcked(500*ms, 0, 108000, 12000, rtt100)
	if c.Window() != 120000 || c.State() != StateSlowStart {
		t.Fatalf("slow start: window %d", c.Window())
	}
	c.OnCongestionEvent(1000*ms, 900*ms)
	// RFC 9438, 4.6: W_max = 120000, cwnd = ssthresh = 0.7 * 120000.
	if c.Window() != 84000 || c.SlowStartThreshold() != 84000 || c.wMax != 120000 || c.cwndPrior != 120000 || c.State() != StateRecovery {
		t.Fatalf("after loss: window %d ssthresh %d wMax %v", c.Window(), c.SlowStartThreshold(), c.wMax)
	}
	return c
}

func TestCubicWindowFunction(t *testing.T) {
	c := cubicAfterLoss(t)
	// The first ACK of a packet sent after the loss ends recovery and
	// starts the epoch: K = cbrt((120000-84000)/(0.4*1200)) = cbrt(75).
	c.OnPacketAcked(1100*ms, 1001*ms, 1200, 84000, rtt100)
	if !near(c.k, 4.217163326508746, 1e-12) {
		t.Errorf("K = %v", c.k)
	}
	tests := []struct{ t, want float64 }{
		{0, 84000},        // W_cubic(0) = cwnd_epoch
		{c.k, 120000},     // W_cubic(K) = W_max
		{c.k + 2, 123840}, // 120000 + 0.4 * 2^3 * 1200
		{c.k - 1, 119520}, // 120000 - 0.4 * 1200
	}
	for _, tt := range tests {
		if got := c.wCubic(tt.t); !near(got, tt.want, 1e-6) {
			t.Errorf("W_cubic(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
	// At t = 0 the cubic window (84000) is below W_est, so the window is
	// W_est = 84000 + alpha_cubic * 1200 * 1200 / 84000 (eq. 4, in bytes).
	if !near(c.wEst, 84009.0756302521, 1e-6) || c.Window() != 84009 || c.State() != StateCongestionAvoidance {
		t.Errorf("W_est %v window %d state %v", c.wEst, c.Window(), c.State())
	}
}

// ackRounds acknowledges the whole window each RTT in ten ACKs, from start
// until end, and returns the time reached.
func ackRounds(c *Cubic, rtt fixedRTT, start, end protocol.Time) protocol.Time {
	now := start
	step := protocol.Time(rtt.smoothed / 10)
	for now < end {
		w := c.Window()
		for i := 0; i < 10; i++ {
			now += step
			c.OnPacketAcked(now, now-protocol.Time(rtt.smoothed), w/10, w, rtt)
		}
	}
	return now
}

func TestCubicReachesWmaxAfterK(t *testing.T) {
	c := cubicAfterLoss(t)
	epoch := 1100 * ms
	c.OnPacketAcked(epoch, 1001*ms, 1200, 84000, rtt100)
	k := protocol.Time(c.k * 1e9)
	// Halfway to K, the concave region has climbed most of the way:
	// W_cubic(K/2 + RTT) = 120000 - 0.4*1200*(K/2 - 0.1)^3 = 115788.
	ackRounds(c, rtt100, epoch, epoch+k/2)
	if w := float64(c.Window()); w < 114000 || w > 116500 {
		t.Errorf("window at K/2: %v", w)
	}
	// At K the window has plateaued at W_max.
	ackRounds(c, rtt100, epoch+k/2, epoch+k)
	if w := float64(c.Window()); w < 119500 || w > 120500 {
		t.Errorf("window at K: %v", w)
	}
	// Past K the window probes above W_max. By K+3 s W_est, which gained
	// alpha_cubic*1200 bytes per RTT up to cwnd_prior and 1200 after, is
	// above W_cubic(t) = 120000 + 0.4*1200*3^3 = 132960: the
	// Reno-friendly region sets the window (4.3).
	now := ackRounds(c, rtt100, epoch+k, epoch+k+3000*ms)
	tNow := now.Sub(c.epochStart).Seconds()
	if w := c.Window(); w < 135000 || w != int(c.wEst) || c.wEst <= c.wCubic(tNow) {
		t.Errorf("window at K+3s: %v, W_est %v, W_cubic %v", w, c.wEst, c.wCubic(tNow))
	}
}

func TestCubicRenoFriendly(t *testing.T) {
	// A small window on a 10 ms path: Reno's additive increase outgrows
	// the cubic curve, so the window follows W_est.
	rtt10 := fixedRTT{10 * time.Millisecond, 10 * time.Millisecond, 10 * time.Millisecond}
	c := NewCubic(1200)
	c.OnCongestionEvent(0, 0) // W_max 12000, cwnd 8400
	now := ackRounds(c, rtt10, 0, 1000*ms)
	if c.wEst < c.cwndPrior {
		t.Fatalf("W_est %v never reached cwnd_prior %v", c.wEst, c.cwndPrior)
	}
	tNow := now.Sub(c.epochStart).Seconds()
	if c.Window() != int(c.wEst) || c.wCubic(tNow) >= c.wEst {
		t.Fatalf("window %d, W_est %v, W_cubic %v", c.Window(), c.wEst, c.wCubic(tNow))
	}
	// With alpha 1, one window of ACKs adds about one datagram, as Reno.
	before := c.Window()
	ackRounds(c, rtt10, now, now+10*ms)
	if d := c.Window() - before; d < 1150 || d > 1200 {
		t.Errorf("growth per RTT %d, want about 1200", d)
	}
}

func TestCubicFastConvergence(t *testing.T) {
	for _, fc := range []bool{true, false} {
		c := cubicAfterLoss(t)
		c.FastConvergence = fc
		c.OnPacketAcked(1100*ms, 1001*ms, 1200, 84000, rtt100) // window 84009.0756
		c.OnCongestionEvent(1200*ms, 1150*ms)
		wantWmax := 84009.0756302521
		if fc {
			wantWmax *= (1 + 0.7) / 2 // 71407.71
		}
		if !near(c.wMax, wantWmax, 1e-6) || c.Window() != 58806 || c.SlowStartThreshold() != 58806 {
			t.Errorf("fast convergence %v: wMax %v window %d ssthresh %d", fc, c.wMax, c.Window(), c.SlowStartThreshold())
		}
	}
}

func TestCubicRecoveryAndPersistentCongestion(t *testing.T) {
	c := cubicAfterLoss(t)
	// One reduction per recovery period.
	c.OnCongestionEvent(1050*ms, 1000*ms)
	if c.Window() != 84000 {
		t.Errorf("second loss in the same period reduced the window to %d", c.Window())
	}
	c.OnPacketAcked(1060*ms, 950*ms, 1200, 84000, rtt100)
	if c.Window() != 84000 || !c.InRecovery() {
		t.Errorf("ACK of a pre-recovery packet: window %d recovery %v", c.Window(), c.InRecovery())
	}
	c.OnPersistentCongestion(1100 * ms)
	if c.Window() != 2400 || c.InRecovery() || !c.InSlowStart() {
		t.Fatalf("persistent congestion: window %d", c.Window())
	}
	// Slow start back to ssthresh, then K = 0 and W_max = cwnd (4.8).
	c.OnPacketAcked(1200*ms, 1150*ms, 81600, 2400, rtt100)
	c.OnPacketAcked(1300*ms, 1250*ms, 1200, 84000, rtt100)
	if c.k != 0 || c.wMax != 84000 || c.State() != StateCongestionAvoidance {
		t.Errorf("after persistent congestion: K %v W_max %v state %v", c.k, c.wMax, c.State())
	}
}

func TestCubicApplicationLimited(t *testing.T) {
	c := cubicAfterLoss(t)
	c.OnPacketAcked(1100*ms, 1001*ms, 1200, 84000, rtt100)
	w, start := c.Window(), c.epochStart
	// A second of ACKs with little in flight: no growth, and the epoch
	// moves so that t excludes the application-limited time (4.2).
	for now := 1200 * ms; now <= 2100*ms; now += 100 * ms {
		c.OnPacketAcked(now, now-100*ms, 1200, 10000, rtt100)
	}
	if c.Window() != w || c.State() != StateApplicationLimited {
		t.Errorf("window %d state %v", c.Window(), c.State())
	}
	if got := c.epochStart - start; got != 1000*ms {
		t.Errorf("epoch moved by %v, want 1s", time.Duration(got))
	}
}
