package netmodel

import "time"

// Config describes one direction of a link. A Link reads it on every
// datagram, so tests may change any field between datagrams.
type Config struct {
	// Rules run first, in order, at send time; see Rule.
	Rules []Rule

	// MTU is the largest IP packet (UDP payload plus IP and UDP headers,
	// see Datagram.WireLen) the link carries; larger ones are dropped.
	// 0 means no limit.
	MTU int

	// Bandwidth in bits per second of the bottleneck, counting WireLen
	// bytes; 0 means infinitely fast (no queue).
	Bandwidth int64
	// Queue is how many datagrams the bottleneck holds, the one being
	// serialized included; a datagram arriving at a full queue is tail
	// dropped. 0 means unbounded. Used only with Bandwidth.
	Queue int
	// CEThreshold, when non-zero, marks ECT datagrams CE if they arrive
	// when the queue already holds at least this many (RFC 3168, 5).
	CEThreshold int

	// Delay is the one-way propagation delay after serialization.
	Delay time.Duration
	// Jitter adds a uniform random extra delay in [0, Jitter) to each
	// datagram, which reorders them.
	Jitter time.Duration

	// Blackholes drop every datagram that would arrive inside a window.
	Blackholes []Window

	// DropList holds 1-based indices of datagrams to drop, counting the
	// datagrams that reach this stage (after rules, MTU, queue and
	// blackholes), as the runner's droplist counts the UDP datagrams
	// arriving at the receiving device.
	DropList []int

	// LossPercent drops each datagram independently with this probability
	// (0..100). With LossBurst > 0, after LossBurst drops in a row the next
	// datagram is always forwarded and the run restarts (the runner's
	// drop-rate model).
	LossPercent float64
	LossBurst   int

	// GilbertElliott, when non-nil, adds two-state burst loss.
	GilbertElliott *GilbertElliott

	// CorruptPercent corrupts each datagram with this probability (0..100),
	// with CorruptBurst capping runs like LossBurst. Version Negotiation
	// packets are never corrupted and take no draw.
	CorruptPercent float64
	CorruptBurst   int
	CorruptMode    CorruptMode
	// CorruptDiscards drops corrupted datagrams instead of delivering
	// them, which is what the runner's ns-3 corrupt-rate scenario ends up
	// doing since its 2024 burst change.
	CorruptDiscards bool

	// DuplicatePercent delivers an extra copy of a datagram with this
	// probability (0..100); the copy draws its own jitter.
	DuplicatePercent float64
}

// Window is a time interval [From, To) measured from the start of the run.
type Window struct {
	From, To time.Duration
}

// Contains reports whether t is inside the window.
func (w Window) Contains(t time.Duration) bool { return t >= w.From && t < w.To }

// GilbertElliott is the two-state burst loss model: the link is Good or
// Bad, loses datagrams with LossGood or LossBad percent in each, and after
// each datagram moves Good->Bad with GoodToBad percent and Bad->Good with
// BadToGood percent.
type GilbertElliott struct {
	GoodToBad, BadToGood float64
	LossGood, LossBad    float64
}

// CorruptMode selects how a corrupted datagram is altered.
type CorruptMode uint8

// Corruption modes.
const (
	// CorruptByte replaces one byte at a random offset 0..50 (inclusive,
	// capped by the length) with a different value, as the runner does.
	CorruptByte CorruptMode = iota
	// CorruptBitFlip flips one random bit anywhere in the payload.
	CorruptBitFlip
	// CorruptTruncate cuts the payload to a random shorter length.
	CorruptTruncate
)

// Verdict is a Rule's decision about one datagram.
type Verdict struct {
	Drop  bool
	Delay time.Duration // added to the datagram's arrival time
}

// Pass forwards the datagram unchanged (or as the rule rewrote it).
func Pass() Verdict { return Verdict{} }

// Drop discards the datagram.
func Drop() Verdict { return Verdict{Drop: true} }

// DelayBy forwards the datagram d later than the link would.
func DelayBy(d time.Duration) Verdict { return Verdict{Delay: d} }

// Rule is a scripted impairment applied before every other stage. It may
// rewrite the datagram in place (its Data is owned by the link) and returns
// what to do with it.
type Rule func(now time.Duration, d *Datagram) Verdict
