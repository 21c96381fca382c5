package qpack

import (
	"bytes"
	"testing"
)

// TestRFCExamples replays RFC 9204, Appendix B: each step's bytes must match
// what the Encoder emits (with Huffman off and insertions chosen as in the
// RFC) and decode to the same fields and table state at the Decoder.
func TestRFCExamples(t *testing.T) {
	enc := NewEncoder(EncoderConfig{
		MaxTableCapacity: 220,
		DisableHuffman:   true,
		ShouldIndex:      func(HeaderField) bool { return true },
	})
	dec := NewDecoder(DecoderConfig{MaxTableCapacity: 220, MaxBlockedStreams: 1})

	// expectEncoderStream checks the queued encoder-stream bytes and feeds
	// them to the decoder.
	expectEncoderStream := func(step, want string) {
		t.Helper()
		got := enc.AppendEncoderStream(nil)
		if !bytes.Equal(got, unhex(t, want)) {
			t.Fatalf("%s: encoder stream %x, want %s", step, got, want)
		}
		if err := dec.HandleEncoderStream(got); err != nil {
			t.Fatalf("%s: decoder: %v", step, err)
		}
	}
	// expectDecoderStream checks the decoder's output and feeds it back.
	expectDecoderStream := func(step, want string) {
		t.Helper()
		got := dec.AppendDecoderStream(nil)
		if !bytes.Equal(got, unhex(t, want)) {
			t.Fatalf("%s: decoder stream %x, want %s", step, got, want)
		}
		if err := enc.HandleDecoderStream(got); err != nil {
			t.Fatalf("%s: encoder: %v", step, err)
		}
	}
	expectSection := func(step string, stream uint64, fields []HeaderField, want string) []byte {
		t.Helper()
		got := enc.EncodeFieldSection(nil, stream, fields)
		if !bytes.Equal(got, unhex(t, want)) {
			t.Fatalf("%s: section %x, want %s", step, got, want)
		}
		return got
	}
	expectDecoded := func(step string, stream uint64, section []byte, want []HeaderField) {
		t.Helper()
		got, blocked, err := dec.DecodeFieldSection(stream, section, nil)
		if err != nil || blocked || !fieldsEqual(got, want) {
			t.Fatalf("%s: decoded %v blocked=%v err=%v, want %v", step, got, blocked, err, want)
		}
	}
	expectTable := func(step string, tab *dynamicTable, first uint64, size uint64, want []HeaderField) {
		t.Helper()
		if tab.dropped != first || tab.size != size || tab.count != len(want) {
			t.Fatalf("%s: table from %d size %d count %d, want from %d size %d count %d",
				step, tab.dropped, tab.size, tab.count, first, size, len(want))
		}
		for i, w := range want {
			if g := tab.at(first + uint64(i)); g != w {
				t.Fatalf("%s: entry %d = %v, want %v", step, first+uint64(i), g, w)
			}
		}
	}

	// B.1: literal field line with a static name reference, before any
	// SETTINGS, so static-only.
	b1 := []HeaderField{{Name: ":path", Value: "/index.html"}}
	s := expectSection("B.1", 0, b1, "0000 510b 2f69 6e64 6578 2e68 746d 6c")
	expectDecoded("B.1", 0, s, b1)
	expectDecoderStream("B.1", "")

	// B.2: the dynamic table.
	enc.SetPeerSettings(220, 1)
	b2 := []HeaderField{{Name: ":authority", Value: "www.example.com"}, {Name: ":path", Value: "/sample/path"}}
	s = expectSection("B.2", 4, b2, "0381 10 11")
	expectEncoderStream("B.2", "3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c10c 2f73 616d 706c 652f 7061 7468")
	expectDecoded("B.2", 4, s, b2)
	expectDecoderStream("B.2", "84")
	if enc.KnownReceivedCount() != 2 {
		t.Fatalf("B.2: Known Received Count %d, want 2", enc.KnownReceivedCount())
	}
	authority := HeaderField{Name: ":authority", Value: "www.example.com"}
	path := HeaderField{Name: ":path", Value: "/sample/path"}
	expectTable("B.2 encoder", &enc.table, 0, 106, []HeaderField{authority, path})
	expectTable("B.2 decoder", &dec.table, 0, 106, []HeaderField{authority, path})

	// B.3: speculative insert.
	custom := HeaderField{Name: "custom-key", Value: "custom-value"}
	if !enc.insertable(custom) {
		t.Fatal("B.3: insert refused")
	}
	enc.insertField(custom, -1)
	expectEncoderStream("B.3", "4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565")
	expectDecoderStream("B.3", "01")
	expectTable("B.3", &dec.table, 0, 160, []HeaderField{authority, path, custom})

	// B.4: duplicate, then a section whose encoder-stream data is delayed;
	// the decoder blocks and then cancels the stream.
	enc.insert(EncoderInstruction{Type: Duplicate, Index: 2}, authority)
	dup := enc.AppendEncoderStream(nil)
	if !bytes.Equal(dup, []byte{0x02}) {
		t.Fatalf("B.4: duplicate %x, want 02", dup)
	}
	b4 := []HeaderField{authority, {Name: ":path", Value: "/"}, custom}
	s = expectSection("B.4", 8, b4, "0500 80 c1 81")
	if _, blocked, err := dec.DecodeFieldSection(8, s, nil); !blocked || err != nil {
		t.Fatalf("B.4: blocked=%v err=%v, want blocked", blocked, err)
	}
	dec.CancelStream(8)
	expectDecoderStream("B.4", "48")
	if err := dec.HandleEncoderStream(dup); err != nil {
		t.Fatal(err)
	}
	if got := dec.AppendUnblocked(nil); len(got) != 0 {
		t.Fatalf("B.4: cancelled stream reported unblocked: %v", got)
	}
	if len(enc.outstanding) != 0 {
		t.Fatalf("B.4: outstanding sections after cancellation: %v", enc.outstanding)
	}
	expectTable("B.4", &dec.table, 0, 217, []HeaderField{authority, path, custom, authority})

	// B.5: insert with a dynamic name reference, evicting entry 0.
	custom2 := HeaderField{Name: "custom-key", Value: "custom-value2"}
	if !enc.insertable(custom2) {
		t.Fatal("B.5: insert refused")
	}
	enc.insertField(custom2, -1)
	expectEncoderStream("B.5", "810d 6375 7374 6f6d 2d76 616c 7565 32")
	want5 := []HeaderField{path, custom, authority, custom2}
	expectTable("B.5 encoder", &enc.table, 1, 215, want5)
	expectTable("B.5 decoder", &dec.table, 1, 215, want5)
}
