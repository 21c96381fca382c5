package wire

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// RFC 9000, A.1 sample decodings.
func TestVarintRFCExamples(t *testing.T) {
	tests := []struct {
		hex  string
		want uint64
	}{
		{"c2197c5eff14e88c", 151288809941952652},
		{"9d7f3e7d", 494878333},
		{"7bbd", 15293},
		{"25", 37},
		{"4025", 37}, // non-minimal encodings decode too
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.hex)
		v, n := ConsumeVarint(b)
		if v != tt.want || n != len(b) {
			t.Errorf("ConsumeVarint(%s) = %d, %d; want %d, %d", tt.hex, v, n, tt.want, len(b))
		}
		for i := 0; i < len(b); i++ {
			if _, n := ConsumeVarint(b[:i]); n >= 0 {
				t.Errorf("ConsumeVarint(%s[:%d]) = n %d, want error", tt.hex, i, n)
			}
		}
		if len(b) == VarintLen(tt.want) {
			if got := AppendVarint(nil, tt.want); !bytes.Equal(got, b) {
				t.Errorf("AppendVarint(%d) = %x, want %s", tt.want, got, tt.hex)
			}
		}
	}
}

func TestVarintRoundTrip(t *testing.T) {
	for _, v := range []uint64{0, 1, 63, 64, 16383, 16384, 1073741823, 1073741824, MaxVarint} {
		b := AppendVarint(nil, v)
		if len(b) != VarintLen(v) {
			t.Errorf("len(AppendVarint(%d)) = %d, VarintLen = %d", v, len(b), VarintLen(v))
		}
		got, n := ConsumeVarint(b)
		if got != v || n != len(b) {
			t.Errorf("round trip %d: got %d, %d", v, got, n)
		}
		for _, size := range []int{1, 2, 4, 8} {
			if VarintLen(v) > size {
				continue
			}
			b := AppendVarintN(nil, v, size)
			p := make([]byte, size)
			PutVarintN(p, v, size)
			if !bytes.Equal(b, p) || len(b) != size {
				t.Errorf("AppendVarintN/PutVarintN(%d, %d) = %x / %x", v, size, b, p)
			}
			if got, n := ConsumeVarint(b); got != v || n != size {
				t.Errorf("fixed-size round trip %d/%d: got %d, %d", v, size, got, n)
			}
		}
	}
}

func FuzzVarint(f *testing.F) {
	for _, s := range []string{"c2197c5eff14e88c", "9d7f3e7d", "7bbd", "25", ""} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, n := ConsumeVarint(b)
		if n < 0 {
			return
		}
		if v > MaxVarint || n > len(b) {
			t.Fatalf("ConsumeVarint(%x) = %d, %d", b, v, n)
		}
		if got := AppendVarintN(nil, v, n); !bytes.Equal(got, b[:n]) {
			t.Fatalf("re-encode %x = %x", b[:n], got)
		}
	})
}
