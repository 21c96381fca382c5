package core

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"slices"
	"testing"

	"github.com/quicr/quicr/certs"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// handshakeMessage is a TLS handshake message of the given type with a
// body of size bytes (RFC 8446, 4).
func handshakeMessage(typ byte, size int) []byte {
	m := []byte{typ, byte(size >> 16), byte(size >> 8), byte(size)}
	return append(m, bytes.Repeat([]byte{typ}, size)...)
}

// TestWholeMessages checks what handleCryptoFrame hands TLS, frame by
// frame, consuming what it hands over: only whole handshake messages, all
// that have arrived, in one piece; and a message too long to wait for
// whole in pieces once enough of it is there, after which the messages
// behind it go as usual.
func TestWholeMessages(t *testing.T) {
	hello := handshakeMessage(1, 1500) // a ClientHello that spans two packets
	flight := bytes.Join([][]byte{handshakeMessage(8, 90), handshakeMessage(11, 700), handshakeMessage(15, 74), handshakeMessage(20, 32)}, nil)
	chain := handshakeMessage(11, 40<<10) // a certificate chain of 40 KiB
	chainFin := bytes.Join([][]byte{chain, handshakeMessage(15, 74), handshakeMessage(20, 32)}, nil)
	tests := []struct {
		name   string
		stream []byte
		frames [][2]int // [off, end) received, in order of arrival
		want   [][]int  // the pieces handed over after each frame
	}{
		{"message in one frame", hello, [][2]int{{0, len(hello)}}, [][]int{{1504}}},
		{"message over two frames", hello, [][2]int{{0, 1100}, {1100, len(hello)}}, [][]int{nil, {1504}}},
		{"header split", hello, [][2]int{{0, 2}, {2, len(hello)}}, [][]int{nil, {1504}}},
		{"second half first", hello, [][2]int{{1100, len(hello)}, {0, 1100}}, [][]int{nil, {1504}}},
		{"flight, last message cut", flight, [][2]int{{0, 900}, {900, len(flight)}}, [][]int{{94 + 704 + 78}, {36}}},
		{"long message streams", chain, [][2]int{{0, 10 << 10}, {10 << 10, 20 << 10}, {20 << 10, len(chain)}}, [][]int{nil, {20 << 10}, {len(chain) - 20<<10}}},
		{"messages behind a long one", chainFin, [][2]int{{0, 20 << 10}, {20 << 10, len(chainFin)}}, [][]int{{20 << 10}, {len(chain) - 20<<10, 78 + 36}}},
		{"long one ends in a later frame", chainFin, [][2]int{{0, 20 << 10}, {20 << 10, 30 << 10}, {30 << 10, len(chainFin)}}, [][]int{{20 << 10}, {10 << 10}, {len(chain) - 30<<10, 78 + 36}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := streams.RecvBuffer{Pool: new(streams.BlockPool)}
			var partEnd uint64
			for i, f := range tt.frames {
				if err := r.OnData(uint64(f[0]), tt.stream[f[0]:f[1]], false); err != nil {
					t.Fatal(err)
				}
				var got []int
				for n := wholeMessages(&r, &partEnd); n > 0; n = wholeMessages(&r, &partEnd) {
					got = append(got, int(n))
					r.Consume(int(n))
				}
				if !slices.Equal(got, tt.want[i]) {
					t.Errorf("after frame %d: handed over %v, want %v", i, got, tt.want[i])
				}
			}
			if r.ReadOffset() != uint64(len(tt.stream)) {
				t.Errorf("handed over %d of %d bytes", r.ReadOffset(), len(tt.stream))
			}
		})
	}
}

// TestSimLongCertificate completes handshakes whose Certificate message is
// far longer than cryptoStreamChunk (about 60 KB of names), alone and with
// the messages behind it, so it reaches TLS in pieces.
func TestSimLongCertificate(t *testing.T) {
	chain := longChain(t, 2, 2000)
	if n := len(chain.Certificate[0]); n < 4*cryptoStreamChunk/2 {
		t.Fatalf("leaf of %d bytes, want well over %d", n, cryptoStreamChunk)
	}
	for seed := range uint64(3) {
		p, _, sv, c := newSimPairWith(t, 10+seed, simnet.SimpleP2P(), nil, func(ec *EndpointConfig) {
			ec.Conn.TLS.Certificates = []tls.Certificate{chain}
		})
		establish(t, p, c, sv)
	}
}

// longChain makes a certificate chain of length certificates whose leaf
// names names hosts besides localhost: about 30 bytes each.
func longChain(t testing.TB, length, names int) tls.Certificate {
	t.Helper()
	extra := make([]string, names)
	for i := range extra {
		extra[i] = fmt.Sprintf("host-%04d.long-certificate.example", i)
	}
	chain, err := certs.GenerateChain(certs.Options{ChainLength: length, ExtraNames: extra})
	if err != nil {
		t.Fatal(err)
	}
	return chain.Certificate
}
