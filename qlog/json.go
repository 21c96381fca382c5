package qlog

import (
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf8"
)

// enc appends one JSON text to a reused buffer. Keys are compile-time
// constants and need no escaping; string values always go through
// appendString.
type enc struct {
	b []byte
}

// sep writes the comma between members and elements: nothing is needed
// right after an opening bracket or a key's colon.
func (e *enc) sep() {
	if n := len(e.b); n > 0 {
		switch e.b[n-1] {
		case '{', '[', ':':
		default:
			e.b = append(e.b, ',')
		}
	}
}

func (e *enc) key(k string) {
	e.sep()
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *enc) object(k string) {
	e.key(k)
	e.b = append(e.b, '{')
}

func (e *enc) array(k string) {
	e.key(k)
	e.b = append(e.b, '[')
}

// elemObject opens an object as the next array element.
func (e *enc) elemObject() {
	e.sep()
	e.b = append(e.b, '{')
}

func (e *enc) end(c byte) { e.b = append(e.b, c) }

func (e *enc) str(k, v string) {
	e.key(k)
	e.b = appendString(e.b, v)
}

// strOpt writes k only when v is not empty: empty enum values mean "not logged".
func (e *enc) strOpt(k, v string) {
	if v != "" {
		e.str(k, v)
	}
}

func (e *enc) uint(k string, v uint64) {
	e.key(k)
	e.b = strconv.AppendUint(e.b, v, 10)
}

func (e *enc) uintOpt(k string, v uint64) {
	if v != 0 {
		e.uint(k, v)
	}
}

func (e *enc) elemUint(v uint64) {
	e.sep()
	e.b = strconv.AppendUint(e.b, v, 10)
}

func (e *enc) bool(k string, v bool) {
	e.key(k)
	e.b = strconv.AppendBool(e.b, v)
}

func (e *enc) hex(k string, v []byte) {
	e.key(k)
	e.b = append(e.b, '"')
	e.b = hex.AppendEncode(e.b, v)
	e.b = append(e.b, '"')
}

func (e *enc) hexOpt(k string, v []byte) {
	if v != nil {
		e.hex(k, v)
	}
}

// version writes a QUIC version as 8 lowercase hex digits ("00000001"),
// the QuicVersion hexstring of quic-events.
func (e *enc) version(k string, v uint32) {
	e.key(k)
	e.elemVersionValue(v)
}

func (e *enc) elemVersion(v uint32) {
	e.sep()
	e.elemVersionValue(v)
}

func (e *enc) elemVersionValue(v uint32) {
	const digits = "0123456789abcdef"
	e.b = append(e.b, '"')
	for shift := 28; shift >= 0; shift -= 4 {
		e.b = append(e.b, digits[(v>>uint(shift))&0xf])
	}
	e.b = append(e.b, '"')
}

func (e *enc) ms(k string, d time.Duration) {
	e.key(k)
	e.b = appendMS(e.b, int64(d))
}

func (e *enc) float(k string, f float64) {
	e.key(k)
	e.b = strconv.AppendFloat(e.b, f, 'f', -1, 64)
}

// appendMS writes nanoseconds as float milliseconds rounded to the
// microsecond: qlog times are ms (main schema, 7.1) and finer digits are
// noise. 'f' formatting never produces an exponent.
func appendMS(b []byte, ns int64) []byte {
	us := ns / 1000
	if r := ns % 1000; r >= 500 {
		us++
	} else if r <= -500 {
		us--
	}
	return strconv.AppendFloat(b, float64(us)/1000, 'f', -1, 64)
}

// appendString writes s as a JSON string (RFC 8259, 7). Invalid UTF-8
// becomes U+FFFD so every record stays valid JSON; U+2028 and U+2029 are
// escaped because JavaScript tools (qvis) may eval-split lines on them.
func appendString(b []byte, s string) []byte {
	const digits = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', digits[c>>4], digits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', digits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
