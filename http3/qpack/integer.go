package qpack

// maxInteger is the largest prefixed integer accepted: QPACK needs 62 bits
// (RFC 9204, 4.1.1), and nothing larger is meaningful.
const maxInteger = 1<<62 - 1

// appendInt appends v as an n-bit prefix integer (RFC 7541, 5.1). flags
// holds the bits above the prefix in the first byte.
func appendInt(dst []byte, flags byte, n uint8, v uint64) []byte {
	limit := uint64(1)<<n - 1
	if v < limit {
		return append(dst, flags|byte(v))
	}
	dst = append(dst, flags|byte(limit))
	v -= limit
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// intLen returns the encoded length of v as an n-bit prefix integer.
func intLen(n uint8, v uint64) int {
	limit := uint64(1)<<n - 1
	if v < limit {
		return 1
	}
	l := 2
	for v -= limit; v >= 0x80; v >>= 7 {
		l++
	}
	return l
}

// parseInt reads an n-bit prefix integer from the start of b (RFC 7541,
// 5.1), ignoring the bits above the prefix. It returns the value and the
// number of bytes used; 0 bytes and no error means b ends mid-integer.
// Values above 62 bits fail with errIntegerOverflow.
func parseInt(b []byte, n uint8) (uint64, int, error) {
	if len(b) == 0 {
		return 0, 0, nil
	}
	limit := uint64(1)<<n - 1
	v := uint64(b[0]) & limit
	if v < limit {
		return v, 1, nil
	}
	var m uint64
	for i := 1; i < len(b); i++ {
		c := b[i]
		if m >= 63 {
			return 0, 0, errIntegerOverflow
		}
		v += uint64(c&0x7f) << m
		if v > maxInteger {
			return 0, 0, errIntegerOverflow
		}
		if c&0x80 == 0 {
			return v, i + 1, nil
		}
		m += 7
	}
	return 0, 0, nil
}
