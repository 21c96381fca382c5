package qpack

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestEncoderStaticOnly(t *testing.T) {
	tests := []struct {
		name    string
		field   HeaderField
		huffman bool
		want    string
	}{
		{"static exact", HeaderField{Name: ":method", Value: "GET"}, true, "d1"},
		{"static exact, index 98", HeaderField{Name: "x-frame-options", Value: "sameorigin"}, true, "ff23"},
		{"static name", HeaderField{Name: ":path", Value: "/index.html"}, false, "510b 2f69 6e64 6578 2e68 746d 6c"},
		{"static name, Huffman", HeaderField{Name: ":authority", Value: "www.example.com"}, true, "508c f1e3 c2e5 f23a 6ba0 ab90 f4ff"},
		{"never-indexed static name", HeaderField{Name: "authorization", Value: "secret", NeverIndex: true}, false, "7f45 0673 6563 7265 74"},
		{"never-indexed exact static match", HeaderField{Name: ":method", Value: "GET", NeverIndex: true}, false, "7f02 0347 4554"},
		{"literal name", HeaderField{Name: "x-a", Value: "b"}, false, "2378 2d61 0162"},
		{"never-indexed literal name", HeaderField{Name: "x-a", Value: "b", NeverIndex: true}, false, "3378 2d61 0162"},
		{"literal name, Huffman", HeaderField{Name: "custom-key", Value: "custom-value"}, true, "2f01 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEncoder(EncoderConfig{MaxTableCapacity: 4096, DisableHuffman: !tc.huffman})
			// The peer allows no dynamic table: static-only mode.
			e.SetPeerSettings(0, 100)
			fields := []HeaderField{tc.field}
			got := e.EncodeFieldSection(nil, 0, fields)
			want := append([]byte{0, 0}, unhex(t, tc.want)...)
			if !bytes.Equal(got, want) {
				t.Fatalf("got %x, want %x", got, want)
			}
			if es := e.AppendEncoderStream(nil); len(es) != 0 {
				t.Fatalf("encoder stream %x in static-only mode", es)
			}
			d := NewDecoder(DecoderConfig{})
			dec, _, err := d.DecodeFieldSection(0, got, nil)
			if err != nil || !fieldsEqual(dec, fields) {
				t.Fatalf("decoded %v, %v", dec, err)
			}
		})
	}
}

// pair is an encoder and decoder connected directly.
type pair struct {
	t   *testing.T
	enc *Encoder
	dec *Decoder
}

func newPair(t *testing.T, capacity, blocked uint64, policy func(HeaderField) bool) *pair {
	e := NewEncoder(EncoderConfig{MaxTableCapacity: capacity, ShouldIndex: policy})
	d := NewDecoder(DecoderConfig{MaxTableCapacity: capacity, MaxBlockedStreams: blocked})
	e.SetPeerSettings(capacity, blocked)
	return &pair{t: t, enc: e, dec: d}
}

// syncEncoder delivers the encoder stream.
func (p *pair) syncEncoder() {
	p.t.Helper()
	if err := p.dec.HandleEncoderStream(p.enc.AppendEncoderStream(nil)); err != nil {
		p.t.Fatal(err)
	}
}

// syncDecoder delivers the decoder stream.
func (p *pair) syncDecoder() {
	p.t.Helper()
	if err := p.enc.HandleDecoderStream(p.dec.AppendDecoderStream(nil)); err != nil {
		p.t.Fatal(err)
	}
}

// roundTrip encodes fields, syncs the encoder stream, and decodes; it
// returns the Required Insert Count of the section.
func (p *pair) roundTrip(stream uint64, fields []HeaderField) uint64 {
	p.t.Helper()
	sec := p.enc.EncodeFieldSection(nil, stream, fields)
	p.syncEncoder()
	got, blocked, err := p.dec.DecodeFieldSection(stream, sec, nil)
	if err != nil || blocked || !fieldsEqual(got, fields) {
		p.t.Fatalf("decoded %v, %v, %v; want %v", got, blocked, err, fields)
	}
	ric, _ := decodeInsertCount(uint64(sec[0]), p.enc.maxEntries, p.enc.table.insertCount())
	return ric
}

