package qpack

import (
	"bytes"
	"strings"
	"testing"
)

// rfcEncoderStream is the encoder stream of RFC 9204, B.2 to B.5.
const rfcEncoderStream = "3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c10c 2f73 616d 706c 652f 7061 7468" +
	"4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565" + "02" +
	"810d 6375 7374 6f6d 2d76 616c 7565 32"

func TestDecoderRFCSections(t *testing.T) {
	authority := HeaderField{Name: ":authority", Value: "www.example.com"}
	custom := HeaderField{Name: "custom-key", Value: "custom-value"}
	es := unhex(t, rfcEncoderStream)
	// Through B.4's Duplicate: everything but the last instruction.
	throughB4 := es[:len(es)-len(unhex(t, "810d 6375 7374 6f6d 2d76 616c 7565 32"))]
	tests := []struct {
		name    string
		section string
		want    []HeaderField
		ack     string
	}{
		{"B.2", "0381 10 11", []HeaderField{authority, {Name: ":path", Value: "/sample/path"}}, "84"},
		{"B.4", "0500 80 c1 81", []HeaderField{authority, {Name: ":path", Value: "/"}, custom}, "88"},
		{"static only", "0000 d1 d7", []HeaderField{{Name: ":method", Value: "GET"}, {Name: ":scheme", Value: "https"}}, "04"},
		{"never-indexed literal with static name", "0000 73 03616263", []HeaderField{{Name: "content-disposition", Value: "abc", NeverIndex: true}}, "04"},
		{"literal name, Huffman", "0000 2f01 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
			[]HeaderField{{Name: "custom-key", Value: "custom-value"}}, "04"},
		{"post-Base name reference, N bit", "0581 09 03 787878",
			[]HeaderField{{Name: ":authority", Value: "xxx", NeverIndex: true}}, "88"},
		{"relative name reference", "0500 41 03 787878", []HeaderField{{Name: "custom-key", Value: "xxx"}}, "88"},
		{"empty section", "0000", nil, "04"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(DecoderConfig{MaxTableCapacity: 220, MaxBlockedStreams: 1})
			if err := d.HandleEncoderStream(throughB4); err != nil {
				t.Fatal(err)
			}
			d.AppendDecoderStream(nil)
			stream := uint64(8)
			if tc.ack == "84" {
				stream = 4
			}
			got, blocked, err := d.DecodeFieldSection(stream, unhex(t, tc.section), nil)
			if err != nil || blocked || !fieldsEqual(got, tc.want) {
				t.Fatalf("got %v, %v, %v; want %v", got, blocked, err, tc.want)
			}
			ack := d.AppendDecoderStream(nil)
			want := unhex(t, tc.ack)
			if tc.ack == "04" {
				want = nil // no dynamic references, nothing to acknowledge
			}
			if !bytes.Equal(ack, want) {
				t.Fatalf("decoder stream %x, want %x", ack, want)
			}
		})
	}
}

func TestDecoderEncoderStreamChunking(t *testing.T) {
	es := unhex(t, rfcEncoderStream)
	whole := NewDecoder(DecoderConfig{MaxTableCapacity: 220})
	if err := whole.HandleEncoderStream(es); err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []int{1, 2, 3, 7, 16} {
		d := NewDecoder(DecoderConfig{MaxTableCapacity: 220})
		for b := es; len(b) > 0; {
			n := min(chunk, len(b))
			if err := d.HandleEncoderStream(b[:n]); err != nil {
				t.Fatalf("chunk %d: %v", chunk, err)
			}
			b = b[n:]
		}
		if d.parser.Buffered() != 0 || d.table.insertCount() != 5 || d.table.size != whole.table.size {
			t.Fatalf("chunk %d: inserts %d size %d", chunk, d.table.insertCount(), d.table.size)
		}
		for abs := uint64(1); abs < 5; abs++ {
			if d.table.at(abs) != whole.table.at(abs) {
				t.Fatalf("chunk %d: entry %d differs", chunk, abs)
			}
		}
	}
}

