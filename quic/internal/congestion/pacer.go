package congestion

import (
	"math"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// pacingGain is N in rate = N * congestion_window / smoothed_rtt; above 1
// so that RTT variation does not leave the window unused (RFC 9002, 7.7).
const pacingGain = 1.25

// PacingRate returns the pacing rate in bytes per second for a window and
// smoothed RTT (RFC 9002, 7.7), or +Inf when the RTT is zero.
func PacingRate(cwnd int, smoothedRTT time.Duration) float64 {
	if smoothedRTT <= 0 {
		return math.Inf(1)
	}
	return pacingGain * float64(cwnd) / smoothedRTT.Seconds()
}

// Pacer spreads packets over the round trip with a leaky bucket
// (RFC 9002, 7.7). The bucket holds up to the initial window, ten
// full-sized datagrams for common sizes, so the I/O layer can send a GSO
// batch at once; it refills at PacingRate of the controller's window.
// Packets that carry only ACK frames should bypass it.
type Pacer struct {
	cc              Controller
	rtt             RTTStats
	maxDatagramSize int
	tokens          float64 // bytes that may leave now; negative is debt
	last            protocol.Time
	started         bool
}

// NewPacer returns a pacer that reads the window from cc and the smoothed
// RTT from rtt at each call.
func NewPacer(cc Controller, rtt RTTStats, maxDatagramSize int) *Pacer {
	return &Pacer{cc: cc, rtt: rtt, maxDatagramSize: maxDatagramSize}
}

// SetMaxDatagramSize updates the datagram size, which sets the burst.
func (p *Pacer) SetMaxDatagramSize(n int) { p.maxDatagramSize = n }

// maxBurstPackets caps the burst at what one GSO send carries.
const maxGSOBurstPackets = 64

// Burst returns the bucket size in bytes: the initial window, or 2 ms at
// the pacing rate when that is more, up to one GSO batch. Larger bursts
// let the sender hand the kernel bigger batches at high rates.
func (p *Pacer) Burst() int {
	b := InitialWindow(p.maxDatagramSize)
	if r := p.Rate(); !math.IsInf(r, 1) {
		b = max(b, int(r*0.002))
	}
	return min(b, maxGSOBurstPackets*p.maxDatagramSize)
}

// Rate returns the current pacing rate in bytes per second.
func (p *Pacer) Rate() float64 { return PacingRate(p.cc.Window(), p.rtt.SmoothedRTT()) }

// refill adds the tokens earned since the last call.
func (p *Pacer) refill(now protocol.Time) {
	burst := float64(p.Burst())
	if !p.started {
		p.started, p.tokens, p.last = true, burst, now
		return
	}
	if now <= p.last {
		return
	}
	rate := p.Rate()
	if math.IsInf(rate, 1) {
		p.tokens = burst
	} else {
		p.tokens = min(burst, p.tokens+rate*now.Sub(p.last).Seconds())
	}
	p.last = now
}

// Budget returns how many bytes may be sent at now without waiting.
func (p *Pacer) Budget(now protocol.Time) int {
	p.refill(now)
	return max(int(p.tokens), 0)
}

// NextSendTime returns when a packet of the given size may be sent: now if
// the bucket holds enough, else the time it will.
func (p *Pacer) NextSendTime(now protocol.Time, bytes int) protocol.Time {
	p.refill(now)
	need := float64(bytes) - p.tokens
	if need <= 0 {
		return now
	}
	rate := p.Rate()
	if math.IsInf(rate, 1) {
		return now
	}
	return now.Add(time.Duration(math.Ceil(need / rate * 1e9)))
}

// OnSent takes a sent packet's bytes from the bucket. Debt is capped at
// one burst so that unpaced sends (probes) cannot stall pacing for long.
func (p *Pacer) OnSent(now protocol.Time, bytes int) {
	p.refill(now)
	p.tokens = max(p.tokens-float64(bytes), -float64(p.Burst()))
}
