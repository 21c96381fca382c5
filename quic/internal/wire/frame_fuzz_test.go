package wire

import (
	"errors"
	"reflect"
	"testing"

	"github.com/quicr/quicr/quic/internal/qerr"
)

// checkFrameError fails unless err is a transport error a parser may return.
func checkFrameError(t *testing.T, b []byte, err error) {
	t.Helper()
	var te *qerr.TransportError
	if !errors.As(err, &te) || (te.Code != qerr.FrameEncodingError && te.Code != qerr.ProtocolViolation) {
		t.Fatalf("parse %x: unexpected error %v", b, err)
	}
}

// checkReencode fails unless f re-encodes to Len bytes that parse back to f.
func checkReencode(t *testing.T, f Frame) {
	t.Helper()
	enc := f.Append(nil)
	if len(enc) != f.Len() {
		t.Fatalf("%v: Len() = %d, encoded %d bytes", f, f.Len(), len(enc))
	}
	g, n, err := ParseFrame(enc)
	if err != nil || n != len(enc) || !reflect.DeepEqual(f, g) {
		t.Fatalf("%v re-encoded as %x parses as %v, %d, %v", f, enc, g, n, err)
	}
	_ = f.String()
}

func addFrameSeeds(f *testing.F) {
	for _, fr := range roundTripFrames() {
		f.Add(fr.Append(nil))
	}
	f.Add(mustHex(f, "02 4064 5234 02 05 03 0a 4044 0a 01 0b 04 00"))
	f.Add(mustHex(f, "02000000000600405a020000560303ee00000000"))
	f.Add(mustHex(f, "03 05 00 01 00 03 01"))
	f.Add(mustHex(f, "4001"))
	f.Add(mustHex(f, "18 01 02 04 aabbccdd 00112233445566778899aabbccddeeff"))
}

// FuzzFrame parses any bytes as a sequence of frames; each parsed frame must
// re-encode to its Len and parse back to itself.
func FuzzFrame(f *testing.F) {
	addFrameSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for len(b) > 0 {
			fr, n, err := ParseFrame(b)
			if err != nil {
				checkFrameError(t, b, err)
				return
			}
			if n <= 0 || n > len(b) {
				t.Fatalf("ParseFrame(%x) consumed %d bytes", b, n)
			}
			checkReencode(t, fr)
			b = b[n:]
		}
	})
}

// FuzzAckFrame parses any bytes as an ACK frame: a parsed frame has valid
// ranges, re-encodes to itself, and keeps its newest ranges within a budget.
func FuzzAckFrame(f *testing.F) {
	f.Add(mustHex(f, "02 00 00 00 00"), 5)
	f.Add(mustHex(f, "02 4064 5234 02 05 03 0a 4044 0a"), 8)
	f.Add(mustHex(f, "03 14 01 00 0a 01 02 03"), 100)
	f.Add(mustHex(f, "02 05 00 02 00 00 00 00 00"), 7)
	f.Add(AckFrame{Ranges: manyAckRanges(32), ECN: true}.Append(nil), 200)
	f.Add(mustHex(f, "02 03 00 02 00 00 00 00 00"), 9)
	f.Fuzz(func(t *testing.T, b []byte, budget int) {
		var ack AckFrame
		n, err := ack.Parse(b)
		if err != nil {
			checkFrameError(t, b, err)
			return
		}
		if n <= 0 || n > len(b) || !ValidAckRanges(ack.Ranges) {
			t.Fatalf("Parse(%x) = %d bytes, ranges %v", b, n, ack.Ranges)
		}
		checkReencode(t, &ack)
		k, length := ack.FitRanges(budget)
		enc, k2 := ack.AppendWithin(nil, budget)
		if k != k2 || len(enc) != length || (k > 0 && length > budget) || k > len(ack.Ranges) {
			t.Fatalf("budget %d: FitRanges = %d, %d; AppendWithin = %d, %d bytes", budget, k, length, k2, len(enc))
		}
		if k == 0 {
			return
		}
		var got AckFrame
		if _, err := got.Parse(enc); err != nil || !reflect.DeepEqual(got.Ranges, ack.Ranges[:k]) {
			t.Fatalf("budget %d: %x parses as %v, %v", budget, enc, got, err)
		}
	})
}
