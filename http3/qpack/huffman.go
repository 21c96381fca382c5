package qpack

// HuffmanEncodedLen returns the length of s after Huffman coding
// (RFC 7541, 5.2 and Appendix B).
func HuffmanEncodedLen(s string) int {
	var bits uint64
	for i := 0; i < len(s); i++ {
		bits += uint64(huffmanCodeLen[s[i]])
	}
	return int((bits + 7) / 8)
}

// AppendHuffman appends the Huffman coding of s to dst, padding the last
// byte with the most significant bits of EOS (RFC 7541, 5.2).
func AppendHuffman(dst []byte, s string) []byte {
	var acc uint64 // pending bits in the low nbits bits
	var nbits uint
	for i := 0; i < len(s); i++ {
		c := s[i]
		l := uint(huffmanCodeLen[c])
		acc = acc<<l | uint64(huffmanCodes[c])
		nbits += l
		for nbits >= 8 {
			nbits -= 8
			dst = append(dst, byte(acc>>nbits))
		}
	}
	if nbits > 0 {
		dst = append(dst, byte(acc<<(8-nbits))|byte(0xff>>nbits))
	}
	return dst
}

// AppendHuffmanDecode appends the decoding of the Huffman string src to
// dst. It rejects EOS in the string and padding that is longer than 7 bits
// or not a prefix of EOS (RFC 7541, 5.2).
func AppendHuffmanDecode(dst, src []byte) ([]byte, error) {
	var acc uint64 // pending bits, aligned to the most significant bit
	var nbits uint
	i := 0
	for {
		for nbits <= 56 && i < len(src) {
			acc |= uint64(src[i]) << (56 - nbits)
			nbits += 8
			i++
		}
		if nbits == 0 {
			return dst, nil
		}
		window := uint32(acc >> 32)
		if nbits < 32 {
			// Past the end: fill with ones so a truncated code decodes as
			// a longer one and is caught as padding below.
			window |= uint32(1)<<(32-nbits) - 1
		}
		var sym, l uint
		if f := huffmanFast[window>>24]; f != 0 {
			sym, l = uint(f>>8), uint(f&0xff)
		} else {
			sym, l = huffmanSlow(window)
		}
		if l > nbits {
			// Only padding is left: at most 7 bits, all ones.
			if nbits > 7 || acc>>(64-nbits) != 1<<nbits-1 {
				return dst, errHuffmanPadding
			}
			return dst, nil
		}
		if sym == 256 {
			return dst, errHuffmanEOS
		}
		dst = append(dst, byte(sym))
		acc <<= l
		nbits -= l
	}
}

// huffmanSlow decodes a code longer than 8 bits from the 32-bit window,
// using the canonical ordering of the code: codes of each length form a
// contiguous range.
func huffmanSlow(window uint32) (sym, length uint) {
	for i, limit := range huffmanSlowLimit {
		if uint64(window) < limit {
			l := uint(huffmanSlowLens[i])
			idx := uint(huffmanSlowOffset[i]) + uint(window>>(32-l)-huffmanSlowFirst[i])
			return uint(huffmanSymbols[idx]), l
		}
	}
	// Unreachable: the last limit is 1<<32.
	return 256, 30
}
