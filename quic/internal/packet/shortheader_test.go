package packet

import (
	"bytes"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// RFC 9001, A.5: the unprotected and protected short header packet.
const (
	shortUnprotectedHeader = "4200bff4"
	shortProtectedPacket   = "4cfe4189655e5cd55c41f69080575d7999c25a5bfb"
)

func TestShortHeaderRFCVector(t *testing.T) {
	// RFC 9001, A.5: packet number 654360564 encoded in 3 bytes.
	want := unhex(t, shortUnprotectedHeader)
	got := AppendShortHeader(nil, protocol.ConnectionID{}, 654360564, 3, false, false)
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendShortHeader = %x, want %x", got, want)
	}
	pkt := unhex(t, shortProtectedPacket)
	h, err := ParseShortHeader(pkt, 0)
	if err != nil || h.PNOffset != 1 || h.DCID.Len() != 0 || h.SpinBit {
		t.Fatalf("ParseShortHeader = %+v, %v", h, err)
	}
	pn, err := ReadPacketNumber(want[h.PNOffset:], PacketNumberLenOf(want[0]))
	if err != nil || DecodePacketNumber(654360563, pn, 24) != 654360564 {
		t.Errorf("packet number %x, %v", pn, err)
	}
}

func TestShortHeaderRoundTrip(t *testing.T) {
	dcids := [][]byte{nil, {1}, rfcClientDCID, bytes.Repeat([]byte{0xab}, 20)}
	for _, d := range dcids {
		for pnLen := 1; pnLen <= 4; pnLen++ {
			for _, kp := range []bool{false, true} {
				for _, spin := range []bool{false, true} {
					dcid := protocol.NewConnectionID(d)
					b := AppendShortHeader([]byte{0xee}, dcid, 0x0a0b0c0d, pnLen, kp, spin)
					pkt := b[1:]
					h, err := ParseShortHeader(pkt, len(d))
					if err != nil || h.DCID != dcid || h.SpinBit != spin || h.PNOffset != 1+len(d) {
						t.Fatalf("dcid %x pnLen %d: %+v, %v", d, pnLen, h, err)
					}
					if KeyPhase(pkt[0]) != kp || PacketNumberLenOf(pkt[0]) != pnLen ||
						CheckReservedBits(pkt[0]) != nil || len(pkt) != 1+len(d)+pnLen {
						t.Fatalf("first byte %08b, length %d", pkt[0], len(pkt))
					}
					if got, err := DestConnID(pkt, len(d)); err != nil || !bytes.Equal(got, d) {
						t.Fatalf("DestConnID = %x, %v", got, err)
					}
					for i := range 1 + len(d) {
						if _, err := ParseShortHeader(pkt[:i], len(d)); err == nil {
							t.Fatalf("truncated to %d bytes: no error", i)
						}
					}
				}
			}
		}
	}
}

func TestParseShortHeaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		pkt     []byte
		dcidLen int
		want    error
	}{
		{"empty", nil, 0, ErrNotShortHeader},
		{"long header", []byte{0xc0, 0, 0, 0, 1}, 0, ErrNotShortHeader},
		{"DCID length over 20", make([]byte, 30), 21, ErrConnIDLen},
		{"negative DCID length", []byte{0x40}, -1, ErrConnIDLen},
		{"truncated DCID", []byte{0x40, 1, 2}, 4, ErrTruncated},
		{"fixed bit zero", []byte{0x00, 1, 2, 3}, 2, ErrFixedBit},
	}
	for _, tt := range tests {
		if _, err := ParseShortHeader(tt.pkt, tt.dcidLen); err != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func FuzzShortHeader(f *testing.F) {
	f.Add(unhex(f, shortProtectedPacket), uint8(0))
	f.Add(unhex(f, shortUnprotectedHeader), uint8(0))
	f.Add([]byte{0x65, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(8))
	f.Add([]byte{0x01, 1, 2, 3}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, dcidLen uint8) {
		n := int(dcidLen % 21)
		h, err := ParseShortHeader(data, n)
		d, derr := DestConnID(data, n)
		if err != nil && err != ErrFixedBit {
			if err == ErrTruncated && derr == nil {
				t.Fatalf("DestConnID accepted what ParseShortHeader did not: %v", err)
			}
			return
		}
		if derr != nil || !bytes.Equal(d, h.DCID.Bytes()) {
			t.Fatalf("DestConnID = %x, %v; header DCID %v", d, derr, h.DCID)
		}
		if h.PNOffset != 1+n || h.PNOffset > len(data) {
			t.Fatalf("PNOffset %d for DCID length %d in %d bytes", h.PNOffset, n, len(data))
		}
		b := AppendShortHeader(nil, h.DCID, 7, 1, KeyPhase(data[0]), h.SpinBit)
		h2, err := ParseShortHeader(b, n)
		if err != nil || h2 != h {
			t.Fatalf("got %+v, then %+v, %v", h, h2, err)
		}
	})
}

func BenchmarkParseShortHeader(b *testing.B) {
	pkt := AppendShortHeader(nil, protocol.NewConnectionID(rfcClientDCID), 1000, 2, false, true)
	pkt = append(pkt, make([]byte, 1200)...)
	b.ReportAllocs()
	for b.Loop() {
		h, err := ParseShortHeader(pkt, 8)
		if err != nil || h.PNOffset != 9 {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendShortHeader(b *testing.B) {
	dcid := protocol.NewConnectionID(rfcClientDCID)
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendShortHeader(buf[:0], dcid, 1000, 2, true, false)
	}
}
