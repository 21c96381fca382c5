package qpack

import (
	"bytes"
	"testing"
)

func TestIntegerEncoding(t *testing.T) {
	tests := []struct {
		prefix uint8
		flags  byte
		v      uint64
		want   string
	}{
		{5, 0, 10, "0a"},              // RFC 7541, C.1.1
		{5, 0, 1337, "1f 9a 0a"},      // RFC 7541, C.1.2
		{8, 0, 42, "2a"},              // RFC 7541, C.1.3
		{5, 0xe0, 30, "fe"},           // limit-1 fits in the prefix
		{5, 0xe0, 31, "ff 00"},        // limit needs a zero continuation byte
		{6, 0x80, 63, "bf 00"},        // one past the largest 6-bit prefix value
		{7, 0, 127 + 128, "7f 80 01"}, // continuation with the high bit set
		{1, 0xfe, 0, "fe"},
		{1, 0xfe, 1, "ff 00"},
		{8, 0, maxInteger, "ff 80 fe ff ff ff ff ff ff 3f"},
		{3, 0, maxInteger, "07 f8 ff ff ff ff ff ff ff 3f"},
	}
	for _, tc := range tests {
		want := unhex(t, tc.want)
		got := appendInt(nil, tc.flags, tc.prefix, tc.v)
		if !bytes.Equal(got, want) {
			t.Errorf("appendInt(%d-bit, %d) = %x, want %x", tc.prefix, tc.v, got, want)
		}
		if l := intLen(tc.prefix, tc.v); l != len(want) {
			t.Errorf("intLen(%d-bit, %d) = %d, want %d", tc.prefix, tc.v, l, len(want))
		}
		v, n, err := parseInt(want, tc.prefix)
		if err != nil || n != len(want) || v != tc.v {
			t.Errorf("parseInt(%x) = %d, %d, %v", want, v, n, err)
		}
		// Every strict prefix is incomplete, not an error.
		for i := 0; i < len(want); i++ {
			if _, n, err := parseInt(want[:i], tc.prefix); n != 0 || err != nil {
				t.Errorf("parseInt(%x) = %d, %v; want incomplete", want[:i], n, err)
			}
		}
	}
}

func TestIntegerOverflow(t *testing.T) {
	tests := []struct {
		name   string
		prefix uint8
		in     string
	}{
		{"2^62", 8, "ff 81 fe ff ff ff ff ff ff 3f"},
		{"2^62 with 3-bit prefix", 3, "07 f9 ff ff ff ff ff ff ff 3f"},
		{"64 bits", 8, "ff ff ff ff ff ff ff ff ff 7f"},
		{"too many continuation bytes", 5, "1f 80 80 80 80 80 80 80 80 80 00"},
		{"huge last byte", 5, "1f ff ff ff ff ff ff ff ff 7f"},
	}
	for _, tc := range tests {
		if v, _, err := parseInt(unhex(t, tc.in), tc.prefix); err != errIntegerOverflow {
			t.Errorf("%s: got %d, %v, want overflow", tc.name, v, err)
		}
	}
	for _, prefix := range []uint8{1, 3, 5, 6, 7, 8} {
		b := appendInt(nil, 0, prefix, maxInteger+1)
		if _, _, err := parseInt(b, prefix); err != errIntegerOverflow {
			t.Errorf("%d-bit 2^62: got %v, want overflow", prefix, err)
		}
	}
}

func TestStringLiteral(t *testing.T) {
	tests := []struct {
		prefix  uint8
		s       string
		huffman bool
		want    string
	}{
		{8, "custom-key", false, "0a 6375 7374 6f6d 2d6b 6579"},
		{8, "custom-key", true, "88 25a8 49e9 5ba9 7d7f"},
		{6, "custom-key", false, "0a 6375 7374 6f6d 2d6b 6579"},
		{6, "custom-key", true, "28 25a8 49e9 5ba9 7d7f"},
		{4, "abcdefgh", false, "07 01 6162 6364 6566 6768"},
		{8, "\xff\xff", true, "02 ffff"}, // Huffman would be longer
		{8, "", true, "00"},
	}
	for _, tc := range tests {
		want := unhex(t, tc.want)
		got := appendString(nil, 0, tc.prefix, tc.s, tc.huffman)
		if !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %x, want %x", tc.s, got, want)
		}
		if l := stringLen(tc.prefix, tc.s, tc.huffman); l != len(want) {
			t.Errorf("stringLen(%q) = %d, want %d", tc.s, l, len(want))
		}
		dec, n, err := readString(nil, want, tc.prefix, 100)
		if err != nil || n != len(want) || string(dec) != tc.s {
			t.Errorf("readString(%x) = %q, %d, %v", want, dec, n, err)
		}
		for i := 0; i < len(want); i++ {
			if _, n, err := readString(nil, want[:i], tc.prefix, 100); n >= 0 || -n <= i || err != nil {
				t.Errorf("readString(%x) = %d, %v; want incomplete", want[:i], n, err)
			}
		}
	}
}

func TestStringLiteralLimits(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		maxLen uint64
		want   error
	}{
		{"raw over limit", "04 61616161", 3, errStringTooLong},
		{"raw at limit", "03 616161", 3, nil},
		// The limit is checked on the header, before the data arrives.
		{"raw over limit, data missing", "7f 80 80 01", 1000, errStringTooLong},
		{"huffman decodes over limit", "84 0000 0003", 4, errStringTooLong}, // six '0's
		{"huffman encoded length absurd", "ff 80 80 01", 1000, errStringTooLong},
		{"huffman bad padding", "81 00", 10, errHuffmanPadding},
		{"length overflow", "7f ff ff ff ff ff ff ff ff 7f", 10, errIntegerOverflow},
	}
	for _, tc := range tests {
		_, _, err := readString(nil, unhex(t, tc.in), 8, tc.maxLen)
		if err != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}
