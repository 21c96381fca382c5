package qpack

import (
	"testing"
)

func FuzzEncoderInstructions(f *testing.F) {
	f.Add(unhex(f, rfcEncoderStream), uint8(1))
	for _, tc := range encoderInstructionCases {
		f.Add(unhex(f, tc.wire), uint8(0))
		f.Add(AppendEncoderInstruction(nil, tc.in, true), uint8(3))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		const maxLen = 512
		p := NewEncoderStreamParser(maxLen)
		step := int(chunk%16) + 1
		var parseErr error
		var got []EncoderInstruction
		for b := data; len(b) > 0 && parseErr == nil; {
			n := min(step, len(b))
			parseErr = p.Parse(b[:n], func(in EncoderInstruction) error {
				got = append(got, in)
				return nil
			})
			b = b[n:]
			// A partial instruction is bounded by the string limit.
			if p.Buffered() > 2*int(maxHuffmanEncodedLen(maxLen))+2*maxDecoderInstructionLen {
				t.Fatalf("buffered %d bytes", p.Buffered())
			}
		}
		if parseErr != nil && errorCode(parseErr) != ErrEncoderStream {
			t.Fatalf("error %v has the wrong type", parseErr)
		}
		for _, in := range got {
			if len(in.Name) > maxLen || len(in.Value) > maxLen {
				t.Fatalf("string over limit: %d, %d", len(in.Name), len(in.Value))
			}
			for _, huff := range []bool{false, true} {
				b := AppendEncoderInstruction(nil, in, huff)
				again, n, _, err := parseEncoderInstruction(b, maxLen, nil)
				if err != nil || n != len(b) || again != in {
					t.Fatalf("re-parse of %+v: %+v, %d, %v", in, again, n, err)
				}
			}
		}
	})
}
