package core

import (
	"bytes"
	"testing"

	"github.com/quicr/quicr/quic/internal/streams"
)

// handshakeMessage is a TLS handshake message of the given type with a
// body of size bytes (RFC 8446, 4).
func handshakeMessage(typ byte, size int) []byte {
	m := []byte{typ, byte(size >> 16), byte(size >> 8), byte(size)}
	return append(m, bytes.Repeat([]byte{typ}, size)...)
}

// TestWholeMessages checks what handleCryptoFrame hands TLS: only whole
// handshake messages, all that have arrived, and a message too long to
// wait for in pieces once enough of it is there.
func TestWholeMessages(t *testing.T) {
	hello := handshakeMessage(1, 1500) // a ClientHello that spans two packets
	flight := bytes.Join([][]byte{handshakeMessage(8, 90), handshakeMessage(11, 700), handshakeMessage(15, 74), handshakeMessage(20, 32)}, nil)
	chain := handshakeMessage(11, 40<<10) // a certificate chain of 40 KiB
	tests := []struct {
		name   string
		stream []byte
		frames [][2]int // [off, end) received, in order of arrival
		want   []uint64 // wholeMessages after each frame, nothing consumed
	}{
		{"message in one frame", hello, [][2]int{{0, len(hello)}}, []uint64{1504}},
		{"message over two frames", hello, [][2]int{{0, 1100}, {1100, len(hello)}}, []uint64{0, 1504}},
		{"header split", hello, [][2]int{{0, 2}, {2, len(hello)}}, []uint64{0, 1504}},
		{"second half first", hello, [][2]int{{1100, len(hello)}, {0, 1100}}, []uint64{0, 1504}},
		{"flight, last message cut", flight, [][2]int{{0, 900}, {900, len(flight)}}, []uint64{94 + 704 + 78, uint64(len(flight))}},
		{"long message streams", chain, [][2]int{{0, 10 << 10}, {10 << 10, 20 << 10}, {20 << 10, len(chain)}}, []uint64{0, 20 << 10, uint64(len(chain))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := streams.RecvBuffer{Pool: new(streams.BlockPool)}
			for i, f := range tt.frames {
				if err := r.OnData(uint64(f[0]), tt.stream[f[0]:f[1]], false); err != nil {
					t.Fatal(err)
				}
				if got := wholeMessages(&r); got != tt.want[i] {
					t.Errorf("after frame %d: %d bytes to hand over, want %d", i, got, tt.want[i])
				}
			}
		})
	}
}
