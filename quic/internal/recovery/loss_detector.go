package recovery

import (
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// Config configures a LossDetector.
type Config struct {
	// IsServer selects the server's address validation rules
	// (RFC 9002, 6.2.2.1).
	IsServer bool
	// InitialRTT is kInitialRtt; zero means DefaultInitialRTT.
	InitialRTT time.Duration
	// MaxHandshakePTO caps the backed-off PTO until the handshake is
	// confirmed; zero means no cap (RFC 9002 sets none).
	MaxHandshakePTO time.Duration
}

// lossSpace is the loss detection state of one packet number space
// (RFC 9002, A.3).
type lossSpace struct {
	sent                 sentPackets
	largestAcked         uint64
	hasLargestAcked      bool
	lossTime             protocol.Time // loss_time, Never if unset
	lastAckElicitingTime protocol.Time // time_of_last_ack_eliciting_packet
	ackElicitingInFlight int
	probes               int // probe packets still to send after a PTO
	ecn                  ecnState
}

// LossDetector is the sending side of loss recovery for one path: sent
// packets per space, RTT estimation, ACK processing, loss detection, the
// loss detection/PTO timer and bytes in flight (RFC 9002, 6 and A). It
// drives a congestion.Controller.
type LossDetector struct {
	isServer        bool
	maxHandshakePTO time.Duration
	rtt             RTTStats
	cc              congestion.Controller
	spaces          [protocol.NumSpaces]lossSpace

	bytesInFlight int
	ptoCount      int
	timer         protocol.Time // loss_detection_timer, Never if unset

	handshakeConfirmed   bool
	hasHandshakeKeys     bool
	peerAckedHandshake   bool // a client received an ACK in a Handshake packet
	amplificationBlocked bool // a server is at its anti-amplification limit
}

// NewLossDetector returns a loss detector that reports to cc.
func NewLossDetector(cfg Config, cc congestion.Controller) *LossDetector {
	l := &LossDetector{isServer: cfg.IsServer, cc: cc, timer: protocol.Never, maxHandshakePTO: cfg.MaxHandshakePTO}
	l.rtt.maxAckDelay = DefaultMaxAckDelay
	l.rtt.Reset(cfg.InitialRTT)
	for i := range l.spaces {
		l.spaces[i].lossTime = protocol.Never
	}
	return l
}

// RTT returns the RTT estimator.
func (l *LossDetector) RTT() *RTTStats { return &l.rtt }

// Controller returns the congestion controller.
func (l *LossDetector) Controller() congestion.Controller { return l.cc }

// BytesInFlight returns bytes_in_flight (RFC 9002, B.2).
func (l *LossDetector) BytesInFlight() int { return l.bytesInFlight }

// CanSend reports whether the congestion window, or a pending PTO probe,
// allows another packet in space (RFC 9002, 7 and 7.5).
func (l *LossDetector) CanSend(space protocol.Space) bool {
	return l.spaces[space].probes > 0 || l.cc.CanSend(l.bytesInFlight)
}

// ProbesPending returns how many PTO probe packets remain to be sent in
// space; sending an ack-eliciting packet there counts one off.
func (l *LossDetector) ProbesPending(space protocol.Space) int { return l.spaces[space].probes }

// HasAckElicitingInFlight reports whether space has ack-eliciting packets
// in flight; on a PTO such spaces should get probes too (RFC 9002, 6.2.4).
func (l *LossDetector) HasAckElicitingInFlight(space protocol.Space) bool {
	return l.spaces[space].ackElicitingInFlight > 0
}

// LargestAcked returns the largest packet number the peer acknowledged in
// space, which packet number encoding needs (RFC 9000, 17.1).
func (l *LossDetector) LargestAcked(space protocol.Space) (uint64, bool) {
	return l.spaces[space].largestAcked, l.spaces[space].hasLargestAcked
}

// PTOCount returns pto_count, the number of PTOs without an ACK.
func (l *LossDetector) PTOCount() int { return l.ptoCount }

// LossTimer returns when OnLossTimeout should be called, or protocol.Never.
func (l *LossDetector) LossTimer() protocol.Time { return l.timer }

// SetPeerMaxAckDelay records the peer's max_ack_delay transport parameter.
func (l *LossDetector) SetPeerMaxAckDelay(d time.Duration) { l.rtt.SetMaxAckDelay(d) }

// SetHandshakeConfirmed records handshake confirmation (RFC 9001, 4.1.2),
// which enables the Application Data PTO and caps ack delays.
func (l *LossDetector) SetHandshakeConfirmed(now protocol.Time) {
	l.handshakeConfirmed = true
	l.setLossDetectionTimer(now)
}

// SetHasHandshakeKeys records that Handshake keys are available, so an
// anti-deadlock probe goes in a Handshake packet (RFC 9002, 6.2.2.1).
func (l *LossDetector) SetHasHandshakeKeys() { l.hasHandshakeKeys = true }

// SetAmplificationBlocked tells a server whether it is at the
// anti-amplification limit; a blocked server does not arm the PTO
// (RFC 9002, 6.2.2.1). After unblocking, a timer already in the past
// fires at once: the caller sees LossTimer() <= now.
func (l *LossDetector) SetAmplificationBlocked(blocked bool, now protocol.Time) {
	if l.amplificationBlocked == blocked {
		return
	}
	l.amplificationBlocked = blocked
	l.setLossDetectionTimer(now)
}

// OnPacketSent records a sent packet (RFC 9002, A.5). Packet numbers in a
// space must increase; numbers left out are treated as skipped, and an
// ACK of one is a protocol violation.
func (l *LossDetector) OnPacketSent(p SentPacket) {
	sp := &l.spaces[p.Space]
	sp.sent.push(p)
	sp.ecn.onSent(p.ECN)
	if p.AckEliciting && sp.probes > 0 {
		sp.probes--
	}
	if !p.InFlight {
		return
	}
	if p.AckEliciting {
		sp.lastAckElicitingTime = p.TimeSent
		sp.ackElicitingInFlight++
	}
	l.bytesInFlight += p.Size
	l.cc.OnPacketSent(p.TimeSent, p.Size, l.bytesInFlight)
	l.setLossDetectionTimer(p.TimeSent)
}

// AckResult summarizes what one ACK frame did.
type AckResult struct {
	NewlyAcked int
	Lost       int
	// RTTSample is set if the ACK produced an RTT sample (RFC 9002, 5.1).
	RTTSample bool
	// ECN is the outcome of ECN validation (RFC 9000, 13.4.2.1).
	ECN ECNResult
	// ECNCongestion is set if the ECN-CE count increased (RFC 9002, 7.1).
	ECNCongestion bool
	// CongestionEvent is set if loss or ECN-CE signalled congestion.
	CongestionEvent bool
	// PersistentCongestion is set if persistent congestion was declared
	// (RFC 9002, 7.6).
	PersistentCongestion bool
}

// ackError returns the PROTOCOL_VIOLATION for an invalid ACK frame.
func ackError(ecn *ECNCounts, reason string) error {
	ft := uint64(0x02) // ACK (RFC 9000, 19.3)
	if ecn != nil {
		ft = 0x03
	}
	return &qerr.TransportError{Code: qerr.ProtocolViolation, FrameType: ft, Reason: reason}
}

// validRanges reports whether ranges are non-empty, well-formed and
// descending without overlap.
func validRanges(ranges []AckRange) bool {
	if len(ranges) == 0 {
		return false
	}
	for i, r := range ranges {
		if r.Smallest > r.Largest || (i > 0 && r.Largest >= ranges[i-1].Smallest) {
			return false
		}
	}
	return true
}

// rangesContain reports whether the descending ranges contain pn.
func rangesContain(ranges []AckRange, pn uint64) bool {
	lo, hi := 0, len(ranges)
	for lo < hi { // first range with Smallest <= pn
		m := int(uint(lo+hi) >> 1)
		if ranges[m].Smallest > pn {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(ranges) && pn <= ranges[lo].Largest
}

// OnAckReceived processes an ACK frame received in space at now
// (RFC 9002, A.7): ranges largest first as the frame lists them, the
// decoded ACK Delay and the ECN counts (nil for an ACK frame without
// them). Newly acknowledged and lost packets go to h. An ACK of a packet
// never sent, including a skipped packet number, returns a
// PROTOCOL_VIOLATION *qerr.TransportError (RFC 9000, 13.1) and changes
// nothing; the connection must then close.
func (l *LossDetector) OnAckReceived(space protocol.Space, ranges []AckRange, ackDelay time.Duration,
	ecn *ECNCounts, now protocol.Time, h Handler) (AckResult, error) {
	var res AckResult
	sp := &l.spaces[space]
	if !validRanges(ranges) {
		return res, ackError(ecn, "malformed ACK ranges")
	}
	largest := ranges[0].Largest
	if largest >= sp.sent.next {
		return res, ackError(ecn, "ACK of a packet not yet sent")
	}
	for i := 0; i < min(sp.sent.skipCount, skipHistory); i++ {
		if rangesContain(ranges, sp.sent.skips[i]) {
			return res, ackError(ecn, "ACK of a skipped packet number")
		}
	}

	// Pass 1 finds the newly acknowledged packets without changing state,
	// so that an ACK of a skipped number in the ring fails cleanly.
	var (
		newly          int
		anyEliciting   bool
		largestNewly   uint64
		largestNewlyAt protocol.Time
	)
	s := &sp.sent
	for i := len(ranges) - 1; i >= 0 && s.n > 0; i-- {
		lo, hi := max(ranges[i].Smallest, s.first), ranges[i].Largest
		for pn := lo; pn <= hi; pn++ {
			e := s.slot(pn)
			switch e.state {
			case slotSkipped:
				sp.ecn.newlyECT0, sp.ecn.newlyECT1 = 0, 0
				return res, ackError(ecn, "ACK of a skipped packet number")
			case slotOutstanding:
				newly++
				anyEliciting = anyEliciting || e.p.AckEliciting
				largestNewly, largestNewlyAt = pn, e.p.TimeSent
				sp.ecn.onNewlyAcked(e.p.ECN)
			}
		}
	}

	largestIncreased := !sp.hasLargestAcked || largest > sp.largestAcked
	if largestIncreased {
		sp.largestAcked, sp.hasLargestAcked = largest, true
	}
	validated := false
	if space == protocol.SpaceHandshake && !l.peerAckedHandshake {
		l.peerAckedHandshake, validated = true, true
	}
	if newly == 0 {
		sp.ecn.newlyECT0, sp.ecn.newlyECT1 = 0, 0
		if validated { // the anti-deadlock timer may no longer be needed
			l.setLossDetectionTimer(now)
		}
		return res, nil
	}
	res.NewlyAcked = newly
	priorInFlight := l.bytesInFlight

	// RTT sample from the largest acknowledged if it is newly acknowledged
	// and something ack-eliciting was (RFC 9002, 5.1).
	if largestNewly == largest && anyEliciting {
		if space == protocol.SpaceInitial {
			ackDelay = 0 // Initial ACKs are never delayed (RFC 9002, 5.3)
		}
		l.rtt.Update(now.Sub(largestNewlyAt), ackDelay, l.handshakeConfirmed, now)
		res.RTTSample = true
	}

	// ECN (RFC 9000, 13.4.2.1): only an ACK that increases the largest
	// acknowledged may fail validation.
	if largestIncreased {
		var ce bool
		res.ECN, ce = sp.ecn.validate(ecn)
		if ce {
			l.cc.OnCongestionEvent(now, largestNewlyAt)
			res.ECNCongestion, res.CongestionEvent = true, true
		}
	} else {
		sp.ecn.newlyECT0, sp.ecn.newlyECT1 = 0, 0
	}

	l.detectAndRemoveLostPackets(space, now, ranges, h, &res.Lost, &res.CongestionEvent, &res.PersistentCongestion)

	// Pass 2: remove the newly acknowledged packets and tell the handler
	// and the controller (RFC 9002, B.4).
	for i := len(ranges) - 1; i >= 0 && s.n > 0; i-- {
		lo, hi := max(ranges[i].Smallest, s.first), ranges[i].Largest
		for pn := lo; pn <= hi; pn++ {
			e := s.slot(pn)
			if e.state != slotOutstanding {
				continue
			}
			e.state = slotAcked
			if e.p.InFlight {
				l.bytesInFlight -= e.p.Size
				if e.p.AckEliciting {
					sp.ackElicitingInFlight--
				}
			}
			h.OnPacketAcked(e.p)
			e.p.Frames = nil // the connection owns the buffer again
			if e.p.InFlight {
				l.cc.OnPacketAcked(now, e.p.TimeSent, e.p.Size, priorInFlight, &l.rtt)
			}
		}
	}
	s.trim()

	// Reset pto_count unless a client is unsure the server validated its
	// address (RFC 9002, 6.2.1).
	if l.peerCompletedAddressValidation() {
		l.ptoCount = 0
	}
	l.setLossDetectionTimer(now)
	return res, nil
}
