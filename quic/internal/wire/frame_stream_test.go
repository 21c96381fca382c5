package wire

import (
	"bytes"
	"testing"
)

func TestStreamFrameEncoding(t *testing.T) {
	tests := []struct {
		f   StreamFrame
		hex string
	}{
		// The OFF bit appears only for a non-zero offset; LEN unless
		// OmitLength.
		{StreamFrame{StreamID: 4, Data: []byte("hi")}, "0a 04 02 6869"},
		{StreamFrame{StreamID: 4, Fin: true, Data: []byte{}}, "0b 04 00"},
		{StreamFrame{StreamID: 4, Offset: 64, Data: []byte("hi")}, "0e 04 4040 02 6869"},
		{StreamFrame{StreamID: 4, Offset: 64, Fin: true, OmitLength: true, Data: []byte("hi")}, "0d 04 4040 6869"},
		{StreamFrame{StreamID: 400, OmitLength: true, Data: []byte("hi")}, "08 4190 6869"},
	}
	for _, tt := range tests {
		want := mustHex(t, tt.hex)
		if got := tt.f.Append(nil); !bytes.Equal(got, want) {
			t.Errorf("%v: Append = %x, want %s", tt.f, got, tt.hex)
		}
		hdr := tt.f.AppendHeader(nil, len(tt.f.Data))
		if len(hdr) != tt.f.HeaderLen(len(tt.f.Data)) || !bytes.Equal(append(hdr, tt.f.Data...), want) {
			t.Errorf("%v: AppendHeader = %x", tt.f, hdr)
		}
	}
	// An explicit zero offset (OFF bit set) parses like an absent one.
	var f StreamFrame
	if n, err := f.Parse(mustHex(t, "0f 04 00 01 aa")); err != nil || n != 5 || f.Offset != 0 || !f.Fin || len(f.Data) != 1 {
		t.Errorf("Parse with zero Offset field = %d, %v, %v", n, err, f)
	}
}

func TestCryptoFrameEncoding(t *testing.T) {
	f := CryptoFrame{Offset: 64, Data: []byte("hi")}
	want := mustHex(t, "06 4040 02 6869")
	if got := f.Append(nil); !bytes.Equal(got, want) {
		t.Errorf("Append = %x, want %x", got, want)
	}
	if hdr := f.AppendHeader(nil, 2); len(hdr) != f.HeaderLen(2) || !bytes.Equal(hdr, want[:4]) {
		t.Errorf("AppendHeader = %x", hdr)
	}
}

// MaxDataLen returns the largest data length whose frame fits, which the
// packer relies on to fill packets exactly. The encoded length grows with
// the data length, so it is enough to check that one byte more overflows.
func TestMaxDataLen(t *testing.T) {
	availables := []int{-1, 0, 1, 2, 3}
	for a := 60; a < 16500; a++ {
		availables = append(availables, a)
	}
	for _, a := range []int{1<<30 - 10, 1 << 30, 1<<30 + 10} {
		for d := -10; d <= 10; d++ {
			availables = append(availables, a+d)
		}
	}
	type framer interface {
		HeaderLen(int) int
		MaxDataLen(int) int
	}
	var framers []framer
	for _, v := range []uint64{0, 63, 64, 16384, MaxVarint / 2} {
		framers = append(framers, CryptoFrame{Offset: v})
		for _, omit := range []bool{false, true} {
			framers = append(framers, StreamFrame{StreamID: v, Offset: v / 2, OmitLength: omit})
		}
	}
	for _, f := range framers {
		for _, a := range availables {
			d := f.MaxDataLen(a)
			switch {
			case d < -1:
				t.Fatalf("%v.MaxDataLen(%d) = %d", f, a, d)
			case d == -1:
				if f.HeaderLen(0) <= a {
					t.Fatalf("%v.MaxDataLen(%d) = -1, but an empty frame takes %d", f, a, f.HeaderLen(0))
				}
			default:
				if f.HeaderLen(d)+d > a || f.HeaderLen(d+1)+d+1 <= a {
					t.Fatalf("%v.MaxDataLen(%d) = %d: takes %d, one more takes %d", f, a, d, f.HeaderLen(d)+d, f.HeaderLen(d+1)+d+1)
				}
			}
		}
	}
}

// The packer's path: size the frame, write the header, copy the data.
func TestStreamFrameFillsPacket(t *testing.T) {
	data := bytes.Repeat([]byte{0x5a}, 5000)
	for avail := 3; avail < 1500; avail++ {
		for _, omit := range []bool{false, true} {
			f := StreamFrame{StreamID: 8, Offset: 100000, OmitLength: omit}
			n := f.MaxDataLen(avail)
			if n < 0 {
				continue
			}
			pkt := f.AppendHeader(nil, n)
			pkt = append(pkt, data[:n]...)
			if len(pkt) > avail || (omit && len(pkt) != avail) {
				t.Fatalf("avail %d omit %v: frame takes %d", avail, omit, len(pkt))
			}
			var g StreamFrame
			if m, err := g.Parse(pkt); err != nil || m != len(pkt) || len(g.Data) != n || g.Offset != f.Offset {
				t.Fatalf("avail %d: Parse = %d, %v, %v", avail, m, err, g)
			}
		}
	}
}