func TestDecoderBlocked(t *testing.T) {
	d := NewDecoder(DecoderConfig{MaxTableCapacity: 220, MaxBlockedStreams: 2})
	es := unhex(t, rfcEncoderStream)
	setCap, ins0, ins1 := es[:3], es[3:20], es[20:34]
	if err := d.HandleEncoderStream(setCap); err != nil {
		t.Fatal(err)
	}
	// Two sections need inserts 1 and 2; a third stream exceeds the limit.
	s4 := unhex(t, "0381 10 11") // RIC 2
	s8 := unhex(t, "0280 10")    // RIC 1, Base 0
	for _, st := range []struct {
		id  uint64
		sec []byte
	}{{4, s4}, {8, s8}, {4, s4}} { // a retry of stream 4 does not count twice
		if _, blocked, err := d.DecodeFieldSection(st.id, st.sec, nil); !blocked || err != nil {
			t.Fatalf("stream %d: blocked=%v err=%v", st.id, blocked, err)
		}
	}
	if d.BlockedStreams() != 2 {
		t.Fatalf("blocked %d, want 2", d.BlockedStreams())
	}
	if _, _, err := d.DecodeFieldSection(12, s8, nil); errorCode(err) != ErrDecompressionFailed {
		t.Fatalf("third blocked stream: %v, want QPACK_DECOMPRESSION_FAILED", err)
	}
	if err := d.HandleEncoderStream(ins0); err != nil {
		t.Fatal(err)
	}
	if got := d.AppendUnblocked(nil); len(got) != 1 || got[0] != 8 {
		t.Fatalf("unblocked %v, want [8]", got)
	}
	if err := d.HandleEncoderStream(ins1); err != nil {
		t.Fatal(err)
	}
	if got := d.AppendUnblocked(nil); len(got) != 1 || got[0] != 4 {
		t.Fatalf("unblocked %v, want [4]", got)
	}
	for _, id := range []uint64{8, 4} {
		sec := s8
		if id == 4 {
			sec = s4
		}
		if _, blocked, err := d.DecodeFieldSection(id, sec, nil); blocked || err != nil {
			t.Fatalf("stream %d after unblocking: %v, %v", id, blocked, err)
		}
	}
	// Acknowledgments cover both inserts, so no Insert Count Increment.
	if got := d.AppendDecoderStream(nil); !bytes.Equal(got, unhex(t, "88 84")) {
		t.Fatalf("decoder stream %x, want 88 84", got)
	}
	if d.BlockedStreams() != 0 {
		t.Fatal("streams still blocked")
	}
}

func TestDecoderInsertCountIncrement(t *testing.T) {
	d := NewDecoder(DecoderConfig{MaxTableCapacity: 220})
	es := unhex(t, rfcEncoderStream)
	if err := d.HandleEncoderStream(es[:34]); err != nil { // two inserts
		t.Fatal(err)
	}
	if got := d.AppendDecoderStream(nil); !bytes.Equal(got, []byte{0x02}) {
		t.Fatalf("got %x, want 02", got)
	}
	if got := d.AppendDecoderStream(nil); len(got) != 0 {
		t.Fatalf("got %x, want nothing", got)
	}
	// Cancellation is omitted without a dynamic table.
	z := NewDecoder(DecoderConfig{})
	z.CancelStream(4)
	if got := z.AppendDecoderStream(nil); len(got) != 0 {
		t.Fatalf("zero-capacity cancellation %x", got)
	}
}

