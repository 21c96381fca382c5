//go:build linux

package sock

import (
	"encoding/binary"
	"math"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// appendRecvControl encodes ctl the way the kernel reports it on receive:
// IP_TOS as one byte, IP_PKTINFO or IPV6_PKTINFO, and UDP_GRO as an int.
func appendRecvControl(b []byte, ctl control) []byte {
	add := func(level, typ int32, n int) []byte {
		start := len(b)
		b = append(b, make([]byte, unix.CmsgSpace(n))...)
		data, _ := putCmsg(b[start:], level, typ, n)
		return data
	}
	add(unix.IPPROTO_IP, unix.IP_TOS, 1)[0] = ctl.ecn
	if ctl.local.IsValid() {
		if ctl.local.Is4() && ctl.ifIndex >= math.MinInt32 && ctl.ifIndex <= math.MaxInt32 {
			d := add(unix.IPPROTO_IP, unix.IP_PKTINFO, unix.SizeofInet4Pktinfo)
			binary.NativeEndian.PutUint32(d, uint32(int32(ctl.ifIndex)))
			a := ctl.local.As4()
			copy(d[8:], a[:])
		} else {
			d := add(unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, unix.SizeofInet6Pktinfo)
			a := ctl.local.As16()
			copy(d, a[:])
			binary.NativeEndian.PutUint32(d[16:], uint32(ctl.ifIndex))
		}
	}
	binary.NativeEndian.PutUint32(add(unix.IPPROTO_UDP, unix.UDP_GRO, 4), uint32(int32(ctl.segSize)))
	return b
}

func appendTClass(b []byte, tclass uint32) []byte {
	start := len(b)
	b = append(b, make([]byte, unix.CmsgSpace(4))...)
	data, _ := putCmsg(b[start:], unix.IPPROTO_IPV6, unix.IPV6_TCLASS, 4)
	binary.NativeEndian.PutUint32(data, tclass)
	return b
}

func TestParseControl(t *testing.T) {
	full := appendRecvControl(nil, control{ecn: ECNCE, local: netip.MustParseAddr("192.0.2.7"), ifIndex: 3, segSize: 1200})
	v6 := appendRecvControl(nil, control{ecn: ECNECT1, local: netip.MustParseAddr("2001:db8::1"), ifIndex: 5, segSize: 1350})
	badLen := append([]byte(nil), full...)
	binary.NativeEndian.PutUint32(badLen, 3) // shorter than a header
	hugeLen := append([]byte(nil), full...)
	if unix.SizeofCmsghdr == 16 {
		binary.NativeEndian.PutUint64(hugeLen, math.MaxUint64)
	} else {
		binary.NativeEndian.PutUint32(hugeLen, math.MaxUint32)
	}
	tests := []struct {
		name string
		b    []byte
		want control
	}{
		{"empty", nil, control{}},
		{"ipv4 full", full, control{ecn: ECNCE, local: netip.MustParseAddr("192.0.2.7"), ifIndex: 3, segSize: 1200}},
		{"ipv6 full", v6, control{ecn: ECNECT1, local: netip.MustParseAddr("2001:db8::1"), ifIndex: 5, segSize: 1350}},
		{"tclass keeps only ECN bits", appendTClass(nil, 0xb8|uint32(ECNECT0)), control{ecn: ECNECT0}},
		{"truncated header", full[:cmsgHeaderLen-1], control{}},
		{"truncated data", full[:cmsgHeaderLen], control{}},
		{"first message only", full[:unix.CmsgSpace(1)+4], control{ecn: ECNCE}},
		{"length below header", badLen, control{}},
		{"length beyond buffer", hugeLen, control{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseControl(tt.b); got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzParseControl checks that any control buffer parses without panic and
// that what it yields re-encodes to a buffer that parses the same.
func FuzzParseControl(f *testing.F) {
	f.Add(appendRecvControl(nil, control{ecn: ECNCE, local: netip.MustParseAddr("127.0.0.1"), ifIndex: 1, segSize: 1200}))
	f.Add(appendRecvControl(nil, control{ecn: ECNECT0, local: netip.MustParseAddr("::1"), ifIndex: 1}))
	f.Add(appendTClass(nil, uint32(ECNECT1)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ctl := parseControl(b)
		if ctl.ecn > ECNCE {
			t.Fatalf("ECN %d out of range", ctl.ecn)
		}
		if again := parseControl(appendRecvControl(nil, ctl)); again != ctl {
			t.Fatalf("re-encoded %+v parses as %+v", ctl, again)
		}
	})
}

// TestPutSendControl checks the send control messages against x/sys's own
// parser.
func TestPutSendControl(t *testing.T) {
	type cmsg struct {
		level, typ int32
		data       []byte
	}
	u32 := func(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }
	tests := []struct {
		name    string
		dst4    bool
		seg     int
		ecn     uint8
		local   string
		ifIndex int
		want    []cmsg
	}{
		{"nothing", true, 0, 0, "", 0, nil},
		{"gso only", true, 1200, 0, "", 0, []cmsg{{unix.IPPROTO_UDP, unix.UDP_SEGMENT, binary.NativeEndian.AppendUint16(nil, 1200)}}},
		{"ipv4 all", true, 1350, ECNCE, "10.0.0.1", 2, []cmsg{
			{unix.IPPROTO_UDP, unix.UDP_SEGMENT, binary.NativeEndian.AppendUint16(nil, 1350)},
			{unix.IPPROTO_IP, unix.IP_TOS, u32(3)},
			{unix.IPPROTO_IP, unix.IP_PKTINFO, append(u32(2), 10, 0, 0, 1, 0, 0, 0, 0)},
		}},
		{"ipv6 ecn and source", false, 0, ECNECT0, "2001:db8::2", 0, []cmsg{
			{unix.IPPROTO_IPV6, unix.IPV6_TCLASS, u32(2)},
			{unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, append(netip.MustParseAddr("2001:db8::2").AsSlice(), u32(0)...)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var local netip.Addr
			if tt.local != "" {
				local = netip.MustParseAddr(tt.local)
			}
			buf := make([]byte, sendControlSpace)
			n := putSendControl(buf, tt.dst4, tt.seg, tt.ecn, local, tt.ifIndex)
			msgs, err := unix.ParseSocketControlMessage(buf[:n])
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != len(tt.want) {
				t.Fatalf("%d control messages, want %d", len(msgs), len(tt.want))
			}
			for i, m := range msgs {
				w := tt.want[i]
				if m.Header.Level != w.level || m.Header.Type != w.typ || string(m.Data) != string(w.data) {
					t.Errorf("message %d: level %d type %d data %x, want %d %d %x", i, m.Header.Level, m.Header.Type, m.Data, w.level, w.typ, w.data)
				}
			}
		})
	}
}

func TestSockaddrRoundTrip(t *testing.T) {
	tests := []struct {
		family int
		in     string
		out    string // as decoded
	}{
		{unix.AF_INET, "192.0.2.1:443", "192.0.2.1:443"},
		{unix.AF_INET, "[::ffff:192.0.2.1]:443", "192.0.2.1:443"},
		{unix.AF_INET6, "192.0.2.1:65535", "192.0.2.1:65535"},
		{unix.AF_INET6, "[2001:db8::1]:1", "[2001:db8::1]:1"},
		{unix.AF_INET6, "[fe80::1%7]:4433", "[fe80::1%7]:4433"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var sa unix.RawSockaddrInet6
			n := encodeSockaddr(&sa, tt.family, netip.MustParseAddrPort(tt.in))
			if (tt.family == unix.AF_INET) != (n == unix.SizeofSockaddrInet4) {
				t.Fatalf("length %d for family %d", n, tt.family)
			}
			if got := decodeSockaddr(&sa); got != netip.MustParseAddrPort(tt.out) {
				t.Fatalf("got %v, want %v", got, tt.out)
			}
		})
	}
	if got := decodeSockaddr(&unix.RawSockaddrInet6{Family: unix.AF_UNIX}); got.IsValid() {
		t.Fatalf("unknown family decoded as %v", got)
	}
}
