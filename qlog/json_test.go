package qlog

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAppendString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"plain", `"plain"`},
		{`quo"te\back`, `"quo\"te\\back"`},
		{"nl\ncr\rtab\t", `"nl\ncr\rtab\t"`},
		{"\x00\x1f\x7f", `"\u0000\u001f` + "\x7f" + `"`},
		{"héllo ✓", `"héllo ✓"`},
		{"bad\xffutf8", `"bad\ufffdutf8"`},
		{"\xe2\x82", `"\ufffd\ufffd"`},
		{"line\u2028sep\u2029", `"line\u2028sep\u2029"`},
		{"<&>", `"<&>"`},
	}
	for _, tt := range tests {
		if got := string(appendString(nil, tt.in)); got != tt.want {
			t.Errorf("appendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendMS(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "0"},
		{time.Millisecond, "1"},
		{41210 * time.Microsecond, "41.21"},
		{1499, "0.001"},
		{1500, "0.002"},
		{499, "0"},
		{-1500, "-0.002"},
		{90*time.Minute + time.Microsecond, "5400000.001"},
		{1<<63 - 1, "9223372036854.775"},
	}
	for _, tt := range tests {
		if got := string(appendMS(nil, int64(tt.d))); got != tt.want {
			t.Errorf("appendMS(%d) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestTransportErrorName(t *testing.T) {
	tests := []struct {
		code uint64
		want string
	}{
		{0, "no_error"},
		{0x0a, "protocol_violation"},
		{0x10, "no_viable_path"},
		{0x11, "version_negotiation_error"},
		{0x12, "unknown"},
		{0x100, "crypto_error_0x100"},
		{0x12a, "crypto_error_0x12a"},
		{0x1ff, "crypto_error_0x1ff"},
		{0x200, "unknown"},
	}
	for _, tt := range tests {
		if got := TransportErrorName(tt.code); got != tt.want {
			t.Errorf("TransportErrorName(%#x) = %q, want %q", tt.code, got, tt.want)
		}
		var e enc
		e.b = append(e.b, '{')
		e.errorName("e", ErrorSpaceTransport, tt.code)
		if want := `{"e":"` + tt.want + `"`; string(e.b) != want {
			t.Errorf("errorName(%#x) = %s, want %s", tt.code, e.b, want)
		}
	}
}

// FuzzAppendString checks that any Go string encodes to a JSON string that
// decodes to the same text, invalid bytes replaced one by one.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abc", "\"\\\n", "\x00\x1f", "\xff\xfe", "\u2028x", "é✓𝄞", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s: not JSON: %v", s, b, err)
		}
		if want := string([]rune(s)); got != want {
			t.Fatalf("appendString(%q) decodes to %q, want %q", s, got, want)
		}
		// The decoded text re-encodes and re-parses to itself.
		var again string
		if err := json.Unmarshal(appendString(nil, got), &again); err != nil || again != got {
			t.Fatalf("re-encoding %q gives %q (%v)", got, again, err)
		}
	})
}
