package qpack

import (
	"bytes"
	"testing"
)

func TestDecoderInstructions(t *testing.T) {
	cases := []struct {
		in   DecoderInstruction
		wire string
	}{
		{DecoderInstruction{Type: SectionAcknowledgment, StreamID: 4}, "84"},
		{DecoderInstruction{Type: SectionAcknowledgment, StreamID: 127}, "ff00"},
		{DecoderInstruction{Type: StreamCancellation, StreamID: 8}, "48"},
		{DecoderInstruction{Type: StreamCancellation, StreamID: 1 << 40}, "7fc1 ffff ffff 1f"},
		{DecoderInstruction{Type: InsertCountIncrement, Increment: 1}, "01"},
		{DecoderInstruction{Type: InsertCountIncrement, Increment: maxInteger}, "3fc0ffffffffffffff3f"},
	}
	var all []byte
	for _, tc := range cases {
		wire := unhex(t, tc.wire)
		if got := AppendDecoderInstruction(nil, tc.in); !bytes.Equal(got, wire) {
			t.Errorf("%+v: %x, want %x", tc.in, got, wire)
		}
		got, n, err := parseDecoderInstruction(wire)
		if err != nil || n != len(wire) || got != tc.in {
			t.Errorf("parse %x = %+v, %d, %v", wire, got, n, err)
		}
		all = append(all, wire...)
	}
	for _, chunk := range []int{1, 2, 5} {
		var p DecoderStreamParser
		var got []DecoderInstruction
		for b := all; len(b) > 0; {
			n := min(chunk, len(b))
			if err := p.Parse(b[:n], func(in DecoderInstruction) error { got = append(got, in); return nil }); err != nil {
				t.Fatal(err)
			}
			b = b[n:]
		}
		if len(got) != len(cases) {
			t.Fatalf("chunk %d: %d instructions", chunk, len(got))
		}
		for i := range got {
			if got[i] != cases[i].in {
				t.Fatalf("chunk %d: %+v, want %+v", chunk, got[i], cases[i].in)
			}
		}
	}
}

func TestDecoderStreamParserOverflow(t *testing.T) {
	bad := unhex(t, "ff 80 80 80 80 80 80 80 80 80 80")
	for _, chunk := range []int{1, 3, len(bad)} {
		var p DecoderStreamParser
		var err error
		for b := bad; len(b) > 0 && err == nil; {
			n := min(chunk, len(b))
			err = p.Parse(b[:n], func(DecoderInstruction) error { return nil })
			b = b[n:]
		}
		if errorCode(err) != ErrDecoderStream {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
	}
}
