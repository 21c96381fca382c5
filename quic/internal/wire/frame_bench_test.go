package wire

import (
	"bytes"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// benchStreamFrame returns a STREAM frame filling a 1200-byte 1-RTT packet
// (1-byte header flags, 20-byte connection ID, 16-byte AEAD tag).
func benchStreamFrame() StreamFrame {
	f := StreamFrame{StreamID: 4, Offset: 1 << 20}
	f.Data = bytes.Repeat([]byte{0x5a}, f.MaxDataLen(1200-1-20-16))
	return f
}

func BenchmarkAckFrameParse32(b *testing.B) {
	enc := AckFrame{AckDelay: 1000, Ranges: manyAckRanges(32)}.Append(nil)
	var f AckFrame
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := f.Parse(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAckFrameAppend32(b *testing.B) {
	f := AckFrame{AckDelay: 1000, Ranges: manyAckRanges(32)}
	buf := make([]byte, 0, 1500)
	b.ReportAllocs()
	b.SetBytes(int64(f.Len()))
	for b.Loop() {
		buf = f.Append(buf[:0])
	}
}

func BenchmarkStreamFrameParse(b *testing.B) {
	enc := benchStreamFrame().Append(nil)
	var f StreamFrame
	b.ReportAllocs()
	b.SetBytes(int64(len(enc)))
	for b.Loop() {
		if _, err := f.Parse(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStreamFrameAppend(b *testing.B) {
	f := benchStreamFrame()
	buf := make([]byte, 0, 1500)
	b.ReportAllocs()
	b.SetBytes(int64(f.Len()))
	for b.Loop() {
		buf = f.Append(buf[:0])
	}
}

// The hot paths must not allocate; this keeps the benchmarks' 0 allocs/op
// from regressing unnoticed.
func TestFrameHotPathsDoNotAllocate(t *testing.T) {
	ackEnc := AckFrame{AckDelay: 1000, Ranges: manyAckRanges(32), ECN: true}.Append(nil)
	ack := AckFrame{Ranges: manyAckRanges(32)}
	stream := benchStreamFrame()
	streamEnc := stream.Append(nil)
	var (
		parsedAck    AckFrame
		parsedStream StreamFrame
		cryptoFrame  CryptoFrame
		cid          = NewConnectionIDFrame{Seq: 9, RetirePriorTo: 2, ConnID: protocol.NewConnectionID(make([]byte, 20))}
		padding      PaddingFrame
	)
	cryptoEnc := CryptoFrame{Offset: 1 << 30, Data: make([]byte, 1100)}.Append(nil)
	cidEnc := cid.Append(nil)
	buf := make([]byte, 0, 1500)
	tests := []struct {
		name string
		fn   func()
	}{
		{"AckFrame.Parse", func() { _, _ = parsedAck.Parse(ackEnc) }},
		{"AckFrame.Append", func() { buf = ack.Append(buf[:0]) }},
		{"AckFrame.AppendWithin", func() { buf, _ = ack.AppendWithin(buf[:0], 100) }},
		{"StreamFrame.Parse", func() { _, _ = parsedStream.Parse(streamEnc) }},
		{"StreamFrame.Append", func() { buf = stream.Append(buf[:0]) }},
		{"StreamFrame.AppendHeader", func() { buf = stream.AppendHeader(buf[:0], stream.MaxDataLen(1000)) }},
		{"CryptoFrame.Parse", func() { _, _ = cryptoFrame.Parse(cryptoEnc) }},
		{"NewConnectionIDFrame.Parse", func() { _, _ = cid.Parse(cidEnc) }},
		{"NewConnectionIDFrame.Append", func() { buf = cid.Append(buf[:0]) }},
		{"PaddingFrame.Parse", func() { _, _ = padding.Parse(make([]byte, 64)) }},
		{"PaddingFrame.Append", func() { buf = PaddingFrame{Length: 1000}.Append(buf[:0]) }},
		{"ParseFrameType", func() { _, _, _ = ParseFrameType(streamEnc) }},
	}
	parsedAck.Parse(ackEnc)
	for _, tt := range tests {
		if n := testing.AllocsPerRun(50, tt.fn); n != 0 {
			t.Errorf("%s: %v allocs/op, want 0", tt.name, n)
		}
	}
}
