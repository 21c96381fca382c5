package netmodel

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Delivery is a datagram the link will hand to the receiver at At.
type Delivery struct {
	At time.Duration
	Datagram
}

// Link is one direction of a simulated link: the impairment state (queue,
// burst counters, Gilbert-Elliott state, drop-list index) and its counters.
// It is not safe for concurrent use; drivers serialize calls.
type Link struct {
	Config Config

	rng   *rand.Rand
	stats Stats

	index      int             // datagrams that reached the drop list stage
	lossRun    int             // consecutive LossPercent drops
	corruptRun int             // consecutive corruptions
	geBad      bool            // Gilbert-Elliott state
	departures []time.Duration // serialization end times of queued datagrams, ascending
	busyUntil  time.Duration   // when the bottleneck finishes its last datagram
	ruled      Datagram        // the datagram the rules are looking at
}

// NewLink returns a link with the given configuration drawing from rng.
func NewLink(cfg Config, rng *rand.Rand) *Link {
	return &Link{Config: cfg, rng: rng}
}

// Stats returns the link's counters.
func (l *Link) Stats() Stats { return l.stats }

// CountDelivered records that the driver handed d to its receiver.
func (l *Link) CountDelivered(d *Datagram) {
	l.stats.Delivered++
	l.stats.DeliveredBytes += uint64(len(d.Data))
}

// CountDrop records a drop the driver made after the link's decision (no
// route at arrival, a full inbox).
func (l *Link) CountDrop(r DropReason) { l.stats.Dropped[r]++ }

// QueueLen returns how many datagrams the bottleneck holds at now.
func (l *Link) QueueLen(now time.Duration) int {
	l.drainQueue(now)
	return len(l.departures)
}

// Send decides the fate of d, offered to the link at now. d.Data must be
// owned by the link (it may be corrupted in place). Deliveries are appended
// to out: none when dropped (the reason is returned), one, or two when
// duplicated. Stages run in the runner's order: rules at send time, the MTU
// and the bottleneck queue, then the receiving side's error models at
// arrival time.
func (l *Link) Send(now time.Duration, d Datagram, out []Delivery) ([]Delivery, DropReason) {
	cfg := &l.Config
	l.stats.Sent++
	l.stats.SentBytes += uint64(len(d.Data))

	var extra time.Duration
	if len(cfg.Rules) > 0 {
		// Rules get a pointer into the Link, not to d, so d stays on the
		// stack.
		l.ruled = d
		for _, rule := range cfg.Rules {
			v := rule(now, &l.ruled)
			if v.Drop {
				l.ruled = Datagram{}
				return out, l.drop(DropRule)
			}
			extra += v.Delay
		}
		d, l.ruled = l.ruled, Datagram{}
	}
	if cfg.MTU > 0 && d.WireLen() > cfg.MTU {
		return out, l.drop(DropMTU)
	}

	depart := now
	if cfg.Bandwidth > 0 {
		queued := l.QueueLen(now)
		if cfg.Queue > 0 && queued >= cfg.Queue {
			return out, l.drop(DropQueue)
		}
		if cfg.CEThreshold > 0 && queued >= cfg.CEThreshold && (d.ECN == ECT0 || d.ECN == ECT1) {
			d.ECN = CE
			l.stats.CEMarked++
		}
		depart = max(now, l.busyUntil) + l.serialization(d.WireLen())
		l.busyUntil = depart
		l.departures = append(l.departures, depart)
	}
	arrive := depart + cfg.Delay + extra + l.jitter()

	for _, w := range cfg.Blackholes {
		if w.Contains(arrive) {
			return out, l.drop(DropBlackhole)
		}
	}
	l.index++
	if slices.Contains(cfg.DropList, l.index) {
		return out, l.drop(DropList)
	}
	if l.lose() {
		return out, l.drop(DropLoss)
	}
	if l.geLose() {
		return out, l.drop(DropBurstLoss)
	}
	if l.corrupt(&d) && cfg.CorruptDiscards {
		return out, l.drop(DropCorrupt)
	}

	out = append(out, Delivery{At: arrive, Datagram: d})
	if cfg.DuplicatePercent > 0 && l.percent(cfg.DuplicatePercent) {
		dup := d
		dup.Data = append([]byte(nil), d.Data...)
		l.stats.Duplicated++
		out = append(out, Delivery{At: depart + cfg.Delay + extra + l.jitter(), Datagram: dup})
	}
	return out, Delivered
}

func (l *Link) drop(r DropReason) DropReason {
	l.stats.Dropped[r]++
	return r
}

// percent draws true with probability p percent.
func (l *Link) percent(p float64) bool { return l.rng.Float64()*100 < p }

func (l *Link) jitter() time.Duration {
	if l.Config.Jitter <= 0 {
		return 0
	}
	return time.Duration(l.rng.Int64N(int64(l.Config.Jitter)))
}

// serialization is the time the bottleneck needs to send n bytes.
func (l *Link) serialization(n int) time.Duration {
	return time.Duration(int64(n) * 8 * int64(time.Second) / l.Config.Bandwidth)
}

// drainQueue forgets datagrams fully serialized by now.
func (l *Link) drainQueue(now time.Duration) {
	i := 0
	for i < len(l.departures) && l.departures[i] <= now {
		i++
	}
	if i > 0 {
		l.departures = append(l.departures[:0], l.departures[i:]...)
	}
}

// lose is the runner's drop-rate model: a draw per datagram, except that
// after LossBurst drops in a row the next one passes without a draw.
func (l *Link) lose() bool {
	cfg := &l.Config
	if cfg.LossPercent <= 0 {
		l.lossRun = 0
		return false
	}
	if cfg.LossBurst > 0 && l.lossRun >= cfg.LossBurst {
		l.lossRun = 0
		return false
	}
	if l.percent(cfg.LossPercent) {
		l.lossRun++
		return true
	}
	l.lossRun = 0
	return false
}

// geLose decides loss in the current Gilbert-Elliott state, then moves.
func (l *Link) geLose() bool {
	ge := l.Config.GilbertElliott
	if ge == nil {
		return false
	}
	var lost bool
	if l.geBad {
		lost = l.percent(ge.LossBad)
		l.geBad = !l.percent(ge.BadToGood)
	} else {
		lost = l.percent(ge.LossGood)
		l.geBad = l.percent(ge.GoodToBad)
	}
	return lost
}

// corrupt applies the corruption model to d and reports whether it did.
func (l *Link) corrupt(d *Datagram) bool {
	cfg := &l.Config
	if cfg.CorruptPercent <= 0 || len(d.Data) == 0 || d.IsVersionNegotiation() {
		return false
	}
	if cfg.CorruptBurst > 0 && l.corruptRun >= cfg.CorruptBurst {
		l.corruptRun = 0
		return false
	}
	if !l.percent(cfg.CorruptPercent) {
		l.corruptRun = 0
		return false
	}
	l.corruptRun++
	l.stats.Corrupted++
	switch cfg.CorruptMode {
	case CorruptBitFlip:
		bit := l.rng.IntN(8 * len(d.Data))
		d.Data[bit/8] ^= 1 << (bit % 8)
	case CorruptTruncate:
		d.Data = d.Data[:l.rng.IntN(len(d.Data))]
	default:
		off := l.rng.IntN(min(len(d.Data), 51))
		d.Data[off] ^= byte(1 + l.rng.IntN(255))
	}
	return true
}
