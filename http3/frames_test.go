package http3

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestVarint(t *testing.T) {
	for _, n := range []uint64{0, 63, 64, 16383, 16384, 1<<30 - 1, 1 << 30, maxVarint} {
		b := appendVarint(nil, n)
		if len(b) != varintLen(n) {
			t.Fatalf("%d: len %d, want %d", n, len(b), varintLen(n))
		}
		got, m := consumeVarint(b)
		if got != n || m != len(b) {
			t.Fatalf("%d: consumed %d (%d bytes)", n, got, m)
		}
		if _, m := consumeVarint(b[:len(b)-1]); m != -1 {
			t.Fatalf("%d: short input consumed", n)
		}
		r, err := readVarint(bytes.NewReader(b))
		if err != nil || r != n {
			t.Fatalf("%d: readVarint %d %v", n, r, err)
		}
	}
}

// codeOf returns the connection error code of err, or 0.
func codeOf(err error) ErrCode {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

func TestFrameReader(t *testing.T) {
	f := func(typ uint64, payload ...byte) []byte {
		return append(appendFrameHeader(nil, typ, uint64(len(payload))), payload...)
	}
	cat := func(bs ...[]byte) []byte { return bytes.Join(bs, nil) }
	tests := []struct {
		name  string
		in    []byte
		types []uint64 // frame types returned, in order
		err   ErrCode  // 0: clean io.EOF at the end
	}{
		{"empty", nil, nil, 0},
		{"one DATA", f(frameData, 'a', 'b'), []uint64{frameData}, 0},
		{"reserved skipped", cat(f(0x21, 1, 2, 3), f(frameHeaders, 0), f(0x1f*9+0x21)), []uint64{frameHeaders}, 0},
		{"unknown skipped", cat(f(0x4242, 9), f(frameGoAway, 0)), []uint64{frameGoAway}, 0},
		{"HTTP/2 type returned", f(0x06), []uint64{0x06}, 0},
		{"truncated type", []byte{0x40}, nil, ErrCodeFrameError},
		{"truncated length", []byte{0x01}, nil, ErrCodeFrameError},
		{"truncated payload", f(frameSettings, 1, 2)[:3], []uint64{frameSettings}, ErrCodeFrameError},
		{"truncated unknown", f(0x21, 1, 2)[:3], nil, ErrCodeFrameError},
		{"oversized", appendFrameHeader(nil, frameSettings, 1<<20), []uint64{frameSettings}, ErrCodeExcessiveLoad},
	}
	for _, tt := range tests {
		fr := newFrameReader(bytes.NewReader(tt.in))
		var types []uint64
		var err error
		for {
			var h frameHeader
			if h, err = fr.next(); err != nil {
				break
			}
			types = append(types, h.Type)
			if h.Type == frameData {
				_, err = io.Copy(io.Discard, readerFunc(fr.readData))
			} else {
				_, err = fr.readPayload(h, 1024)
			}
			if err != nil {
				break
			}
		}
		if !equalTypes(types, tt.types) {
			t.Errorf("%s: types %v, want %v", tt.name, types, tt.types)
		}
		if tt.err == 0 && err != io.EOF || tt.err != 0 && codeOf(err) != tt.err {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.err)
		}
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(b []byte) (int, error) { return f(b) }

func equalTypes(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSettings(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want settings
		err  ErrCode
	}{
		{"empty", nil, nil, 0},
		{"known and grease", []byte{0x01, 0x40, 0x64, 0x06, 0x10, 0x21, 0x00}, settings{{1, 100}, {6, 16}, {0x21, 0}}, 0},
		{"duplicate", []byte{0x06, 1, 0x06, 1}, nil, ErrCodeSettingsError},
		{"HTTP/2 0x00", []byte{0x00, 1}, nil, ErrCodeSettingsError},
		{"HTTP/2 0x05", []byte{0x05, 1}, nil, ErrCodeSettingsError},
		{"missing value", []byte{0x06}, nil, ErrCodeFrameError},
		{"truncated value", []byte{0x06, 0x40}, nil, ErrCodeFrameError},
	}
	for _, tt := range tests {
		s, err := parseSettings(tt.in)
		if codeOf(err) != tt.err {
			t.Errorf("%s: error %v, want %v", tt.name, err, tt.err)
			continue
		}
		if err != nil {
			continue
		}
		if len(s) != len(tt.want) {
			t.Fatalf("%s: %v, want %v", tt.name, s, tt.want)
		}
		for i := range s {
			if s[i] != tt.want[i] {
				t.Errorf("%s: %v, want %v", tt.name, s, tt.want)
			}
		}
		enc := appendSettingsFrame(nil, s)
		if !bytes.Equal(enc[2:], tt.in) {
			t.Errorf("%s: re-encoded %x, want %x", tt.name, enc[2:], tt.in)
		}
	}
}

func TestErrCodeString(t *testing.T) {
	tests := map[ErrCode]string{
		ErrCodeNoError:                  "H3_NO_ERROR",
		ErrCodeMissingSettings:          "H3_MISSING_SETTINGS",
		ErrCodeVersionFallback:          "H3_VERSION_FALLBACK",
		ErrCodeQPACKDecompressionFailed: "QPACK_DECOMPRESSION_FAILED",
		0x21:                            "H3_ERROR(0x21)",
	}
	for c, want := range tests {
		if c.String() != want {
			t.Errorf("%#x: %q, want %q", uint64(c), c.String(), want)
		}
	}
}
