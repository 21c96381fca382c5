package congestion

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

type fixedRTT struct{ smoothed, min, latest time.Duration }

func (r fixedRTT) SmoothedRTT() time.Duration { return r.smoothed }
func (r fixedRTT) MinRTT() time.Duration      { return r.min }
func (r fixedRTT) LatestRTT() time.Duration   { return r.latest }

var rtt100 = fixedRTT{100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}

const ms = protocol.Time(time.Millisecond)

func TestInitialAndMinimumWindow(t *testing.T) {
	tests := []struct{ mds, initial, minimum int }{
		{1200, 12000, 2400},
		{1452, 14520, 2904},
		{1500, 14720, 3000}, // 10*1500 capped at 14720
		{9000, 18000, 18000},
	}
	for _, tt := range tests {
		if got := InitialWindow(tt.mds); got != tt.initial {
			t.Errorf("InitialWindow(%d) = %d, want %d", tt.mds, got, tt.initial)
		}
		if got := MinimumWindow(tt.mds); got != tt.minimum {
			t.Errorf("MinimumWindow(%d) = %d, want %d", tt.mds, got, tt.minimum)
		}
		for _, cc := range []Controller{NewNewReno(tt.mds), NewCubic(tt.mds)} {
			if cc.Window() != tt.initial || cc.SlowStartThreshold() != InfiniteSSThresh || !cc.InSlowStart() || cc.State() != StateSlowStart {
				t.Errorf("%T(%d): window %d ssthresh %d state %v", cc, tt.mds, cc.Window(), cc.SlowStartThreshold(), cc.State())
			}
		}
	}
}

func TestStateNames(t *testing.T) {
	want := map[State]string{StateSlowStart: "slow_start", StateCongestionAvoidance: "congestion_avoidance",
		StateApplicationLimited: "application_limited", StateRecovery: "recovery", State(9): "unknown"}
	for s, name := range want {
		if s.String() != name {
			t.Errorf("%d: %q", s, s.String())
		}
	}
}

// step is one input to a controller and the window expected after it.
type step struct {
	op            string // "ack", "loss", "pc"
	now, sent     protocol.Time
	bytes, prior  int
	window        int
	ssthresh      int
	state         State
	wantCanSendAt int // bytes in flight at which CanSend must be false (0: skip)
}

func run(t *testing.T, cc Controller, steps []step) {
	t.Helper()
	for i, s := range steps {
		switch s.op {
		case "ack":
			cc.OnPacketAcked(s.now, s.sent, s.bytes, s.prior, rtt100)
		case "loss":
			cc.OnCongestionEvent(s.now, s.sent)
		case "pc":
			cc.OnPersistentCongestion(s.now)
		}
		if cc.Window() != s.window || (s.ssthresh != 0 && cc.SlowStartThreshold() != s.ssthresh) || cc.State() != s.state {
			t.Fatalf("step %d (%s at %v): window %d ssthresh %d state %v; want %d %d %v",
				i, s.op, s.now, cc.Window(), cc.SlowStartThreshold(), cc.State(), s.window, s.ssthresh, s.state)
		}
		if s.wantCanSendAt != 0 && (cc.CanSend(s.wantCanSendAt) || !cc.CanSend(s.wantCanSendAt-1)) {
			t.Fatalf("step %d: CanSend threshold is not %d", i, s.wantCanSendAt)
		}
	}
}

func TestNewReno(t *testing.T) {
	inf := InfiniteSSThresh
	run(t, NewNewReno(1200), []step{
		// Slow start: the window grows by the bytes acknowledged.
		{op: "ack", now: 100 * ms, sent: 0, bytes: 1200, prior: 12000, window: 13200, ssthresh: inf, state: StateSlowStart},
		{op: "ack", now: 101 * ms, sent: 1 * ms, bytes: 1200, prior: 12000, window: 14400, ssthresh: inf, state: StateSlowStart},
		// Application limited: under half the window in flight, no growth.
		{op: "ack", now: 102 * ms, sent: 2 * ms, bytes: 1200, prior: 7000, window: 14400, ssthresh: inf, state: StateApplicationLimited},
		{op: "ack", now: 103 * ms, sent: 3 * ms, bytes: 1200, prior: 7300, window: 15600, ssthresh: inf, state: StateSlowStart, wantCanSendAt: 14401},
		// Loss halves the window and starts recovery at 200 ms.
		{op: "loss", now: 200 * ms, sent: 150 * ms, window: 7800, ssthresh: 7800, state: StateRecovery},
		// A second loss of a packet sent before recovery began is ignored.
		{op: "loss", now: 210 * ms, sent: 199 * ms, window: 7800, ssthresh: 7800, state: StateRecovery},
		// ACKs of packets sent before recovery do not grow the window.
		{op: "ack", now: 220 * ms, sent: 190 * ms, bytes: 1200, prior: 7800, window: 7800, state: StateRecovery},
		// An ACK of a packet sent after recovery began ends it; congestion
		// avoidance adds one datagram per window acknowledged.
		{op: "ack", now: 300 * ms, sent: 201 * ms, bytes: 3900, prior: 7800, window: 7800, state: StateCongestionAvoidance},
		{op: "ack", now: 301 * ms, sent: 202 * ms, bytes: 3900, prior: 7800, window: 9000, state: StateCongestionAvoidance},
		// A loss of a packet sent after recovery began is a new event.
		{op: "loss", now: 400 * ms, sent: 250 * ms, window: 4500, ssthresh: 4500, state: StateRecovery},
		// The window never drops below two datagrams.
		{op: "loss", now: 500 * ms, sent: 450 * ms, window: 2400, ssthresh: 2250, state: StateRecovery},
		// Persistent congestion: minimum window and recovery forgotten, so
		// older packets' ACKs count again.
		{op: "pc", now: 510 * ms, window: 2400, ssthresh: 2250, state: StateCongestionAvoidance},
		{op: "ack", now: 520 * ms, sent: 300 * ms, bytes: 2400, prior: 2400, window: 3600, state: StateCongestionAvoidance},
	})
}

