package packet

import "testing"

func TestPacketNumberLen(t *testing.T) {
	tests := []struct {
		pn, largestAcked int64
		want             int
	}{
		// RFC 9000, A.2: 29,519 outstanding packet numbers need 16 bits.
		{0xac5c02, 0xabe8b3, 2},
		// RFC 9000, A.2: the same state at 0xace8fe needs 24 bits.
		{0xace8fe, 0xabe8b3, 3},
		{0, -1, 1},
		{127, -1, 1},
		{128, -1, 2},
		{228, 100, 1},
		{229, 100, 2},
		{100 + 1<<15, 100, 2},
		{101 + 1<<15, 100, 3},
		{100 + 1<<23, 100, 3},
		{101 + 1<<23, 100, 4},
		{1 << 40, 0, 4},
	}
	for _, tt := range tests {
		if got := PacketNumberLen(tt.pn, tt.largestAcked); got != tt.want {
			t.Errorf("PacketNumberLen(%#x, %#x) = %d, want %d", tt.pn, tt.largestAcked, got, tt.want)
		}
	}
}

func TestDecodePacketNumber(t *testing.T) {
	tests := []struct {
		largest   int64
		truncated uint64
		nbits     int
		want      int64
	}{
		// RFC 9000, A.3.
		{0xa82f30ea, 0x9b32, 16, 0xa82f9b32},
		// RFC 9000, 17.1 examples.
		{0xabe8b3, 0x5c02, 16, 0xac5c02},
		{0xabe8b3, 0xace8fe, 24, 0xace8fe},
		{-1, 0, 8, 0},
		{-1, 5, 8, 5},
		{0xff, 0x00, 8, 0x100},
		{0x100, 0xff, 8, 0xff},
		{0x17f, 0x00, 8, 0x200},
		{0x180, 0x00, 8, 0x200},
		// Near the top of the packet number space no overflow happens.
		{MaxPacketNumber - 1, 0xff, 8, MaxPacketNumber},
		{MaxPacketNumber - 0x80, 0x00, 8, MaxPacketNumber - 0xff},
	}
	for _, tt := range tests {
		if got := DecodePacketNumber(tt.largest, tt.truncated, tt.nbits); got != tt.want {
			t.Errorf("DecodePacketNumber(%#x, %#x, %d) = %#x, want %#x",
				tt.largest, tt.truncated, tt.nbits, got, tt.want)
		}
	}
}

func TestAppendReadPacketNumber(t *testing.T) {
	tests := []struct {
		pn    int64
		pnLen int
		want  []byte
	}{
		{0x12345678, 1, []byte{0x78}},
		{0x12345678, 2, []byte{0x56, 0x78}},
		{0x12345678, 3, []byte{0x34, 0x56, 0x78}},
		{0x12345678, 4, []byte{0x12, 0x34, 0x56, 0x78}},
	}
	for _, tt := range tests {
		b := AppendPacketNumber(nil, tt.pn, tt.pnLen)
		if string(b) != string(tt.want) {
			t.Errorf("AppendPacketNumber(%#x, %d) = %x", tt.pn, tt.pnLen, b)
		}
		got, err := ReadPacketNumber(b, tt.pnLen)
		if err != nil || int64(got) != tt.pn&(1<<(8*tt.pnLen)-1) {
			t.Errorf("ReadPacketNumber(%x) = %#x, %v", b, got, err)
		}
		if _, err := ReadPacketNumber(b[:tt.pnLen-1], tt.pnLen); err == nil {
			t.Errorf("ReadPacketNumber of %d bytes: no error", tt.pnLen-1)
		}
	}
	if _, err := ReadPacketNumber([]byte{1, 2, 3, 4, 5}, 5); err == nil {
		t.Error("ReadPacketNumber accepted pnLen 5")
	}
}

// FuzzPacketNumber checks that a packet number encoded with the length
// PacketNumberLen picks decodes back for any largest received packet number
// between the largest acknowledged and the packet itself (RFC 9000, 17.1).
func FuzzPacketNumber(f *testing.F) {
	f.Add(int64(0xac5c02), int64(0xabe8b3), uint64(0))
	f.Add(int64(0xace8fe), int64(0xabe8b3), uint64(0x1000))
	f.Add(int64(0), int64(-1), uint64(0))
	f.Add(int64(MaxPacketNumber), int64(MaxPacketNumber-1), uint64(0))
	f.Add(int64(1<<40), int64(1<<40-1<<31), uint64(1<<30))
	f.Fuzz(func(t *testing.T, pn, largestAcked int64, recvOffset uint64) {
		if pn < 0 || pn > MaxPacketNumber || largestAcked < -1 || largestAcked >= pn {
			return
		}
		n := PacketNumberLen(pn, largestAcked)
		// RFC 9000, 17.1: beyond 4 bytes the sender must not have so many
		// packets in flight; only check ranges 4 bytes can cover.
		if pn-largestAcked > 1<<31 {
			return
		}
		// The receiver's largest is in [largestAcked, pn-1].
		largest := largestAcked + int64(recvOffset%uint64(pn-largestAcked))
		b := AppendPacketNumber(nil, pn, n)
		truncated, err := ReadPacketNumber(b, n)
		if err != nil {
			t.Fatal(err)
		}
		if got := DecodePacketNumber(largest, truncated, 8*n); got != pn {
			t.Fatalf("pn %#x largestAcked %#x largest %#x: %d bytes decode to %#x",
				pn, largestAcked, largest, n, got)
		}
	})
}

func BenchmarkDecodePacketNumber(b *testing.B) {
	b.ReportAllocs()
	var sum int64
	for i := range b.N {
		sum += DecodePacketNumber(int64(i), uint64(i+1)&0xffff, 16)
	}
	if sum < 0 {
		b.Fatal(sum)
	}
}
