package packet

import (
	"bytes"
	"slices"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

func TestVersionNegotiationRoundTrip(t *testing.T) {
	long := bytes.Repeat([]byte{7}, 255)
	tests := []struct {
		name       string
		dcid, scid []byte
		versions   []protocol.Version
		random     byte
	}{
		{"v1 and v2 with grease", rfcServerSCID, rfcClientDCID,
			[]protocol.Version{protocol.Version1, protocol.Version2, GreaseVersion(0x12345678)}, 0x5a},
		{"255-byte connection IDs", long, long, []protocol.Version{protocol.Version1}, 0xff},
		{"empty list", nil, nil, nil, 0},
	}
	for _, tt := range tests {
		b := AppendVersionNegotiation(nil, tt.dcid, tt.scid, tt.versions, tt.random)
		// RFC 8999, 6: the high bit is set; the rest of the byte is random.
		if b[0] != 0x80|tt.random {
			t.Errorf("%s: first byte %#x", tt.name, b[0])
		}
		dcid, scid, vs, err := ParseVersionNegotiation(b)
		if err != nil || !bytes.Equal(dcid, tt.dcid) || !bytes.Equal(scid, tt.scid) {
			t.Fatalf("%s: %x %x %v", tt.name, dcid, scid, err)
		}
		if got := slices.Collect(vs.All()); !slices.Equal(got, tt.versions) || vs.Len() != len(tt.versions) {
			t.Errorf("%s: versions %v, want %v", tt.name, got, tt.versions)
		}
		for _, v := range tt.versions {
			if !vs.Contains(v) {
				t.Errorf("%s: Contains(%v) = false", tt.name, v)
			}
		}
		if vs.Contains(0x0badcafe) {
			t.Errorf("%s: contains a version it does not list", tt.name)
		}
		if len(tt.dcid) <= protocol.MaxConnIDLen {
			h, err := ParseLongHeader(b)
			if err != nil || h.Type != protocol.PacketVersionNegotiation || h.PacketLen != len(b) {
				t.Errorf("%s: ParseLongHeader = %+v, %v", tt.name, h, err)
			}
		}
		for i := range len(b) - 4*len(tt.versions) {
			if _, _, _, err := ParseVersionNegotiation(b[:i]); err == nil {
				t.Errorf("%s: truncated to %d bytes: no error", tt.name, i)
			}
		}
	}
}

func TestGreaseVersion(t *testing.T) {
	for _, r := range []uint32{0, 0xffffffff, 0x12345678} {
		if v := GreaseVersion(r); !v.IsReserved() {
			t.Errorf("GreaseVersion(%#x) = %v, not reserved", r, v)
		}
	}
}

func TestParseVersionNegotiationErrors(t *testing.T) {
	tests := []struct {
		name string
		pkt  []byte
		want error
	}{
		{"short header", []byte{0x40, 0, 0, 0, 0, 0, 0}, ErrNotLongHeader},
		{"version 1", []byte{0xc0, 0, 0, 0, 1, 0, 0}, ErrNotVersionNeg},
		{"partial version", []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2}, ErrVersionList},
		{"truncated CID", []byte{0x80, 0, 0, 0, 0, 4, 1}, ErrTruncated},
	}
	for _, tt := range tests {
		if _, _, _, err := ParseVersionNegotiation(tt.pkt); err != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func FuzzVersionNegotiation(f *testing.F) {
	f.Add(AppendVersionNegotiation(nil, rfcServerSCID, rfcClientDCID,
		[]protocol.Version{protocol.Version2, protocol.Version1, 0x1a2a3a4a}, 0x33))
	f.Add(AppendVersionNegotiation(nil, nil, nil, nil, 0))
	f.Add([]byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		dcid, scid, vs, err := ParseVersionNegotiation(data)
		if err != nil {
			return
		}
		versions := slices.Collect(vs.All())
		// Every field is kept, so re-encoding gives the same bytes.
		b := AppendVersionNegotiation(nil, dcid, scid, versions, data[0])
		if !bytes.Equal(b, data) {
			t.Fatalf("re-encoded %x as %x", data, b)
		}
	})
}

func BenchmarkParseVersionNegotiation(b *testing.B) {
	pkt := AppendVersionNegotiation(nil, rfcServerSCID, rfcClientDCID,
		[]protocol.Version{0x1a2a3a4a, protocol.Version2, protocol.Version1}, 0x33)
	b.ReportAllocs()
	for b.Loop() {
		_, _, vs, err := ParseVersionNegotiation(pkt)
		if err != nil || !vs.Contains(protocol.Version1) {
			b.Fatal(err)
		}
	}
}
