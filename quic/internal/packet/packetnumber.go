package packet

// MaxPacketNumber is the largest packet number (RFC 9000, 12.3).
const MaxPacketNumber = 1<<62 - 1

// PacketNumberLen returns how many bytes (1 to 4) to encode pn in, given the
// largest packet number the peer has acknowledged in the space, or -1 if
// none. The encoding must cover more than twice the range of unacknowledged
// packet numbers (RFC 9000, 17.1 and A.2).
func PacketNumberLen(pn, largestAcked int64) int {
	numUnacked := pn - largestAcked
	if largestAcked < 0 {
		numUnacked = pn + 1
	}
	// A.2 needs log2(numUnacked)+1 bits, i.e. numUnacked <= 2^(8n-1).
	for n := 1; n < 4; n++ {
		if numUnacked <= 1<<(8*n-1) {
			return n
		}
	}
	return 4
}

// AppendPacketNumber appends the pnLen least significant bytes of pn
// (RFC 9000, 17.1).
func AppendPacketNumber(b []byte, pn int64, pnLen int) []byte {
	switch pnLen {
	case 1:
		return append(b, byte(pn))
	case 2:
		return append(b, byte(pn>>8), byte(pn))
	case 3:
		return append(b, byte(pn>>16), byte(pn>>8), byte(pn))
	default:
		return append(b, byte(pn>>24), byte(pn>>16), byte(pn>>8), byte(pn))
	}
}

// ReadPacketNumber reads a truncated packet number of pnLen bytes from the
// start of b, once header protection has been removed.
func ReadPacketNumber(b []byte, pnLen int) (uint64, error) {
	if pnLen < 1 || pnLen > 4 {
		return 0, ErrTruncated
	}
	if len(b) < pnLen {
		return 0, ErrTruncated
	}
	var v uint64
	for _, c := range b[:pnLen] {
		v = v<<8 | uint64(c)
	}
	return v, nil
}

// DecodePacketNumber recovers a full packet number from the truncated value
// of nbits bits, given the largest packet number received so far in the
// space, or -1 if none (RFC 9000, A.3).
func DecodePacketNumber(largest int64, truncated uint64, nbits int) int64 {
	expected := largest + 1
	win := int64(1) << nbits
	hwin := win / 2
	mask := win - 1
	candidate := expected&^mask | int64(truncated)&mask
	if candidate <= expected-hwin && candidate < 1<<62-win {
		return candidate + win
	}
	if candidate > expected+hwin && candidate >= win {
		return candidate - win
	}
	return candidate
}
