package recovery

import (
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
)

// Metrics is a snapshot for qlog's recovery:metrics_updated event.
type Metrics struct {
	MinRTT           time.Duration
	SmoothedRTT      time.Duration
	LatestRTT        time.Duration
	RTTVariance      time.Duration
	CongestionWindow int
	BytesInFlight    int
	// SSThresh is congestion.InfiniteSSThresh until the first reduction.
	SSThresh int
	// PacingRate is in bits per second, as qlog reports it.
	PacingRate uint64
	PTOCount   int
}

// Metrics returns the current metrics. Comparing with the previous
// snapshot tells which fields changed.
func (l *LossDetector) Metrics() Metrics {
	m := Metrics{
		MinRTT:           l.rtt.min,
		SmoothedRTT:      l.rtt.smoothed,
		LatestRTT:        l.rtt.latest,
		RTTVariance:      l.rtt.rttvar,
		CongestionWindow: l.cc.Window(),
		BytesInFlight:    l.bytesInFlight,
		SSThresh:         l.cc.SlowStartThreshold(),
		PTOCount:         l.ptoCount,
	}
	if r := congestion.PacingRate(m.CongestionWindow, m.SmoothedRTT); r < 1<<60 {
		m.PacingRate = uint64(r * 8)
	}
	return m
}
