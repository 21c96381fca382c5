package recovery

import (
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/rangeset"
)

// Defaults for ACK generation.
const (
	// DefaultAckElicitingThreshold is how many ack-eliciting packets may
	// arrive without an ACK: one, so every second one is acknowledged at
	// once (RFC 9000, 13.2.2; draft-ietf-quic-ack-frequency, 4).
	DefaultAckElicitingThreshold = 1
	// DefaultReorderingThreshold acknowledges any reordering at once
	// (RFC 9000, 13.2.1; draft-ietf-quic-ack-frequency, 4).
	DefaultReorderingThreshold = 1
	// DefaultMaxAckRanges bounds the ranges an AckTracker remembers
	// (RFC 9000, 13.2.3).
	DefaultMaxAckRanges = 64
)

// AckTracker is the receive side of one packet number space: it records
// received packet numbers and decides when an ACK frame is due
// (RFC 9000, 13.2), optionally tuned by ACK_FREQUENCY
// (draft-ietf-quic-ack-frequency).
type AckTracker struct {
	space       protocol.Space
	ranges      rangeset.RangeSet
	maxAckDelay time.Duration
	// ackElicitingThreshold and reorderingThreshold are as in the
	// ACK_FREQUENCY frame (draft-ietf-quic-ack-frequency, 4).
	ackElicitingThreshold uint64
	reorderingThreshold   uint64

	largest     uint64
	largestTime protocol.Time // when largest arrived, for ACK Delay
	hasLargest  bool
	// largestUnacked is the largest ack-eliciting packet number received.
	largestUnacked    uint64
	hasLargestUnacked bool
	// lastAcked is the Largest Acknowledged of the last ACK frame sent.
	lastAcked    uint64
	hasLastAcked bool
	lastCE       bool // the previous packet was CE-marked

	unackedEliciting uint64        // ack-eliciting packets since the last ACK
	deadline         protocol.Time // when an ACK must be sent, or Never
	pending          bool          // packets arrived since the last ACK

	ecn    ECNCounts
	hasECN bool // some packet carried an ECN codepoint
}

// NewAckTracker returns a tracker for space with our max_ack_delay (used
// for the Application Data space only).
func NewAckTracker(space protocol.Space, maxAckDelay time.Duration) *AckTracker {
	t := &AckTracker{
		space:                 space,
		maxAckDelay:           maxAckDelay,
		ackElicitingThreshold: DefaultAckElicitingThreshold,
		reorderingThreshold:   DefaultReorderingThreshold,
		deadline:              protocol.Never,
	}
	t.ranges.SetMaxRanges(DefaultMaxAckRanges)
	return t
}

// SetAckFrequency applies an ACK_FREQUENCY frame's Ack-Eliciting
// Threshold, Requested Max Ack Delay and Reordering Threshold
// (draft-ietf-quic-ack-frequency, 4). A pending deadline is kept.
func (t *AckTracker) SetAckFrequency(ackElicitingThreshold uint64, maxAckDelay time.Duration, reorderingThreshold uint64) {
	t.ackElicitingThreshold = ackElicitingThreshold
	t.maxAckDelay = maxAckDelay
	t.reorderingThreshold = reorderingThreshold
}

// OnImmediateAck handles an IMMEDIATE_ACK frame: an ACK is due at once
// (draft-ietf-quic-ack-frequency, 5).
func (t *AckTracker) OnImmediateAck(now protocol.Time) { t.deadline = min(t.deadline, now) }

// SetMaxRanges bounds the number of ranges remembered; older ranges are
// dropped and packets below them are treated as duplicates.
func (t *AckTracker) SetMaxRanges(n int) { t.ranges.SetMaxRanges(n) }

// IsDuplicate reports whether pn was already received, or is too old to
// be tracked (RFC 9000, 13.2.3). A duplicate must not be processed.
func (t *AckTracker) IsDuplicate(pn uint64) bool {
	return pn < t.ranges.Floor() || t.ranges.Contains(pn)
}

// OnPacketReceived records a processed packet. It returns dup if pn was
// already received (or is below the tracked window), in which case
// nothing is recorded.
func (t *AckTracker) OnPacketReceived(pn uint64, now protocol.Time, ackEliciting bool, ecn ECN) (dup bool) {
	if !t.ranges.AddOne(pn) {
		return true
	}
	t.pending = true
	if ecn != ECNNotECT {
		t.ecn.add(ecn)
		t.hasECN = true
	}
	if !t.hasLargest || pn > t.largest {
		t.largest, t.largestTime, t.hasLargest = pn, now, true
	}
	ceEdge := ecn == ECNCE && (!t.lastCE || t.ackElicitingThreshold <= 1)
	t.lastCE = ecn == ECNCE
	if !ackEliciting {
		// Never answer a non-ack-eliciting packet with an ACK-only
		// packet (RFC 9000, 13.2.1).
		return false
	}
	t.unackedEliciting++
	outOfOrder := t.outOfOrder(pn)
	if !t.hasLargestUnacked || pn > t.largestUnacked {
		t.largestUnacked, t.hasLargestUnacked = pn, true
	}
	immediate := t.space != protocol.SpaceAppData || // RFC 9000, 13.2.1
		t.unackedEliciting > t.ackElicitingThreshold || // 13.2.2
		ceEdge || // 13.2.1; draft-ietf-quic-ack-frequency, 6.3
		outOfOrder || // 13.2.1; draft-ietf-quic-ack-frequency, 6.2
		t.reorderingWindowExceeded(pn)
	if immediate {
		t.deadline = min(t.deadline, now)
	} else {
		t.deadline = min(t.deadline, now.Add(t.maxAckDelay))
	}
	return false
}

