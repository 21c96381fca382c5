package packet

import (
	"bytes"
	"testing"
)

func TestDestConnID(t *testing.T) {
	longPkt := withPayload(t, v1ClientInitialHeader, 4, 1182)
	tests := []struct {
		name    string
		pkt     []byte
		dcidLen int
		want    []byte
		err     error
	}{
		{"long header", longPkt, 5, rfcClientDCID, nil},
		{"long header, unknown version", []byte{0xc0, 9, 9, 9, 9, 2, 7, 8, 0}, 5, []byte{7, 8}, nil},
		{"short header", []byte{0x41, 1, 2, 3, 4, 5}, 3, []byte{1, 2, 3}, nil},
		{"empty", nil, 3, nil, ErrTruncated},
		{"short truncated", []byte{0x41, 1}, 3, nil, ErrTruncated},
		{"long truncated", []byte{0xc0, 0, 0, 0, 1, 8, 1, 2}, 3, nil, ErrTruncated},
		{"bad short length", []byte{0x41, 1}, 21, nil, ErrConnIDLen},
	}
	for _, tt := range tests {
		got, err := DestConnID(tt.pkt, tt.dcidLen)
		if err != tt.err || !bytes.Equal(got, tt.want) {
			t.Errorf("%s: got %x, %v; want %x, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func BenchmarkDestConnID(b *testing.B) {
	pkt := withPayload(b, v1ClientInitialHeader, 4, 1182)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DestConnID(pkt, 8); err != nil {
			b.Fatal(err)
		}
	}
}
