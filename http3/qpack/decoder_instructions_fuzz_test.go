package qpack

import "testing"

func FuzzDecoderInstructions(f *testing.F) {
	f.Add([]byte{0x84, 0x01, 0x48}, uint8(0))
	f.Add(unhex(f, "ff00 7fc1 ffff ffff 1f 3fc0ffffffffffffff3f"), uint8(2))
	f.Add(unhex(f, "ff 80 80 80 80 80 80 80 80 80 80"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		var p DecoderStreamParser
		step := int(chunk%12) + 1
		var err error
		for b := data; len(b) > 0 && err == nil; {
			n := min(step, len(b))
			err = p.Parse(b[:n], func(in DecoderInstruction) error {
				b := AppendDecoderInstruction(nil, in)
				again, m, perr := parseDecoderInstruction(b)
				if perr != nil || m != len(b) || again != in {
					t.Fatalf("re-parse of %+v: %+v, %d, %v", in, again, m, perr)
				}
				return nil
			})
			b = b[n:]
		}
		if err != nil && errorCode(err) != ErrDecoderStream {
			t.Fatalf("error %v has the wrong type", err)
		}
	})
}
