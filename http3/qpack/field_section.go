package qpack

// maxEntries is the most entries a table of the given maximum capacity
// can hold: the smallest entry is 32 bytes (RFC 9204, 4.5.1.1).
func maxEntries(maxTableCapacity uint64) uint64 { return maxTableCapacity / entryOverhead }

// encodeInsertCount maps a Required Insert Count to its wire form
// (RFC 9204, 4.5.1.1).
func encodeInsertCount(ric, maxEntries uint64) uint64 {
	if ric == 0 {
		return 0
	}
	return ric%(2*maxEntries) + 1
}

// decodeInsertCount reconstructs a Required Insert Count from its wire
// form given the inserts received so far (RFC 9204, 4.5.1.1).
func decodeInsertCount(enc, maxEntries, totalInserts uint64) (uint64, bool) {
	if enc == 0 {
		return 0, true
	}
	fullRange := 2 * maxEntries
	if enc > fullRange {
		return 0, false
	}
	maxValue := totalInserts + maxEntries
	maxWrapped := maxValue / fullRange * fullRange
	ric := maxWrapped + enc - 1
	if ric > maxValue {
		if ric <= fullRange {
			return 0, false
		}
		ric -= fullRange
	}
	if ric == 0 {
		return 0, false
	}
	return ric, true
}

// appendSectionPrefix appends the encoded field section prefix: Required
// Insert Count, then the Base as a sign and Delta Base (RFC 9204, 4.5.1).
func appendSectionPrefix(dst []byte, ric, base, maxEntries uint64) []byte {
	dst = appendInt(dst, 0, 8, encodeInsertCount(ric, maxEntries))
	if base >= ric {
		return appendInt(dst, 0, 7, base-ric)
	}
	return appendInt(dst, 0x80, 7, ric-base-1)
}

// appendIndexedStatic appends an indexed field line referencing the static
// table (RFC 9204, 4.5.2).
func appendIndexedStatic(dst []byte, index uint64) []byte {
	return appendInt(dst, 0xc0, 6, index)
}

// appendIndexedDynamic appends an indexed field line for absolute index abs,
// relative to base or post-base as abs requires (RFC 9204, 4.5.2, 4.5.3).
func appendIndexedDynamic(dst []byte, abs, base uint64) []byte {
	if abs < base {
		return appendInt(dst, 0x80, 6, base-1-abs)
	}
	return appendInt(dst, 0x10, 4, abs-base)
}

// neverIndexBit returns the 'N' bit at the given position when never is set.
func neverIndexBit(never bool, bit byte) byte {
	if never {
		return bit
	}
	return 0
}

// appendLiteralStaticName appends a literal field line whose name is static
// table entry index (RFC 9204, 4.5.4).
func appendLiteralStaticName(dst []byte, index uint64, f HeaderField, huffman bool) []byte {
	dst = appendInt(dst, 0x50|neverIndexBit(f.NeverIndex, 0x20), 4, index)
	return appendString(dst, 0, 8, f.Value, huffman)
}

// appendLiteralDynamicName appends a literal field line whose name is that
// of dynamic entry abs, relative to base or post-base (RFC 9204, 4.5.4,
// 4.5.5).
func appendLiteralDynamicName(dst []byte, abs, base uint64, f HeaderField, huffman bool) []byte {
	if abs < base {
		dst = appendInt(dst, 0x40|neverIndexBit(f.NeverIndex, 0x20), 4, base-1-abs)
	} else {
		dst = appendInt(dst, 0x00|neverIndexBit(f.NeverIndex, 0x08), 3, abs-base)
	}
	return appendString(dst, 0, 8, f.Value, huffman)
}

// appendLiteralName appends a literal field line with a literal name
// (RFC 9204, 4.5.6).
func appendLiteralName(dst []byte, f HeaderField, huffman bool) []byte {
	dst = appendString(dst, 0x20|neverIndexBit(f.NeverIndex, 0x10), 4, f.Name, huffman)
	return appendString(dst, 0, 8, f.Value, huffman)
}
