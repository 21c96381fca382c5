package qpack

import (
	"testing"
)

// FuzzDecoder feeds encoder-stream bytes (in two parts, with a field
// section in between that may block) to a Decoder. Any section that
// decodes must re-encode (static-only) and decode to the same fields.
func FuzzDecoder(f *testing.F) {
	es := unhex(f, rfcEncoderStream)
	f.Add([]byte{}, unhex(f, "0000 510b 2f69 6e64 6578 2e68 746d 6c"), uint16(0))
	f.Add(es[:34], unhex(f, "0381 10 11"), uint16(34))
	f.Add(es[:34], unhex(f, "0381 10 11"), uint16(20)) // blocks, then unblocks
	f.Add(es[:len(es)-17], unhex(f, "0500 80 c1 81"), uint16(100))
	f.Add(es, unhex(f, "0581 09 03 787878"), uint16(200))
	f.Add(es, unhex(f, "0500 41 03 787878"), uint16(200))
	f.Add([]byte{}, unhex(f, "0000 2f01 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"), uint16(0))
	f.Add([]byte{}, unhex(f, "0000 7345 0673 6563 7265 74"), uint16(0))
	f.Add(es, unhex(f, "0200 80"), uint16(200))
	f.Fuzz(func(t *testing.T, encStream, section []byte, split uint16) {
		d := NewDecoder(DecoderConfig{MaxTableCapacity: 220, MaxBlockedStreams: 2, MaxFieldSectionSize: 1 << 16})
		cut := min(int(split), len(encStream))
		feed := func(b []byte) bool {
			if err := d.HandleEncoderStream(b); err != nil {
				if errorCode(err) != ErrEncoderStream {
					t.Fatalf("encoder stream error %v has the wrong type", err)
				}
				return false
			}
			if d.table.size > d.table.capacity || d.table.capacity > 220 {
				t.Fatalf("table size %d capacity %d", d.table.size, d.table.capacity)
			}
			return true
		}
		if !feed(encStream[:cut]) {
			return
		}
		fields, blocked, err := d.DecodeFieldSection(0, section, nil)
		if err == nil && blocked {
			if d.BlockedStreams() != 1 {
				t.Fatalf("blocked streams %d", d.BlockedStreams())
			}
			if !feed(encStream[cut:]) {
				return
			}
			if u := d.AppendUnblocked(nil); len(u) == 0 {
				return
			}
			fields, blocked, err = d.DecodeFieldSection(0, section, nil)
			if blocked {
				t.Fatal("blocked after being reported unblocked")
			}
		}
		if err != nil {
			if errorCode(err) != ErrDecompressionFailed && err != ErrFieldSectionTooLarge {
				t.Fatalf("section error %v has the wrong type", err)
			}
			return
		}
		if len(d.strbuf) > len(section)*8/5+1 {
			t.Fatalf("decoded %d literal bytes from %d", len(d.strbuf), len(section))
		}
		re := NewEncoder(EncoderConfig{})
		again, _, err := NewDecoder(DecoderConfig{}).DecodeFieldSection(0, re.EncodeFieldSection(nil, 0, fields), nil)
		if err != nil || !fieldsEqual(again, fields) {
			t.Fatalf("re-encode of %v: %v, %v", fields, again, err)
		}
	})
}