func TestEncoderBlockedStreamsLimit(t *testing.T) {
	f := []HeaderField{{Name: "x-custom", Value: "value"}}
	// No blocking allowed: insert now, reference only once acknowledged.
	p := newPair(t, 4096, 0, nil)
	if ric := p.roundTrip(0, f); ric != 0 {
		t.Fatalf("first section RIC %d, want 0", ric)
	}
	if p.enc.InsertCount() != 1 {
		t.Fatalf("insert count %d, want 1", p.enc.InsertCount())
	}
	if ric := p.roundTrip(4, f); ric != 0 {
		t.Fatalf("unacknowledged entry referenced: RIC %d", ric)
	}
	p.syncDecoder() // Insert Count Increment
	if ric := p.roundTrip(8, f); ric != 1 {
		t.Fatalf("acknowledged entry not referenced: RIC %d", ric)
	}

	// One blocked stream: stream 0 may reference its insert, stream 4 may
	// not until stream 0's section is acknowledged.
	p = newPair(t, 4096, 1, nil)
	if ric := p.roundTrip(0, f); ric != 1 {
		t.Fatalf("RIC %d, want 1", ric)
	}
	if ric := p.roundTrip(4, f); ric != 0 {
		t.Fatalf("second blocking stream: RIC %d", ric)
	}
	if ric := p.roundTrip(0, f); ric != 1 {
		t.Fatalf("same stream may keep blocking: RIC %d", ric)
	}
	p.syncDecoder() // Section Acknowledgments for stream 0
	if ric := p.roundTrip(4, f); ric != 1 {
		t.Fatalf("after acknowledgment: RIC %d", ric)
	}
}

func TestEncoderEvictionProtection(t *testing.T) {
	// Room for one entry of 32+1+1 plus a little: the second insert must
	// evict the first.
	all := func(HeaderField) bool { return true }
	p := newPair(t, 64, 10, all)
	a := []HeaderField{{Name: "a", Value: "1"}}
	b := []HeaderField{{Name: "b", Value: "2"}}
	if ric := p.roundTrip(0, a); ric != 1 {
		t.Fatalf("RIC %d", ric)
	}
	// Entry 0 is unacknowledged and referenced: no insert may evict it.
	if ric := p.roundTrip(4, b); ric != 0 || p.enc.InsertCount() != 1 {
		t.Fatalf("evicted a referenced entry: RIC %d inserts %d", ric, p.enc.InsertCount())
	}
	p.syncDecoder()
	if ric := p.roundTrip(8, b); ric != 2 || p.enc.table.dropped != 1 {
		t.Fatalf("after ack: RIC %d dropped %d", ric, p.enc.table.dropped)
	}
	// Stream cancellation also releases references.
	p.syncDecoder()
	if ric := p.roundTrip(12, a); ric != 3 {
		t.Fatalf("RIC %d", ric)
	}
	p.dec.CancelStream(12)
	p.syncDecoder() // Section Ack for 12 was already queued, then cancellation
	if len(p.enc.outstanding) != 0 {
		t.Fatalf("outstanding %v", p.enc.outstanding)
	}
}

func TestEncoderDuplicatesDrainingEntry(t *testing.T) {
	all := func(HeaderField) bool { return true }
	p := newPair(t, 220, 10, all)
	// Each entry is 10+10+32 = 52 bytes; the referenceable budget is 165.
	field := func(i int) []HeaderField {
		return []HeaderField{{Name: fmt.Sprintf("x-name-%03d", i), Value: "0123456789"}}
	}
	for i := 0; i < 3; i++ {
		p.roundTrip(uint64(4*i), field(i))
		p.syncDecoder()
	}
	// Entries 0..2 use 156 bytes; a fourth makes entry 0 draining.
	p.roundTrip(12, field(3))
	p.syncDecoder()
	if p.enc.drainingIndex() != 1 {
		t.Fatalf("draining index %d, want 1", p.enc.drainingIndex())
	}
	before := p.enc.InsertCount()
	sec := p.enc.EncodeFieldSection(nil, 16, field(0))
	es := p.enc.AppendEncoderStream(nil)
	// Inserting the copy evicts entry 0 itself, which nothing references.
	if !bytes.Equal(es, []byte{0x03}) || p.enc.InsertCount() != before+1 {
		t.Fatalf("encoder stream %x, want Duplicate of relative index 3", es)
	}
	if err := p.dec.HandleEncoderStream(es); err != nil {
		t.Fatal(err)
	}
	got, _, err := p.dec.DecodeFieldSection(16, sec, nil)
	if err != nil || !fieldsEqual(got, field(0)) {
		t.Fatalf("decoded %v, %v", got, err)
	}
}

func TestEncoderDecoderStreamErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"acknowledgment without outstanding section", "84"},
		{"second acknowledgment", "80 80"},
		{"zero increment", "00"},
		{"increment beyond inserts", "02"},
		{"stream ID overflow", "ff ff ff ff ff ff ff ff ff ff 7f"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPair(t, 4096, 10, nil)
			p.roundTrip(0, []HeaderField{{Name: "x-a", Value: "b"}}) // one insert, stream 0 outstanding
			err := p.enc.HandleDecoderStream(unhex(t, tc.input))
			if errorCode(err) != ErrDecoderStream {
				t.Fatalf("got %v, want QPACK_DECODER_STREAM_ERROR", err)
			}
		})
	}
	// Stream Cancellation for an unknown stream is harmless.
	p := newPair(t, 4096, 10, nil)
	if err := p.enc.HandleDecoderStream([]byte{0x7f, 0x10}); err != nil {
		t.Fatal(err)
	}
}