func TestNewRenoPersistentCongestionReentersSlowStart(t *testing.T) {
	run(t, NewNewReno(1200), []step{
		{op: "loss", now: 10 * ms, sent: 5 * ms, window: 6000, ssthresh: 6000, state: StateRecovery},
		{op: "pc", now: 10 * ms, window: 2400, ssthresh: 6000, state: StateSlowStart},
		{op: "ack", now: 20 * ms, sent: 1 * ms, bytes: 1200, prior: 2400, window: 3600, state: StateSlowStart},
	})
}

func TestSetMaxDatagramSize(t *testing.T) {
	for _, cc := range []Controller{NewNewReno(1200), NewCubic(1200)} {
		cc.SetMaxDatagramSize(1452)
		if cc.Window() != 14520 {
			t.Errorf("%T: untouched window after PMTU raise: %d", cc, cc.Window())
		}
		cc.OnCongestionEvent(10*ms, 5*ms)
		cc.OnPersistentCongestion(10 * ms)
		cc.SetMaxDatagramSize(1500)
		if cc.Window() != 3000 || cc.CanSend(1501) || !cc.CanSend(1500) {
			t.Errorf("%T: window %d, want the new minimum 3000", cc, cc.Window())
		}
	}
}

func TestPacer(t *testing.T) {
	cc := NewNewReno(1200) // window 12000
	p := NewPacer(cc, rtt100, 1200)
	// rate = 1.25 * 12000 / 0.1 s = 150000 B/s: 8 ms per 1200-byte packet.
	if r := p.Rate(); r != 150000 {
		t.Fatalf("rate %v", r)
	}
	steps := []struct {
		now         protocol.Time
		send        int // bytes sent at now (after the checks)
		budget      int
		nextSendFor protocol.Time // NextSendTime(now, 1200)
	}{
		{0, 12000, 12000, 0},     // a full GSO batch of ten leaves at once
		{0, 0, 0, 8 * ms},        // then the bucket is empty
		{4 * ms, 0, 600, 8 * ms}, // half a packet earned
		{8 * ms, 1200, 1200, 8 * ms},
		{10 * ms, 0, 300, 16 * ms},
		{1000 * ms, 0, 12000, 1000 * ms}, // idle refills only up to the burst
	}
	for i, s := range steps {
		if b := p.Budget(s.now); b != s.budget {
			t.Fatalf("step %d: budget %d, want %d", i, b, s.budget)
		}
		if n := p.NextSendTime(s.now, 1200); n != s.nextSendFor {
			t.Fatalf("step %d: next send %v, want %v", i, n, s.nextSendFor)
		}
		if s.send > 0 {
			p.OnSent(s.now, s.send)
		}
	}
	// Debt from unpaced sends is capped at one burst.
	p.OnSent(1000*ms, 100000)
	if got := p.NextSendTime(1000*ms, 1200); got != 1000*ms+protocol.Time(88*time.Millisecond) {
		t.Errorf("after debt: next send %v", got)
	}
	if p.Burst() != 12000 {
		t.Errorf("burst %d", p.Burst())
	}
	p.SetMaxDatagramSize(1500)
	if p.Burst() != 14720 {
		t.Errorf("burst after PMTU change %d", p.Burst())
	}
}

func TestPacerZeroRTT(t *testing.T) {
	p := NewPacer(NewNewReno(1200), fixedRTT{}, 1200)
	p.OnSent(0, 12000)
	if n := p.NextSendTime(1, 1200); n != 1 {
		t.Errorf("zero RTT should not pace: %v", n)
	}
	if p.Budget(2) != 12000 {
		t.Errorf("budget %d", p.Budget(2))
	}
}

func TestPacingRate(t *testing.T) {
	tests := []struct {
		cwnd int
		srtt time.Duration
		want float64
	}{
		{12000, 100 * time.Millisecond, 150000},
		{2400, 10 * time.Millisecond, 300000},
		{1000000, time.Second, 1250000},
	}
	for _, tt := range tests {
		if got := PacingRate(tt.cwnd, tt.srtt); got != tt.want {
			t.Errorf("PacingRate(%d, %v) = %v, want %v", tt.cwnd, tt.srtt, got, tt.want)
		}
	}
}

func TestHotPathAllocs(t *testing.T) {
	for _, cc := range []Controller{NewNewReno(1200), NewCubic(1200)} {
		p := NewPacer(cc, rtt100, 1200)
		now := protocol.Time(0)
		allocs := testing.AllocsPerRun(100, func() {
			for i := 0; i < 10; i++ {
				now += ms
				cc.OnPacketSent(now, 1200, cc.Window())
				p.OnSent(now, 1200)
				p.NextSendTime(now, 1200)
				cc.OnPacketAcked(now, now-100*ms, 1200, cc.Window(), &rtt100)
			}
			cc.OnCongestionEvent(now, now-50*ms)
		})
		if allocs != 0 {
			t.Errorf("%T: %v allocs", cc, allocs)
		}
	}
}
