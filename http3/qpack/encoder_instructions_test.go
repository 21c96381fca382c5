package qpack

import (
	"bytes"
	"testing"
)

var encoderInstructionCases = []struct {
	in   EncoderInstruction
	wire string // without Huffman
}{
	{EncoderInstruction{Type: SetDynamicTableCapacity, Capacity: 220}, "3fbd01"},
	{EncoderInstruction{Type: SetDynamicTableCapacity}, "20"},
	{EncoderInstruction{Type: InsertWithNameReference, Static: true, Index: 0, Value: "www.example.com"}, "c00f 7777 772e 6578 616d 706c 652e 636f 6d"},
	{EncoderInstruction{Type: InsertWithNameReference, Index: 1, Value: "custom-value2"}, "810d 6375 7374 6f6d 2d76 616c 7565 32"},
	{EncoderInstruction{Type: InsertWithNameReference, Static: true, Index: 98, Value: ""}, "ff23 00"},
	{EncoderInstruction{Type: InsertWithLiteralName, Name: "custom-key", Value: "custom-value"}, "4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565"},
	{EncoderInstruction{Type: InsertWithLiteralName}, "4000"},
	{EncoderInstruction{Type: Duplicate, Index: 2}, "02"},
	{EncoderInstruction{Type: Duplicate, Index: 31}, "1f00"},
}

func TestEncoderInstructions(t *testing.T) {
	var all []byte
	var want []EncoderInstruction
	for _, tc := range encoderInstructionCases {
		wire := unhex(t, tc.wire)
		if got := AppendEncoderInstruction(nil, tc.in, false); !bytes.Equal(got, wire) {
			t.Errorf("%+v: %x, want %x", tc.in, got, wire)
		}
		for _, huff := range []bool{false, true} {
			b := AppendEncoderInstruction(nil, tc.in, huff)
			got, n, _, err := parseEncoderInstruction(b, 1000, nil)
			if err != nil || n != len(b) || got != tc.in {
				t.Errorf("parse %x = %+v, %d, %v", b, got, n, err)
			}
			all = append(all, b...)
			want = append(want, tc.in)
		}
	}
	// The same stream fed one byte at a time.
	var got []EncoderInstruction
	p := NewEncoderStreamParser(1000)
	for i := range all {
		if err := p.Parse(all[i:i+1], func(in EncoderInstruction) error { got = append(got, in); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != len(want) || p.Buffered() != 0 {
		t.Fatalf("got %d instructions, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("instruction %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestEncoderStreamParserBound(t *testing.T) {
	// A partial instruction longer than any valid one is refused before it
	// is buffered: the length is checked when the header arrives.
	p := NewEncoderStreamParser(100)
	err := p.Parse(unhex(t, "c0 7f e6 00"), func(EncoderInstruction) error { return nil }) // value length 357
	if errorCode(err) != ErrEncoderStream {
		t.Fatalf("got %v", err)
	}
	p = NewEncoderStreamParser(100)
	if err := p.Parse(unhex(t, "c0 64 61"), func(EncoderInstruction) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if p.Buffered() != 3 || p.need != 102 {
		t.Fatalf("buffered %d need %d", p.Buffered(), p.need)
	}
}
