package qpack

import (
	"bytes"
	"testing"
)

func FuzzHuffman(f *testing.F) {
	for _, tc := range huffmanExamples {
		f.Add(unhex(f, tc.coded))
		f.Add([]byte(tc.text))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x00})
	f.Fuzz(func(t *testing.T, data []byte) {
		// As coded input: any decoded string re-encodes to a string that
		// decodes to it again.
		dec, err := AppendHuffmanDecode(nil, data)
		if err == nil {
			if len(dec) > len(data)*8/5 {
				t.Fatalf("decoded %d bytes from %d", len(dec), len(data))
			}
			again, err := AppendHuffmanDecode(nil, AppendHuffman(nil, string(dec)))
			if err != nil || !bytes.Equal(again, dec) {
				t.Fatalf("re-encode of %x: %x, %v", dec, again, err)
			}
		}
		// As text: encoding round-trips exactly.
		enc := AppendHuffman(nil, string(data))
		if len(enc) != HuffmanEncodedLen(string(data)) {
			t.Fatalf("length %d, predicted %d", len(enc), HuffmanEncodedLen(string(data)))
		}
		back, err := AppendHuffmanDecode(nil, enc)
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("round trip %x: %x, %v", data, back, err)
		}
	})
}
