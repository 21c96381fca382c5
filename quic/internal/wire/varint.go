// Package wire encodes and decodes the QUIC wire format: variable-length
// integers, frames and transport parameters (RFC 9000, 12.4, 16, 18, 19).
//
// Parsers never panic and never allocate more than the input justifies.
// Append functions follow the strconv.AppendX convention.
package wire

// MaxVarint is the largest value a variable-length integer can carry
// (RFC 9000, 16).
const MaxVarint = 1<<62 - 1

// VarintLen returns the number of bytes needed to encode v (RFC 9000, 16).
// v must not exceed MaxVarint.
func VarintLen(v uint64) int {
	switch {
	case v <= 63:
		return 1
	case v <= 16383:
		return 2
	case v <= 1073741823:
		return 4
	default:
		return 8
	}
}

// AppendVarint appends the shortest encoding of v to b (RFC 9000, 16).
// v must not exceed MaxVarint.
func AppendVarint(b []byte, v uint64) []byte {
	switch {
	case v <= 63:
		return append(b, byte(v))
	case v <= 16383:
		return append(b, 0x40|byte(v>>8), byte(v))
	case v <= 1073741823:
		return append(b, 0x80|byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return append(b, 0xc0|byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
			byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
}

// AppendVarintN appends v encoded in exactly n bytes (1, 2, 4 or 8). It is
// used where a length must be reserved before its value is known, such as
// the Length field of a long header (RFC 9000, 17.2). v must fit in n bytes.
func AppendVarintN(b []byte, v uint64, n int) []byte {
	switch n {
	case 1:
		return append(b, byte(v))
	case 2:
		return append(b, 0x40|byte(v>>8), byte(v))
	case 4:
		return append(b, 0x80|byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return append(b, 0xc0|byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32),
			byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
}

// PutVarintN writes v into b[:n] using exactly n bytes (1, 2, 4 or 8).
func PutVarintN(b []byte, v uint64, n int) {
	switch n {
	case 1:
		b[0] = byte(v)
	case 2:
		_ = b[1]
		b[0], b[1] = 0x40|byte(v>>8), byte(v)
	case 4:
		_ = b[3]
		b[0], b[1], b[2], b[3] = 0x80|byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	default:
		_ = b[7]
		b[0], b[1], b[2], b[3] = 0xc0|byte(v>>56), byte(v>>48), byte(v>>40), byte(v>>32)
		b[4], b[5], b[6], b[7] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
}

// ConsumeVarint decodes a variable-length integer from the start of b. It
// returns the value and the number of bytes read, or n < 0 if b is too short.
func ConsumeVarint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, -1
	}
	n = 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, -1
	}
	v = uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n
}
