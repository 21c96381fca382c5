package http3

// QUIC variable-length integers (RFC 9000, 16), which HTTP/3 uses for
// frame and stream fields. The quic/internal/wire package is not visible
// here, so http3 carries its own copy of these few lines.

// maxVarint is the largest value a varint can encode.
const maxVarint = 1<<62 - 1

// varintLen returns the encoded length of v.
func varintLen(v uint64) int {
	switch {
	case v < 1<<6:
		return 1
	case v < 1<<14:
		return 2
	case v < 1<<30:
		return 4
	}
	return 8
}

// appendVarint appends v in the shortest encoding; v must be <= maxVarint.
func appendVarint(dst []byte, v uint64) []byte {
	switch varintLen(v) {
	case 1:
		return append(dst, byte(v))
	case 2:
		return append(dst, 0x40|byte(v>>8), byte(v))
	case 4:
		return append(dst, 0x80|byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return append(dst, 0xc0|byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
		byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// consumeVarint parses a varint from b, returning its length, or -1 when b
// is too short.
func consumeVarint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, -1
	}
	n := 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, -1
	}
	v := uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n
}