// TestEncoderDecoderSimulation runs an encoder and decoder against each
// other with delayed, reordered delivery of sections and of both
// instruction streams, and with stream cancellations. Every section must
// decode to its input, and the decoder must never see a protocol error
// (including exceeding its blocked-streams limit).
func TestEncoderDecoderSimulation(t *testing.T) {
	configs := []struct {
		capacity, blocked uint64
		huffman           bool
	}{
		{0, 0, true},
		{4096, 0, true},
		{256, 2, false},
		{4096, 100, true},
		{100, 1, true},
	}
	for _, cfg := range configs {
		t.Run(fmt.Sprintf("cap%d_blocked%d_huff%v", cfg.capacity, cfg.blocked, cfg.huffman), func(t *testing.T) {
			simulate(t, rand.New(rand.NewPCG(cfg.capacity, cfg.blocked)), cfg.capacity, cfg.blocked, cfg.huffman)
		})
	}
}

type simSection struct {
	stream uint64
	data   []byte
	fields []HeaderField
}

func simulate(t *testing.T, r *rand.Rand, capacity, blocked uint64, huffman bool) {
	enc := NewEncoder(EncoderConfig{MaxTableCapacity: capacity, DisableHuffman: !huffman, ShouldIndex: func(f HeaderField) bool { return f.Name != "x-noindex" }})
	dec := NewDecoder(DecoderConfig{MaxTableCapacity: capacity, MaxBlockedStreams: blocked})
	enc.SetPeerSettings(capacity, blocked)
	names := []string{":authority", ":path", "user-agent", "x-custom", "x-noindex", "cookie", "accept", "x-long"}
	var encStream, decStream []byte
	var inflight []simSection
	waiting := map[uint64]simSection{}
	nextStream := uint64(0)
	decoded, nblocked := 0, 0
	deliver := func(s simSection) {
		got, isBlocked, err := dec.DecodeFieldSection(s.stream, s.data, nil)
		if err != nil {
			t.Fatalf("stream %d: %v", s.stream, err)
		}
		if isBlocked {
			nblocked++
			waiting[s.stream] = s
			return
		}
		if !fieldsEqual(got, s.fields) {
			t.Fatalf("stream %d: got %v, want %v", s.stream, got, s.fields)
		}
		decoded++
	}
	for step := 0; step < 3000; step++ {
		switch op := r.IntN(10); {
		case op < 4: // encode a section
			var fields []HeaderField
			for n := r.IntN(6); n >= 0; n-- {
				name := names[r.IntN(len(names))]
				v := fmt.Sprintf("v%d", r.IntN(8))
				if name == "x-long" {
					v = string(bytes.Repeat([]byte{'L'}, 40+r.IntN(40)))
				}
				fields = append(fields, HeaderField{Name: name, Value: v, NeverIndex: r.IntN(20) == 0})
			}
			data := enc.EncodeFieldSection(nil, nextStream, fields)
			inflight = append(inflight, simSection{stream: nextStream, data: data, fields: fields})
			nextStream += 4
			encStream = enc.AppendEncoderStream(encStream)
		case op < 7 && len(inflight) > 0: // a section arrives, possibly out of order
			i := r.IntN(len(inflight))
			s := inflight[i]
			inflight = append(inflight[:i], inflight[i+1:]...)
			if r.IntN(15) == 0 {
				dec.CancelStream(s.stream)
				continue
			}
			deliver(s)
		case op < 8 && len(encStream) > 0 && r.IntN(2) == 0: // part of the encoder stream arrives
			n := 1 + r.IntN(len(encStream))
			if err := dec.HandleEncoderStream(encStream[:n]); err != nil {
				t.Fatal(err)
			}
			encStream = append(encStream[:0], encStream[n:]...)
			for _, id := range dec.AppendUnblocked(nil) {
				s := waiting[id]
				delete(waiting, id)
				deliver(s)
			}
		default: // part of the decoder stream arrives
			decStream = dec.AppendDecoderStream(decStream)
			if len(decStream) == 0 {
				continue
			}
			n := 1 + r.IntN(len(decStream))
			if err := enc.HandleDecoderStream(decStream[:n]); err != nil {
				t.Fatal(err)
			}
			decStream = append(decStream[:0], decStream[n:]...)
		}
		if uint64(dec.BlockedStreams()) > blocked {
			t.Fatalf("decoder has %d blocked streams, limit %d", dec.BlockedStreams(), blocked)
		}
		if enc.table.size > enc.table.capacity {
			t.Fatalf("table size %d over capacity %d", enc.table.size, enc.table.capacity)
		}
	}
	t.Logf("decoded %d blocked %d inserts %d dropped %d", decoded, nblocked, enc.InsertCount(), enc.table.dropped)
	if decoded < 500 {
		t.Fatalf("only %d sections decoded", decoded)
	}
	if capacity > 0 && enc.InsertCount() == 0 {
		t.Fatal("dynamic table never used")
	}
	if capacity > 0 && blocked > 0 && nblocked == 0 {
		t.Fatal("no section was ever blocked")
	}
}
