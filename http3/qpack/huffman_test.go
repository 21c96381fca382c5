package qpack

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestHuffmanTableCanonical checks the transcribed RFC 7541 table: codes
// are canonical (which the decoder relies on), fit their lengths, and the
// derived decoding tables agree with them.
func TestHuffmanTableCanonical(t *testing.T) {
	order := make([]int, 257)
	for i := range order {
		order[i] = int(huffmanSymbols[i])
	}
	var code uint32
	for i, sym := range order {
		if i > 0 {
			prev := order[i-1]
			if huffmanCodeLen[sym] < huffmanCodeLen[prev] || (huffmanCodeLen[sym] == huffmanCodeLen[prev] && sym < prev) {
				t.Fatalf("symbols out of canonical order at %d", i)
			}
			code = (code + 1) << (huffmanCodeLen[sym] - huffmanCodeLen[prev])
		}
		if huffmanCodes[sym] != code || code>>huffmanCodeLen[sym] != 0 {
			t.Fatalf("symbol %d: code %#x, canonical %#x", sym, huffmanCodes[sym], code)
		}
	}
	if huffmanCodes[256] != 0x3fffffff || huffmanCodeLen[256] != 30 {
		t.Fatal("EOS is not 30 ones")
	}
	// The slow-path ranges: one per code length over 8 bits.
	i := 0
	for pos, sym := range order {
		l := huffmanCodeLen[sym]
		if l <= 8 || (pos > 0 && huffmanCodeLen[order[pos-1]] == l) {
			continue
		}
		count := 0
		for _, s := range order {
			if huffmanCodeLen[s] == l {
				count++
			}
		}
		if huffmanSlowLens[i] != l || huffmanSlowFirst[i] != huffmanCodes[sym] || int(huffmanSlowOffset[i]) != pos ||
			huffmanSlowLimit[i] != uint64(huffmanCodes[sym]+uint32(count))<<(32-l) {
			t.Fatalf("slow range %d (length %d) is wrong", i, l)
		}
		i++
	}
	if i != len(huffmanSlowLens) {
		t.Fatalf("%d slow ranges, want %d", len(huffmanSlowLens), i)
	}
	for b := 0; b < 256; b++ {
		f := huffmanFast[b]
		if f == 0 {
			if b < 0xfe {
				t.Fatalf("fast table misses %#x", b)
			}
			continue
		}
		sym, l := f>>8, f&0xff
		if uint32(b)>>(8-l) != huffmanCodes[sym] {
			t.Fatalf("fast table %#x -> %d", b, sym)
		}
	}
}

// RFC 7541, Appendix C.4 and C.6 Huffman-coded strings.
var huffmanExamples = []struct {
	text, coded string
}{
	{"www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"},
	{"no-cache", "a8eb 1064 9cbf"},
	{"custom-key", "25a8 49e9 5ba9 7d7f"},
	{"custom-value", "25a8 49e9 5bb8 e8b4 bf"},
	{"302", "6402"},
	{"private", "aec3 771a 4b"},
	{"Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"},
	{"https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"},
	{"307", "640e ff"},
	{"gzip", "9bd9 ab"},
	{"foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
		"94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"},
	{"", ""},
}

func TestHuffmanExamples(t *testing.T) {
	for _, tc := range huffmanExamples {
		want := unhex(t, tc.coded)
		if got := AppendHuffman(nil, tc.text); !bytes.Equal(got, want) {
			t.Errorf("encode %q = %x, want %x", tc.text, got, want)
		}
		if n := HuffmanEncodedLen(tc.text); n != len(want) {
			t.Errorf("len %q = %d, want %d", tc.text, n, len(want))
		}
		got, err := AppendHuffmanDecode(nil, want)
		if err != nil || string(got) != tc.text {
			t.Errorf("decode %x = %q, %v; want %q", want, got, err, tc.text)
		}
	}
}

func TestHuffmanEverySymbol(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	// Each symbol alone, then all of them at every alignment.
	for i := 0; i < 256; i++ {
		s := string(all[i : i+1])
		got, err := AppendHuffmanDecode(nil, AppendHuffman(nil, s))
		if err != nil || string(got) != s {
			t.Fatalf("symbol %d: %q, %v", i, got, err)
		}
	}
	for shift := 0; shift < 8; shift++ {
		s := string(bytes.Repeat([]byte{'0'}, shift)) + string(all)
		got, err := AppendHuffmanDecode(nil, AppendHuffman(nil, s))
		if err != nil || string(got) != s {
			t.Fatalf("shift %d: %v", shift, err)
		}
	}
}

func TestHuffmanRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 0, 64)
	for i := 0; i < 2000; i++ {
		buf = buf[:r.IntN(64)]
		for j := range buf {
			if i%2 == 0 {
				buf[j] = byte(r.IntN(256))
			} else {
				buf[j] = byte(' ' + r.IntN(95))
			}
		}
		enc := AppendHuffman(nil, string(buf))
		if len(enc) != HuffmanEncodedLen(string(buf)) {
			t.Fatalf("length mismatch for %x", buf)
		}
		dec, err := AppendHuffmanDecode([]byte("prefix"), enc)
		if err != nil || string(dec) != "prefix"+string(buf) {
			t.Fatalf("round trip %x: %x, %v", buf, dec, err)
		}
	}
}

func TestHuffmanDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		// The invalid forms of RFC 7541, 5.2. '0' is coded 00000.
		{"padding not ones", "00", errHuffmanPadding},         // '0' then 000 padding
		{"padding of 8 bits", "07 ff", errHuffmanPadding},     // '0' then eleven 1 bits
		{"whole byte of ones", "ff", errHuffmanPadding},       // padding longer than 7 bits
		{"EOS", "ff ff ff ff", errHuffmanEOS},                 // 30 ones then 2 ones of padding
		{"EOS after symbol", "07 ff ff ff fc", errHuffmanEOS}, // '0' then EOS
		{"truncated long code", "ff fe", errHuffmanPadding},   // prefix of a 19+ bit code
		{"long padding after symbol", "f1 e3 c2 e5 f2 3a 6b a0 ab 90 f4 ff ff", errHuffmanPadding},
	}
	for _, tc := range tests {
		_, err := AppendHuffmanDecode(nil, unhex(t, tc.in))
		if err != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func BenchmarkHuffmanDecode(b *testing.B) {
	src := AppendHuffman(nil, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36")
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst, _ = AppendHuffmanDecode(dst[:0], src)
	}
}

func BenchmarkHuffmanEncode(b *testing.B) {
	s := "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		dst = AppendHuffman(dst[:0], s)
	}
}
