package qpack

// appendString appends s as an n-bit prefix string literal (RFC 9204,
// 4.1.2): an 'H' bit, then the length as an (n-1)-bit prefix integer, then
// the bytes. flags holds the bits above the prefix. With huffman set, the
// Huffman form is used when it is shorter.
func appendString(dst []byte, flags byte, n uint8, s string, huffman bool) []byte {
	if huffman {
		if hl := HuffmanEncodedLen(s); hl < len(s) {
			dst = appendInt(dst, flags|1<<(n-1), n-1, uint64(hl))
			return AppendHuffman(dst, s)
		}
	}
	dst = appendInt(dst, flags, n-1, uint64(len(s)))
	return append(dst, s...)
}

// stringLen returns the length appendString would add for s.
func stringLen(n uint8, s string, huffman bool) int {
	l := len(s)
	if huffman {
		if hl := HuffmanEncodedLen(s); hl < l {
			l = hl
		}
	}
	return intLen(n-1, uint64(l)) + l
}

// maxHuffmanEncodedLen bounds the encoded length of a Huffman string whose
// decoded length is at most maxLen: no code is longer than 30 bits.
func maxHuffmanEncodedLen(maxLen uint64) uint64 {
	if maxLen > maxInteger/30 {
		return maxInteger
	}
	return (maxLen*30+7)/8 + 1
}

// stringHeader is the parsed start of a string literal.
type stringHeader struct {
	huffman bool
	length  uint64 // encoded length in bytes
	hdrLen  int    // bytes used by the H bit and length
}

// parseStringHeader reads the 'H' bit and length of an n-bit prefix string
// literal. hdrLen 0 and no error means b ends mid-header. The encoded
// length is checked against maxLen (the decoded limit) before any data is
// read, so callers never buffer more than the limit justifies.
func parseStringHeader(b []byte, n uint8, maxLen uint64) (stringHeader, error) {
	if len(b) == 0 {
		return stringHeader{}, nil
	}
	h := b[0]&(1<<(n-1)) != 0
	l, c, err := parseInt(b, n-1)
	if err != nil || c == 0 {
		return stringHeader{}, err
	}
	if (!h && l > maxLen) || (h && l > maxHuffmanEncodedLen(maxLen)) {
		return stringHeader{}, errStringTooLong
	}
	return stringHeader{huffman: h, length: l, hdrLen: c}, nil
}

// readString reads an n-bit prefix string literal from b and appends its
// decoded bytes to dst. It returns the bytes consumed, or, when b ends
// mid-literal, minus the least total length that could complete it.
// Decoded strings longer than maxLen fail.
func readString(dst, b []byte, n uint8, maxLen uint64) ([]byte, int, error) {
	sh, err := parseStringHeader(b, n, maxLen)
	if err != nil {
		return dst, 0, err
	}
	if sh.hdrLen == 0 {
		return dst, -(len(b) + 1), nil
	}
	if uint64(len(b)-sh.hdrLen) < sh.length {
		return dst, -(sh.hdrLen + int(sh.length)), nil
	}
	end := sh.hdrLen + int(sh.length)
	data := b[sh.hdrLen:end]
	if !sh.huffman {
		return append(dst, data...), end, nil
	}
	start := len(dst)
	dst, err = AppendHuffmanDecode(dst, data)
	if err != nil {
		return dst[:start], 0, err
	}
	if uint64(len(dst)-start) > maxLen {
		return dst[:start], 0, errStringTooLong
	}
	return dst, end, nil
}
