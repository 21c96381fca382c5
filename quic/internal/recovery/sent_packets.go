package recovery

// slotState is the fate of one packet number in the sent packet ring.
type slotState uint8

const (
	slotSkipped     slotState = iota // never sent: a skipped packet number
	slotOutstanding                  // sent, neither acknowledged nor lost
	slotAcked
	slotLost
)

// sentSlot is one packet number's entry in the ring.
type sentSlot struct {
	p     SentPacket
	state slotState
}

// skipHistory is how many skipped packet numbers are remembered after they
// leave the ring, so that an ACK of one is still caught.
const skipHistory = 16

// sentPackets stores one space's sent packets in a ring indexed by packet
// number (sent_packets in RFC 9002, A.1). The ring covers [first, next):
// from the oldest packet still outstanding to the largest sent. Packet
// numbers the sender skipped are kept as slotSkipped so that an ACK of one
// is detected (RFC 9000, 21.4). The ring doubles when full and is reused,
// so steady-state sending does not allocate.
type sentPackets struct {
	buf   []sentSlot // len is a power of two
	head  int        // index of first in buf
	n     int        // slots in use
	first uint64     // packet number at head
	next  uint64     // largest sent + 1 (kept when the ring empties)
	// skips remembers recently skipped packet numbers, circularly.
	skips     [skipHistory]uint64
	skipCount int
}

// slot returns the slot for packet number pn, which must be in
// [first, first+n).
func (s *sentPackets) slot(pn uint64) *sentSlot {
	return &s.buf[(s.head+int(pn-s.first))&(len(s.buf)-1)]
}

// contains reports whether pn has a slot.
func (s *sentPackets) contains(pn uint64) bool {
	return s.n > 0 && pn >= s.first && pn-s.first < uint64(s.n)
}

// push appends p. Packet numbers must increase; gaps become skipped slots.
func (s *sentPackets) push(p SentPacket) {
	pn := p.PacketNumber
	if pn < s.next {
		panic("recovery: packet numbers must increase")
	}
	for g := s.next; g < pn && pn-g <= skipHistory; g++ {
		s.skips[s.skipCount%skipHistory] = g
		s.skipCount++
	}
	if s.n == 0 {
		s.first = pn
	} else {
		for s.next < pn { // fill the gap
			s.append(sentSlot{p: SentPacket{PacketNumber: s.next}, state: slotSkipped})
			s.next++
		}
	}
	s.append(sentSlot{p: p, state: slotOutstanding})
	s.next = pn + 1
}

func (s *sentPackets) append(e sentSlot) {
	if s.n == len(s.buf) {
		s.grow()
	}
	s.buf[(s.head+s.n)&(len(s.buf)-1)] = e
	s.n++
}

func (s *sentPackets) grow() {
	// Small at first: Initial and Handshake spaces hold a few packets.
	size := max(2*len(s.buf), 8)
	buf := make([]sentSlot, size)
	for i := 0; i < s.n; i++ {
		buf[i] = s.buf[(s.head+i)&(len(s.buf)-1)]
	}
	s.buf, s.head = buf, 0
}

// wasSkipped reports whether pn is a packet number the sender skipped.
func (s *sentPackets) wasSkipped(pn uint64) bool {
	if s.contains(pn) {
		return s.slot(pn).state == slotSkipped
	}
	for i := 0; i < min(s.skipCount, skipHistory); i++ {
		if s.skips[i] == pn {
			return true
		}
	}
	return false
}

// trim drops slots from the head that are no longer outstanding.
func (s *sentPackets) trim() {
	for s.n > 0 {
		e := &s.buf[s.head]
		if e.state == slotOutstanding {
			return
		}
		*e = sentSlot{} // drop the Frames reference
		s.head = (s.head + 1) & (len(s.buf) - 1)
		s.n--
		s.first++
	}
}

// clear drops every slot, keeping next and the skip history.
func (s *sentPackets) clear() {
	for i := 0; i < s.n; i++ {
		s.buf[(s.head+i)&(len(s.buf)-1)] = sentSlot{}
	}
	s.head, s.n = 0, 0
}

// release empties the ring and gives its memory back, for a space that
// will not be used again.
func (s *sentPackets) release() {
	s.clear()
	s.buf = nil
}