func TestDecoderMalformedSections(t *testing.T) {
	// The decoder has the RFC's entries 1 to 4 (entry 0 evicted), with
	// MaxEntries 6, so Required Insert Count is encoded modulo 12.
	tests := []struct {
		name    string
		section string
	}{
		{"empty", ""},
		{"truncated Required Insert Count", "ff"},
		{"missing Base", "00"},
		{"Required Insert Count beyond full range", "0d00"},
		{"Required Insert Count decodes to 0", "0100"},
		{"Required Insert Count overflow", "ff ff ff ff ff ff ff ff ff ff 7f 00"},
		{"negative Base", "0281"},
		{"negative Base below zero", "0285"},
		{"Delta Base overflow", "00 ff ff ff ff ff ff ff ff ff 7f"},
		{"static index 99", "0000 ff24"},
		{"static name index 99", "0000 5f54 00"},
		{"relative index with Base 0", "0000 80"},
		{"relative index beyond Base", "0500 84"},
		{"relative reference at Required Insert Count", "0201 80"}, // RIC 1, Base 2
		{"post-Base index at Required Insert Count", "0481 12"},
		{"post-Base name at Required Insert Count", "0481 02 00"},
		{"reference to evicted entry", "0200 80"},
		{"dynamic reference with RIC 0", "0001 80"},
		{"truncated index", "0000 ff"},
		{"index overflow", "0000 ff ff ff ff ff ff ff ff ff ff 7f"},
		{"truncated value", "0000 5103 6162"},
		{"missing value", "0000 51"},
		{"truncated literal name", "0000 2703 61"},
		{"missing literal value", "0000 2161"},
		{"bad Huffman value", "0000 5181 00"},
		{"Huffman value with EOS", "0000 5184 ffff ffff"},
		{"string length overflow", "0000 517f ff ff ff ff ff ff ff ff 7f"},
		{"string length beyond input", "0000 517f 80 80 01"},
	}
	es := unhex(t, rfcEncoderStream)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(DecoderConfig{MaxTableCapacity: 220, MaxBlockedStreams: 100})
			if err := d.HandleEncoderStream(es); err != nil {
				t.Fatal(err)
			}
			_, blocked, err := d.DecodeFieldSection(0, unhex(t, tc.section), nil)
			if errorCode(err) != ErrDecompressionFailed || blocked {
				t.Fatalf("got blocked=%v err=%v, want QPACK_DECOMPRESSION_FAILED", blocked, err)
			}
		})
	}
	// No dynamic table at all: any non-zero Required Insert Count is bad.
	d := NewDecoder(DecoderConfig{})
	if _, _, err := d.DecodeFieldSection(0, []byte{0x01, 0x00}, nil); errorCode(err) != ErrDecompressionFailed {
		t.Fatalf("zero capacity: %v", err)
	}
}

func TestDecoderFieldSectionSize(t *testing.T) {
	// :method GET (7+3+32=42) and :path /index.html (5+11+32=48).
	section := unhex(t, "0000 d1 510b 2f69 6e64 6578 2e68 746d 6c")
	for _, tc := range []struct {
		limit uint64
		ok    bool
	}{{0, true}, {90, true}, {89, false}, {42, false}} {
		d := NewDecoder(DecoderConfig{MaxFieldSectionSize: tc.limit})
		got, _, err := d.DecodeFieldSection(0, section, []HeaderField{{Name: "keep"}})
		if tc.ok != (err == nil) {
			t.Fatalf("limit %d: err %v", tc.limit, err)
		}
		if !tc.ok && (err != ErrFieldSectionTooLarge || len(got) != 1) {
			t.Fatalf("limit %d: got %v, %v", tc.limit, got, err)
		}
	}
}

func TestDecoderEncoderStreamErrors(t *testing.T) {
	tests := []struct {
		name   string
		stream string
	}{
		{"capacity above maximum", "3fbe01"}, // 221
		{"capacity overflow", "3f ff ff ff ff ff ff ff ff ff 7f"},
		{"static name index 99", "3fbd01 ff24 00"},
		{"dynamic name reference to empty table", "3fbd01 80 00"},
		{"dynamic name reference beyond table", "3fbd01 c000 81 00"},
		{"duplicate in empty table", "3fbd01 00"},
		{"duplicate beyond table", "3fbd01 c000 01"},
		{"value longer than maximum capacity", "3fbd01 c07f 80 01"},
		{"entry larger than capacity", "3f45 c050" + strings.Repeat("61", 80)}, // 10+80+32 > 100
		{"duplicate after capacity shrinks to zero", "3fbd01 c000 20 00"},
		{"insert before capacity is set", "c000"},
		{"literal name too long", "3fbd01 5f ff 01"},
		{"bad Huffman name", "3fbd01 61 00 00"},
		{"bad Huffman value", "3fbd01 c081 00"},
		{"index overflow", "3fbd01 ff ff ff ff ff ff ff ff ff ff 7f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(DecoderConfig{MaxTableCapacity: 220})
			err := d.HandleEncoderStream(unhex(t, tc.stream))
			if errorCode(err) != ErrEncoderStream {
				t.Fatalf("got %v, want QPACK_ENCODER_STREAM_ERROR", err)
			}
		})
	}
}
