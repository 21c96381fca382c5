package recovery

// ECN is an IP ECN codepoint; the values are the two ECN bits
// (RFC 3168, 5), the same as the socket layer's.
type ECN uint8

// ECN codepoints.
const (
	ECNNotECT ECN = 0b00
	ECNECT1   ECN = 0b01
	ECNECT0   ECN = 0b10
	ECNCE     ECN = 0b11
)

// ECNCounts are the three counters of an ACK frame's ECN section
// (RFC 9000, 19.3.2).
type ECNCounts struct {
	ECT0, ECT1, CE uint64
}

// add counts one packet received with codepoint e (RFC 9000, 13.4.1).
func (c *ECNCounts) add(e ECN) {
	switch e {
	case ECNECT0:
		c.ECT0++
	case ECNECT1:
		c.ECT1++
	case ECNCE:
		c.CE++
	}
}

// ECNResult is the outcome of validating the ECN counts of one ACK frame
// (RFC 9000, 13.4.2.1).
type ECNResult uint8

// ECN validation outcomes.
const (
	// ECNUnchecked: the ACK frame did not increase the largest
	// acknowledged packet number, or acknowledged no marked packet and
	// carried no counts, so there was nothing to validate.
	ECNUnchecked ECNResult = iota
	// ECNValid: the counts cover every newly acknowledged marked packet.
	ECNValid
	// ECNFailed: the path or peer mangles ECN; the sender must stop
	// marking packets (RFC 9000, 13.4.2.2).
	ECNFailed
)

// ecnState holds one packet number space's ECN bookkeeping on the
// sending side.
type ecnState struct {
	peer      ECNCounts // counts from the last validated ACK frame
	sentECT0  uint64    // packets sent with ECT(0)
	sentECT1  uint64    // packets sent with ECT(1)
	newlyECT0 uint64    // newly acknowledged packets sent with ECT(0), per ACK
	newlyECT1 uint64
}

// onSent counts a packet sent with codepoint e.
func (s *ecnState) onSent(e ECN) {
	switch e {
	case ECNECT0:
		s.sentECT0++
	case ECNECT1:
		s.sentECT1++
	}
}

// onNewlyAcked counts a newly acknowledged packet sent with codepoint e.
func (s *ecnState) onNewlyAcked(e ECN) {
	switch e {
	case ECNECT0:
		s.newlyECT0++
	case ECNECT1:
		s.newlyECT1++
	}
}

// validate checks an ACK frame's counts against the newly acknowledged
// packets (RFC 9000, 13.4.2.1) and reports whether the CE count grew. It
// is called only for ACK frames that increase the largest acknowledged.
func (s *ecnState) validate(counts *ECNCounts) (res ECNResult, ceIncreased bool) {
	newly0, newly1 := s.newlyECT0, s.newlyECT1
	s.newlyECT0, s.newlyECT1 = 0, 0
	if counts == nil {
		if newly0+newly1 > 0 {
			return ECNFailed, false // marks were erased or not reported
		}
		return ECNUnchecked, false
	}
	c := *counts
	if c.ECT0 < s.peer.ECT0 || c.ECT1 < s.peer.ECT1 || c.CE < s.peer.CE {
		return ECNFailed, false // counts never decrease
	}
	d0, d1, dce := c.ECT0-s.peer.ECT0, c.ECT1-s.peer.ECT1, c.CE-s.peer.CE
	if d0+dce < newly0 || d1+dce < newly1 {
		return ECNFailed, false // marks were removed or remarked
	}
	if c.ECT0 > s.sentECT0 || c.ECT1 > s.sentECT1 || c.CE > s.sentECT0+s.sentECT1 {
		return ECNFailed, false // marks were added on the path
	}
	s.peer = c
	return ECNValid, dce > 0
}