// outOfOrder applies RFC 9000, 13.2.1 (Reordering Threshold 1): ack at
// once an ack-eliciting packet below an earlier ack-eliciting one, or
// above it with missing packets in between.
func (t *AckTracker) outOfOrder(pn uint64) bool {
	if t.reorderingThreshold != 1 || !t.hasLargestUnacked {
		return false
	}
	if pn < t.largestUnacked {
		return true
	}
	// pn was just added; its range must reach back to largestUnacked.
	for i := 0; i < t.ranges.Len(); i++ {
		if r := t.ranges.At(i); r.Start <= pn && pn < r.End {
			return r.Start > t.largestUnacked
		}
	}
	return true
}

// reorderingWindowExceeded applies a Reordering Threshold above 1
// (draft-ietf-quic-ack-frequency, 6.2): ack at once when the oldest
// missing packet the peer has not yet been told about is Reordering
// Threshold or more below the largest ack-eliciting packet, or when pn is
// below the window the last ACK frame reported.
func (t *AckTracker) reorderingWindowExceeded(pn uint64) bool {
	th := t.reorderingThreshold
	if th <= 1 {
		return false
	}
	lower := t.ranges.Floor() // everything below was reported or forgotten
	if t.hasLastAcked && t.lastAcked >= th {
		reported := t.lastAcked - th // Largest Reported Missing
		if pn <= reported {
			return true
		}
		lower = max(lower, reported+1)
	}
	// Smallest Unreported Missing: the first gap at or above lower.
	missing := lower
	for i := t.ranges.Len() - 1; i >= 0; i-- {
		r := t.ranges.At(i)
		if r.End <= missing {
			continue
		}
		if r.Start > missing {
			break
		}
		missing = r.End
	}
	return missing < t.largestUnacked && t.largestUnacked-missing >= th
}

// AckDeadline returns when an ACK frame must be sent, or protocol.Never
// if none is due. A deadline at or before now means at once.
func (t *AckTracker) AckDeadline() protocol.Time { return t.deadline }

// ShouldSendAck reports whether an ACK frame is due at now.
func (t *AckTracker) ShouldSendAck(now protocol.Time) bool { return t.deadline <= now }

// HasNewPackets reports whether packets arrived since the last ACK frame
// was sent, so an ACK may ride along in an outgoing packet (RFC 9000,
// 13.2).
func (t *AckTracker) HasNewPackets() bool { return t.pending }

// Ranges returns the received packet numbers; At(0) is the largest range,
// as an ACK frame lists them. Callers must not modify the set.
func (t *AckTracker) Ranges() *rangeset.RangeSet { return &t.ranges }

// Largest returns the largest packet number received, which packet number
// decoding needs (RFC 9000, 17.1).
func (t *AckTracker) Largest() (uint64, bool) { return t.largest, t.hasLargest }

// LargestReceivedTime returns when the largest packet number arrived.
func (t *AckTracker) LargestReceivedTime() protocol.Time { return t.largestTime }

// AckDelay returns the delay to report in an ACK frame sent at now: the
// time since the largest packet arrived (RFC 9000, 13.2.5). It is zero in
// the Initial and Handshake spaces, whose ACKs are not delayed on purpose
// (RFC 9000, 19.3).
func (t *AckTracker) AckDelay(now protocol.Time) time.Duration {
	if t.space != protocol.SpaceAppData || !t.hasLargest || now < t.largestTime {
		return 0
	}
	return now.Sub(t.largestTime)
}

// ECNCounts returns the ECN counts for the ACK frame's ECN section and
// whether any packet carried a codepoint.
func (t *AckTracker) ECNCounts() (ECNCounts, bool) { return t.ecn, t.hasECN }

// OnAckSent records that an ACK frame covering everything received was
// sent at now.
func (t *AckTracker) OnAckSent(now protocol.Time) {
	t.lastAcked, t.hasLastAcked = t.largest, t.hasLargest
	t.unackedEliciting = 0
	t.deadline = protocol.Never
	t.pending = false
}

// OnAckAcked is called when a packet carrying one of our ACK frames is
// acknowledged, with that frame's Largest Acknowledged. Packet numbers
// below it need not be acknowledged again (RFC 9000, 13.2.4); the largest
// itself stays, so every ACK frame still reports it.
func (t *AckTracker) OnAckAcked(largestAcked uint64) {
	t.ranges.RemoveBelow(largestAcked)
}
