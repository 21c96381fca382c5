package recovery

import "github.com/quicr/quicr/quic/internal/protocol"

// detectAndRemoveLostPackets declares lost the outstanding packets below
// the largest acknowledged that are kPacketThreshold packets or the time
// threshold older (RFC 9002, 6.1 and A.10), arms loss_time for the rest,
// and reacts to congestion (RFC 9002, B.8). Packets in ranges are being
// acknowledged by the ACK frame under way and are skipped. It adds to
// *lost and sets *congestionEvent and *persistent.
func (l *LossDetector) detectAndRemoveLostPackets(space protocol.Space, now protocol.Time, ranges []AckRange,
	h Handler, lost *int, congestionEvent, persistent *bool) {
	sp := &l.spaces[space]
	sp.lossTime = protocol.Never
	s := &sp.sent
	if !sp.hasLargestAcked || s.n == 0 {
		return
	}
	lossDelay := l.rtt.lossDelay()
	lostSendTime := now.Add(-lossDelay)
	pcDuration := l.rtt.PersistentCongestionDuration()

	var (
		lastLossSent protocol.Time // sent_time_of_last_loss
		lostInFlight bool
		// A run of lost ack-eliciting packets with no acknowledged packet
		// sent in between (RFC 9002, 7.6.2). Only this space is checked,
		// which RFC 9002 permits; it can only declare congestion early
		// if another space's packets were acknowledged meanwhile.
		inRun     bool
		runStart  protocol.Time
		pcReached bool
	)
	ri := len(ranges) - 1 // smallest range of the ACK under way
	end := min(sp.largestAcked, s.next-1)
	for pn := s.first; pn <= end; pn++ {
		e := s.slot(pn)
		switch e.state {
		case slotAcked:
			inRun = false
			continue
		case slotSkipped, slotLost:
			continue
		}
		for ri >= 0 && ranges[ri].Largest < pn {
			ri--
		}
		if ri >= 0 && ranges[ri].Smallest <= pn {
			inRun = false // acknowledged by this ACK frame
			continue
		}
		p := &e.p
		if p.TimeSent > lostSendTime && sp.largestAcked < pn+packetThreshold {
			sp.lossTime = min(sp.lossTime, p.TimeSent.Add(lossDelay))
			inRun = false
			continue
		}
		e.state = slotLost
		*lost++
		if p.InFlight {
			l.bytesInFlight -= p.Size
			if p.AckEliciting {
				sp.ackElicitingInFlight--
			}
			// A lost PMTU probe says nothing about congestion
			// (RFC 9000, 14.4).
			if !p.PMTUProbe {
				lostInFlight = true
				lastLossSent = max(lastLossSent, p.TimeSent)
			}
		}
		// Only ack-eliciting packets sent after the first RTT sample count
		// toward persistent congestion (RFC 9002, 7.6.2).
		if p.AckEliciting && !p.PMTUProbe && l.rtt.HasSample() && p.TimeSent > l.rtt.FirstSampleTime() {
			if !inRun {
				inRun, runStart = true, p.TimeSent
			}
			if p.TimeSent.Sub(runStart) > pcDuration {
				pcReached = true
			}
		}
		h.OnPacketLost(*p)
		p.Frames = nil
	}
	if lostInFlight {
		l.cc.OnCongestionEvent(now, lastLossSent)
		*congestionEvent = true
	}
	if pcReached {
		l.cc.OnPersistentCongestion(now)
		l.rtt.OnPersistentCongestion()
		*persistent = true
	}
}
