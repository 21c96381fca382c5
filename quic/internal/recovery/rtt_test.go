package recovery

import (
	"testing"
	"time"
)

func TestRTTStats(t *testing.T) {
	r := NewRTTStats(0)
	if r.SmoothedRTT() != 333*time.Millisecond || r.RTTVar() != 166500*time.Microsecond || r.HasSample() {
		t.Fatalf("initial: srtt %v rttvar %v", r.SmoothedRTT(), r.RTTVar())
	}
	// RFC 9002, 6.2.2: 333 ms gives a 999 ms first PTO (Initial space).
	if r.PTO(false) != 999*time.Millisecond || r.PTO(true) != 1024*time.Millisecond {
		t.Fatalf("initial PTO %v / %v", r.PTO(false), r.PTO(true))
	}
	steps := []struct {
		latest, ackDelay    time.Duration
		confirmed           bool
		min, smoothed, rvar time.Duration
	}{
		// First sample: smoothed = latest, rttvar = latest/2.
		{100 * time.Millisecond, 0, false, 100 * time.Millisecond, 100 * time.Millisecond, 50 * time.Millisecond},
		// Before confirmation the ack delay is used uncapped: adjusted 110.
		{120 * time.Millisecond, 10 * time.Millisecond, false, 100 * time.Millisecond, 101250 * time.Microsecond, 40 * time.Millisecond},
		// After confirmation ack_delay is capped at max_ack_delay (25 ms):
		// adjusted 135.
		{160 * time.Millisecond, 50 * time.Millisecond, true, 100 * time.Millisecond, 105468750, 38437500},
		// Subtracting would go below min_rtt: adjusted stays 105.
		{105 * time.Millisecond, 10 * time.Millisecond, true, 100 * time.Millisecond, 105410156, 28945312},
		// A lower sample moves min_rtt at once.
		{80 * time.Millisecond, 0, true, 80 * time.Millisecond, 102233886, 28061523},
	}
	for i, s := range steps {
		r.Update(s.latest, s.ackDelay, s.confirmed, 1000)
		if r.LatestRTT() != s.latest || r.MinRTT() != s.min || r.SmoothedRTT() != s.smoothed || r.RTTVar() != s.rvar {
			t.Errorf("step %d: latest %v min %v smoothed %d rttvar %d; want min %v smoothed %d rttvar %d",
				i, r.LatestRTT(), r.MinRTT(), r.SmoothedRTT(), r.RTTVar(), s.min, s.smoothed, s.rvar)
		}
	}
	if !r.HasSample() || r.FirstSampleTime() != 1000 {
		t.Error("first sample time not kept")
	}
	// PTO = smoothed + 4*rttvar + max_ack_delay; persistent congestion is
	// three of those (RFC 9002, 7.6.1).
	wantPTO := 102233886 + 4*28061523 + 25*time.Millisecond
	if r.PTO(true) != wantPTO || r.PersistentCongestionDuration() != 3*wantPTO {
		t.Errorf("PTO %v, persistent congestion %v", r.PTO(true), r.PersistentCongestionDuration())
	}
	r.Update(300*time.Millisecond, 0, true, 2000)
	r.OnPersistentCongestion()
	if r.MinRTT() != 300*time.Millisecond {
		t.Errorf("min_rtt after persistent congestion %v", r.MinRTT())
	}
	r.Reset(50 * time.Millisecond)
	if r.HasSample() || r.SmoothedRTT() != 50*time.Millisecond || r.MaxAckDelay() != 25*time.Millisecond {
		t.Errorf("after reset: %v %v", r.SmoothedRTT(), r.MaxAckDelay())
	}
}

func TestPTOGranularity(t *testing.T) {
	r := NewRTTStats(time.Millisecond)
	r.Update(100*time.Microsecond, 0, false, 0) // rttvar 50 us: 4*rttvar < 1 ms
	if got := r.PTO(false); got != 100*time.Microsecond+Granularity {
		t.Errorf("PTO %v", got)
	}
	if got := r.lossDelay(); got != Granularity {
		t.Errorf("loss delay %v, want kGranularity", got)
	}
}
