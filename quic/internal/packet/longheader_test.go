package packet

import (
	"bytes"
	"errors"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// Unprotected headers of RFC 9001, A.2 and A.3 and RFC 9369, A.2 and A.3.
const (
	v1ClientInitialHeader = "c300000001088394c8f03e5157080000449e00000002"
	v1ServerInitialHeader = "c1000000010008f067a5502a4262b50040750001"
	v2ClientInitialHeader = "d36b3343cf088394c8f03e5157080000449e00000002"
	v2ServerInitialHeader = "d16b3343cf0008f067a5502a4262b50040750001"
	// RFC 9001, A.3: the protected server Initial, parsed as it arrives.
	v1ServerInitialProtected = "cf000000010008f067a5502a4262b500 4075c0d95a482cd0991cd25b0aac406a" +
		"5816b6394100f37a1c69797554780bb3 8cc5a99f5ede4cf73c3ec2493a1839b3" +
		"dbcba3f6ea46c5b7684df3548e7ddeb9 c3bf9c73cc3f3bded74b562bfb19fb84" +
		"022f8ef4cdd93795d77d06edbb7aaf2f 58891850abbdca3d20398c276456cbc4" +
		"2158407dd074ee"
)

var (
	rfcClientDCID = []byte{0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08}
	rfcServerSCID = []byte{0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5}
)

// withPayload pads an unprotected header out to the length its Length field
// announces, so that the packet parses.
func withPayload(tb testing.TB, header string, pnLen, length int) []byte {
	b := unhex(tb, header)
	return append(b, make([]byte, length-pnLen)...)
}

func TestParseLongHeaderRFCVectors(t *testing.T) {
	tests := []struct {
		name     string
		pkt      []byte
		want     LongHeader
		pnLen    int
		pn       int64
		typeBits byte
	}{
		{
			name: "RFC 9001 A.2 client Initial",
			pkt:  withPayload(t, v1ClientInitialHeader, 4, 1182),
			want: LongHeader{Version: protocol.Version1, Type: protocol.PacketInitial,
				DCID: protocol.NewConnectionID(rfcClientDCID), Token: []byte{},
				Length: 1182, PNOffset: 18, PacketLen: 1200},
			pnLen: 4, pn: 2, typeBits: 0,
		},
		{
			name: "RFC 9001 A.3 server Initial",
			pkt:  withPayload(t, v1ServerInitialHeader, 2, 117),
			want: LongHeader{Version: protocol.Version1, Type: protocol.PacketInitial,
				SCID: protocol.NewConnectionID(rfcServerSCID), Token: []byte{},
				Length: 117, PNOffset: 18, PacketLen: 135},
			pnLen: 2, pn: 1, typeBits: 0,
		},
		{
			name: "RFC 9369 A.2 client Initial",
			pkt:  withPayload(t, v2ClientInitialHeader, 4, 1182),
			want: LongHeader{Version: protocol.Version2, Type: protocol.PacketInitial,
				DCID: protocol.NewConnectionID(rfcClientDCID), Token: []byte{},
				Length: 1182, PNOffset: 18, PacketLen: 1200},
			pnLen: 4, pn: 2, typeBits: 1,
		},
		{
			name: "RFC 9369 A.3 server Initial",
			pkt:  withPayload(t, v2ServerInitialHeader, 2, 117),
			want: LongHeader{Version: protocol.Version2, Type: protocol.PacketInitial,
				SCID: protocol.NewConnectionID(rfcServerSCID), Token: []byte{},
				Length: 117, PNOffset: 18, PacketLen: 135},
			pnLen: 2, pn: 1, typeBits: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLongHeader(tt.pkt)
			if err != nil {
				t.Fatal(err)
			}
			if !equalLongHeader(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			if bits := tt.pkt[0] >> 4 & 3; bits != tt.typeBits {
				t.Errorf("type bits %02b, want %02b", bits, tt.typeBits)
			}
			// Building the same header reproduces the RFC's bytes.
			b, lo := AppendLongHeader(nil, tt.want, tt.pn, tt.pnLen)
			PutLength(b, lo, int(tt.want.Length))
			if n := tt.want.PNOffset + tt.pnLen; !bytes.Equal(b, tt.pkt[:n]) {
				t.Errorf("AppendLongHeader = %x\nwant            %x", b, tt.pkt[:n])
			}
			// Every truncation of the packet errors cleanly.
			for i := range tt.pkt[:got.PacketLen] {
				if _, err := ParseLongHeader(tt.pkt[:i]); err == nil {
					t.Fatalf("truncated to %d bytes: no error", i)
				}
			}
		})
	}
}

func TestParseLongHeaderProtected(t *testing.T) {
	// Header protection leaves everything ParseLongHeader reads in the clear.
	pkt := unhex(t, v1ServerInitialProtected)
	got, err := ParseLongHeader(pkt)
	if err != nil {
		t.Fatal(err)
	}
	want := LongHeader{Version: protocol.Version1, Type: protocol.PacketInitial,
		SCID: protocol.NewConnectionID(rfcServerSCID), Token: []byte{},
		Length: 117, PNOffset: 18, PacketLen: len(pkt)}
	if !equalLongHeader(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func equalLongHeader(a, b LongHeader) bool {
	return a.Version == b.Version && a.Type == b.Type && a.DCID == b.DCID && a.SCID == b.SCID &&
		bytes.Equal(a.Token, b.Token) && a.Length == b.Length && a.PNOffset == b.PNOffset &&
		a.PacketLen == b.PacketLen
}

func TestLongHeaderRoundTrip(t *testing.T) {
	dcid := protocol.NewConnectionID([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
	scid := protocol.NewConnectionID([]byte{0xaa})
	tests := []struct {
		v        protocol.Version
		t        protocol.PacketType
		token    []byte
		typeBits byte
	}{
		// RFC 9000, 17.2: Initial 0x00, 0-RTT 0x01, Handshake 0x02.
		{protocol.Version1, protocol.PacketInitial, []byte("token"), 0},
		{protocol.Version1, protocol.Packet0RTT, nil, 1},
		{protocol.Version1, protocol.PacketHandshake, nil, 2},
		// RFC 9369, 3.2: Initial 0b01, 0-RTT 0b10, Handshake 0b11.
		{protocol.Version2, protocol.PacketInitial, []byte("token"), 1},
		{protocol.Version2, protocol.Packet0RTT, nil, 2},
		{protocol.Version2, protocol.PacketHandshake, nil, 3},
	}
	for _, tt := range tests {
		for pnLen := 1; pnLen <= 4; pnLen++ {
			h := LongHeader{Version: tt.v, Type: tt.t, DCID: dcid, SCID: scid, Token: tt.token}
			b, lo := AppendLongHeader([]byte{0xee}, h, 0x01020304, pnLen)
			b = append(b, make([]byte, 20)...) // payload and tag
			PutLength(b, lo, len(b)-lo-lengthFieldLen)
			// A second, coalesced packet follows (RFC 9000, 12.2).
			first := len(b) - 1
			b = append(b, 0xc0, 0xff)
			got, err := ParseLongHeader(b[1:])
			if err != nil {
				t.Fatalf("%v %v pnLen %d: %v", tt.v, tt.t, pnLen, err)
			}
			if got.Version != tt.v || got.Type != tt.t || got.DCID != dcid || got.SCID != scid ||
				!bytes.Equal(got.Token, tt.token) || got.PacketLen != first ||
				got.Length != uint64(pnLen+20) || got.PNOffset != lo-1+lengthFieldLen {
				t.Errorf("%v %v pnLen %d: got %+v", tt.v, tt.t, pnLen, got)
			}
			if bits := b[1] >> 4 & 3; bits != tt.typeBits {
				t.Errorf("%v %v: type bits %02b, want %02b", tt.v, tt.t, bits, tt.typeBits)
			}
			if PacketNumberLenOf(b[1]) != pnLen || CheckReservedBits(b[1]) != nil {
				t.Errorf("%v %v: first byte %08b", tt.v, tt.t, b[1])
			}
			if pn, err := ReadPacketNumber(b[1+got.PNOffset:], pnLen); err != nil ||
				pn != 0x01020304&(1<<(8*pnLen)-1) {
				t.Errorf("packet number %x, %v", pn, err)
			}
		}
	}
}

func TestParseLongHeaderErrors(t *testing.T) {
	long255 := append([]byte{0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 255}, make([]byte, 255)...)
	long255 = append(long255, 255)
	long255 = append(long255, make([]byte, 255)...)
	v1Long21 := append([]byte{0xc0, 0, 0, 0, 1, 21}, make([]byte, 21)...)
	v1Long21 = append(v1Long21, 0, 0, 1, 0)
	tests := []struct {
		name string
		pkt  []byte
		want error
	}{
		{"empty", nil, ErrNotLongHeader},
		{"short header", []byte{0x40, 1, 2, 3}, ErrNotLongHeader},
		{"unknown version", long255, ErrUnsupportedVersion},
		{"v1 DCID of 21 bytes", v1Long21, ErrConnIDLen},
		{"length beyond datagram", []byte{0xe0, 0, 0, 0, 1, 0, 0, 0x05, 1, 2, 3, 4}, ErrLength},
		{"token beyond datagram", []byte{0xc0, 0, 0, 0, 1, 0, 0, 0x05, 1, 2, 3, 4}, ErrTruncated},
		{"retry shorter than tag", []byte{0xf0, 0, 0, 0, 1, 0, 0, 1, 2}, ErrTruncated},
		{"fixed bit zero", []byte{0xa0, 0, 0, 0, 1, 0, 0, 1, 0}, ErrFixedBit},
	}
	for _, tt := range tests {
		if _, err := ParseLongHeader(tt.pkt); err != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	// RFC 8999, 5.1: the invariants still parse for an unknown version.
	v, dcid, scid, off, err := ParseLongHeaderInvariants(long255)
	if err != nil || v != 0x1a2a3a4a || len(dcid) != 255 || len(scid) != 255 || off != len(long255) {
		t.Errorf("invariants: %x %d %d %d %v", v, len(dcid), len(scid), off, err)
	}
	if h, _ := ParseLongHeader(long255); h.Version != 0x1a2a3a4a {
		t.Errorf("unsupported version not reported: %x", h.Version)
	}
	// A header with the fixed bit 0 is still complete, for grease_quic_bit.
	h, err := ParseLongHeader([]byte{0xa0, 0, 0, 0, 1, 0, 0, 1, 0})
	if !errors.Is(err, ErrFixedBit) || h.Type != protocol.PacketHandshake || h.PacketLen != 9 {
		t.Errorf("fixed bit: %+v, %v", h, err)
	}
}

func TestCheckReservedBits(t *testing.T) {
	tests := []struct {
		first byte
		ok    bool
	}{
		{0xc3, true}, {0xc4, false}, {0xc8, false},
		{0x47, true}, {0x48, false}, {0x50, false},
	}
	for _, tt := range tests {
		if err := CheckReservedBits(tt.first); (err == nil) != tt.ok {
			t.Errorf("%08b: %v", tt.first, err)
		}
	}
}

func FuzzLongHeader(f *testing.F) {
	f.Add(withPayload(f, v1ClientInitialHeader, 4, 1182))
	f.Add(withPayload(f, v2ServerInitialHeader, 2, 117))
	f.Add(unhex(f, v1ServerInitialProtected))
	f.Add(unhex(f, retryV1))
	f.Add(unhex(f, retryV2))
	f.Add([]byte{0xe5, 0x6b, 0x33, 0x43, 0xcf, 1, 9, 1, 8, 3, 1, 2, 3, 0xc0})
	f.Add([]byte{0x80, 0, 0, 0, 0, 1, 2, 1, 3, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseLongHeader(data)
		if err != nil && err != ErrFixedBit {
			return
		}
		if h.PacketLen > len(data) || h.PNOffset > h.PacketLen {
			t.Fatalf("offsets out of range: %+v in %d bytes", h, len(data))
		}
		var b []byte
		switch h.Type {
		case protocol.PacketVersionNegotiation:
			return // FuzzVersionNegotiation covers these.
		case protocol.PacketRetry:
			b = AppendRetry(nil, h.Version, h.DCID, h.SCID, h.Token, data[0])
			b = append(b, data[len(data)-RetryIntegrityTagLen:]...)
		default:
			if h.Length == 0 || h.Length > MaxLengthField {
				return
			}
			var lo int
			b, lo = AppendLongHeader(nil, h, int64(data[h.PNOffset]), 1)
			b = append(b, data[h.PNOffset+1:h.PacketLen]...)
			PutLength(b, lo, int(h.Length))
		}
		h2, err := ParseLongHeader(b)
		if err != nil {
			t.Fatalf("re-parse of %x: %v", b, err)
		}
		if h2.PacketLen != len(b) || h2.PacketLen-h2.PNOffset != h.PacketLen-h.PNOffset {
			t.Fatalf("lengths changed: %+v then %+v", h, h2)
		}
		h2.PNOffset, h2.PacketLen = h.PNOffset, h.PacketLen
		if !equalLongHeader(h, h2) {
			t.Fatalf("got %+v\nthen %+v", h, h2)
		}
	})
}

func BenchmarkParseLongHeader(b *testing.B) {
	pkt := withPayload(b, v1ClientInitialHeader, 4, 1182)
	b.ReportAllocs()
	for b.Loop() {
		h, err := ParseLongHeader(pkt)
		if err != nil || h.PacketLen != len(pkt) {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendLongHeader(b *testing.B) {
	h := LongHeader{Version: protocol.Version1, Type: protocol.PacketHandshake,
		DCID: protocol.NewConnectionID(rfcClientDCID), SCID: protocol.NewConnectionID(rfcServerSCID)}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		out, lo := AppendLongHeader(buf[:0], h, 1234, 2)
		PutLength(out, lo, 1000)
	}
}
