package qpack

import "testing"

// typicalRequest is a browser-like request header list.
var typicalRequest = []HeaderField{
	{Name: ":method", Value: "GET"},
	{Name: ":scheme", Value: "https"},
	{Name: ":authority", Value: "www.example.com"},
	{Name: ":path", Value: "/assets/app.js?v=20240101"},
	{Name: "user-agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"},
	{Name: "accept", Value: "*/*"},
	{Name: "accept-encoding", Value: "gzip, deflate, br"},
	{Name: "accept-language", Value: "en-US,en;q=0.9"},
	{Name: "referer", Value: "https://www.example.com/"},
	{Name: "sec-fetch-mode", Value: "no-cors"},
	{Name: "cookie", Value: "session=0123456789abcdef", NeverIndex: true},
}

// warmPair returns an encoder and decoder whose dynamic table holds the
// indexable fields of typicalRequest, all acknowledged.
func warmPair(b *testing.B) (*Encoder, *Decoder) {
	e := NewEncoder(EncoderConfig{MaxTableCapacity: 4096})
	d := NewDecoder(DecoderConfig{MaxTableCapacity: 4096, MaxBlockedStreams: 16})
	e.SetPeerSettings(4096, 16)
	sec := e.EncodeFieldSection(nil, 0, typicalRequest)
	if err := d.HandleEncoderStream(e.AppendEncoderStream(nil)); err != nil {
		b.Fatal(err)
	}
	if _, _, err := d.DecodeFieldSection(0, sec, nil); err != nil {
		b.Fatal(err)
	}
	if err := e.HandleDecoderStream(d.AppendDecoderStream(nil)); err != nil {
		b.Fatal(err)
	}
	return e, d
}

func BenchmarkEncodeStatic(b *testing.B) {
	e := NewEncoder(EncoderConfig{})
	dst := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		dst = e.EncodeFieldSection(dst[:0], 0, typicalRequest)
	}
	b.ReportMetric(float64(len(dst)), "bytes/section")
}

func BenchmarkDecodeStatic(b *testing.B) {
	sec := NewEncoder(EncoderConfig{}).EncodeFieldSection(nil, 0, typicalRequest)
	d := NewDecoder(DecoderConfig{})
	dst := make([]HeaderField, 0, 16)
	b.ReportAllocs()
	b.SetBytes(int64(len(sec)))
	for b.Loop() {
		var err error
		if dst, _, err = d.DecodeFieldSection(0, sec, dst[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeDynamic(b *testing.B) {
	e, _ := warmPair(b)
	dst := make([]byte, 0, 512)
	ack := AppendDecoderInstruction(nil, DecoderInstruction{Type: SectionAcknowledgment, StreamID: 4})
	b.ReportAllocs()
	for b.Loop() {
		dst = e.EncodeFieldSection(dst[:0], 4, typicalRequest)
		if err := e.HandleDecoderStream(ack); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(dst)), "bytes/section")
}

func BenchmarkDecodeDynamic(b *testing.B) {
	e, d := warmPair(b)
	sec := e.EncodeFieldSection(nil, 4, typicalRequest)
	dst := make([]HeaderField, 0, 16)
	out := make([]byte, 0, 16)
	b.ReportAllocs()
	b.SetBytes(int64(len(sec)))
	for b.Loop() {
		var err error
		if dst, _, err = d.DecodeFieldSection(4, sec, dst[:0]); err != nil {
			b.Fatal(err)
		}
		out = d.AppendDecoderStream(out[:0])
	}
}
