package netem

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

func TestAppendIPUDP(t *testing.T) {
	tests := []struct {
		src, dst string
		payload  []byte
	}{
		{"127.0.0.1:4433", "127.0.0.2:443", []byte("even")},
		{"127.0.0.1:4433", "127.0.0.2:443", []byte("odd")},
		{"[::1]:4433", "[fd00:cafe:cafe:100::100]:443", []byte("quic over ipv6")},
		{"[::ffff:193.167.0.100]:1", "193.167.100.100:443", nil},
	}
	for _, tt := range tests {
		src, dst := netip.MustParseAddrPort(tt.src), netip.MustParseAddrPort(tt.dst)
		pkt := appendIPUDP(nil, src, dst, 3, tt.payload)
		var udp []byte
		var pseudo uint32
		switch pkt[0] >> 4 {
		case 4:
			if fold(sum(0, pkt[:20])) != 0xffff || pkt[1]&3 != 3 || int(binary.BigEndian.Uint16(pkt[2:])) != len(pkt) {
				t.Errorf("%v: bad IPv4 header %x", tt.src, pkt[:20])
			}
			udp = pkt[20:]
			pseudo = sum(0, pkt[12:20])
		case 6:
			if pkt[1]>>4 != 3 || int(binary.BigEndian.Uint16(pkt[4:]))+40 != len(pkt) || pkt[6] != 17 {
				t.Errorf("%v: bad IPv6 header %x", tt.src, pkt[:40])
			}
			udp = pkt[40:]
			pseudo = sum(0, pkt[8:40])
		}
		if binary.BigEndian.Uint16(udp) != src.Port() || binary.BigEndian.Uint16(udp[2:]) != dst.Port() ||
			int(binary.BigEndian.Uint16(udp[4:])) != len(udp) || string(udp[8:]) != string(tt.payload) {
			t.Errorf("%v: bad UDP header %x", tt.src, udp[:8])
		}
		if fold(sum(pseudo+17+uint32(len(udp)), udp)) != 0xffff {
			t.Errorf("%v: bad UDP checksum", tt.src)
		}
	}
}
