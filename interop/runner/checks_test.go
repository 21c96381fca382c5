//go:build linux

package runner

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/quicdump"
)

func TestTestCases(t *testing.T) {
	names := map[string]bool{}
	for _, tc := range TestCases() {
		if names[tc.Name] || names[tc.Abbr] {
			t.Errorf("duplicate case %s (%s)", tc.Name, tc.Abbr)
		}
		names[tc.Name], names[tc.Abbr] = true, true
		if tc.Client == "" || tc.Server == "" || tc.Check == nil || tc.Timeout == 0 || len(tc.Files) == 0 {
			t.Errorf("%s: incomplete definition", tc.Name)
		}
		if TestCaseByName(tc.Abbr) == nil {
			t.Errorf("%s: not found by abbreviation", tc.Name)
		}
	}
	if len(names) != 2*24 {
		t.Errorf("%d cases, want 24", len(names)/2)
	}
	if tc := TestCaseByName("keyupdate"); tc.Client != "keyupdate" || tc.Server != "transfer" {
		t.Errorf("keyupdate endpoints %s/%s", tc.Client, tc.Server)
	}
	if tc := TestCaseByName("amplificationlimit"); tc.ChainLen != 9 {
		t.Errorf("amplificationlimit chain %d", tc.ChainLen)
	}
}

// pkt builds a decoded packet for the path checks.
func pkt(toServer bool, src, dst string, frames ...quicdump.Frame) quicdump.Packet {
	return quicdump.Packet{ToServer: toServer, Type: quicdump.Packet1RTT, Src: netip.MustParseAddrPort(src), Dst: netip.MustParseAddrPort(dst), Frames: frames, Decrypted: true}
}

func TestCheckPaths(t *testing.T) {
	srv, a, b := "127.0.0.1:443", "127.0.0.1:5000", "127.0.0.9:6000"
	challenge := &quicdump.PathChallengeFrame{Data: [8]byte{1, 2}}
	response := &quicdump.PathResponseFrame{Data: [8]byte{1, 2}}
	for _, tc := range []struct {
		name    string
		addr    bool
		packets []quicdump.Packet
		want    string
	}{
		{"one path", false, []quicdump.Packet{pkt(true, a, srv), pkt(false, srv, a)}, "1 path"},
		{"migrated with challenge", false, []quicdump.Packet{
			pkt(false, srv, a), pkt(true, b, srv), pkt(false, srv, b, challenge), pkt(true, b, srv, response)}, ""},
		{"new path without challenge", false, []quicdump.Packet{
			pkt(false, srv, a), pkt(true, b, srv), pkt(false, srv, b), pkt(false, srv, b, challenge)}, "no PATH_CHALLENGE"},
		{"unanswered challenge", false, []quicdump.Packet{
			pkt(false, srv, a), pkt(false, srv, b, challenge)}, "never answered"},
		{"address rebind needs two client IPs", true, []quicdump.Packet{
			pkt(false, srv, a), pkt(false, srv, "127.0.0.1:5001", challenge), pkt(true, a, srv, response)}, "client address"},
	} {
		r := &run{server: &quicdump.Dump{Packets: tc.packets}, client: &quicdump.Dump{Packets: tc.packets}}
		err := checkPaths(tc.addr)(r)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestGoodput(t *testing.T) {
	t0 := time.Unix(0, 0)
	r := &run{tc: &TestCase{Files: []Files{{1, 1000000, 0}}}, client: &quicdump.Dump{Packets: []quicdump.Packet{
		{Type: quicdump.Packet1RTT, Time: t0},
		{Type: quicdump.Packet1RTT, ToServer: true, Time: t0.Add(5 * time.Second)},
		{Type: quicdump.Packet1RTT, Time: t0.Add(time.Second)},
	}}}
	kbps, err := goodput(r)
	if err != nil || kbps != 8000 {
		t.Errorf("goodput %v kbps, %v; want 8000", kbps, err)
	}
	if m, s := meanStdev([]float64{1, 3}); m != 2 || s < 1.414 || s > 1.415 {
		t.Errorf("mean %v stdev %v", m, s)
	}
}

func TestParseIPUDP(t *testing.T) {
	v4 := []byte{0x45, 0x02, 0, 31, 0, 0, 0x40, 0, 64, 17, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2, 0x01, 0xbb, 0x13, 0x88, 0, 11, 0, 0, 'a', 'b', 'c'}
	src, dst, ecn, payload, ok := parseIPUDP(v4)
	if !ok || src.String() != "127.0.0.1:443" || dst.String() != "127.0.0.2:5000" || ecn != 2 || string(payload) != "abc" {
		t.Errorf("IPv4: %v %v %v %q %v", src, dst, ecn, payload, ok)
	}
	v6 := make([]byte, 48, 50)
	v6[0], v6[1], v6[6] = 0x60, 0x10, 17
	v6[23], v6[39] = 1, 2
	v6[40], v6[41], v6[42], v6[43] = 1, 0xbb, 0, 80
	v6 = append(v6, 'x', 'y')
	src, dst, ecn, payload, ok = parseIPUDP(v6)
	if !ok || src.String() != "[::1]:443" || dst.String() != "[::2]:80" || ecn != 1 || string(payload) != "xy" {
		t.Errorf("IPv6: %v %v %v %q %v", src, dst, ecn, payload, ok)
	}
	for _, bad := range [][]byte{nil, v4[:20], append([]byte{0x45, 0, 0, 0, 0, 0, 0x20, 0}, v4[8:]...)} {
		if _, _, _, _, ok := parseIPUDP(bad); ok {
			t.Errorf("parsed %x", bad)
		}
	}
}

func TestAppendIPUDP(t *testing.T) {
	for _, d := range []quicdump.Datagram{
		{Src: netip.MustParseAddrPort("127.0.0.1:443"), Dst: netip.MustParseAddrPort("127.0.0.2:5000"), ECN: 2, Data: []byte("quic")},
		{Src: netip.MustParseAddrPort("[fd00::1]:443"), Dst: netip.MustParseAddrPort("[fd00::2]:80"), ECN: 1, Data: []byte("v6")},
	} {
		src, dst, ecn, payload, ok := parseIPUDP(appendIPUDP(nil, d))
		if !ok || src != d.Src || dst != d.Dst || ecn != d.ECN || string(payload) != string(d.Data) {
			t.Errorf("round trip of %v -> %v: %v %v %v %q %v", d.Src, d.Dst, src, dst, ecn, payload, ok)
		}
	}
}

func TestCheckRetry(t *testing.T) {
	initial := func(pn int64, token string) quicdump.Packet {
		return quicdump.Packet{ToServer: true, Type: quicdump.PacketInitial, PN: pn, Token: []byte(token)}
	}
	retry := quicdump.Packet{Type: quicdump.PacketRetry, Token: []byte("tok")}
	for _, tc := range []struct {
		name    string
		packets []quicdump.Packet
		want    string
	}{
		{"ok", []quicdump.Packet{initial(0, ""), initial(1, ""), retry, initial(2, "tok")}, ""},
		{"no retry", []quicdump.Packet{initial(0, "")}, "no Retry"},
		{"pn reset", []quicdump.Packet{initial(0, ""), initial(1, ""), retry, initial(0, "tok")}, "reset"},
		{"token unused", []quicdump.Packet{initial(0, ""), retry, initial(1, "other")}, "carries a Retry token"},
		{"empty retry token", []quicdump.Packet{initial(0, ""), {Type: quicdump.PacketRetry}}, "without a token"},
	} {
		err := checkRetry(&run{client: &quicdump.Dump{Packets: tc.packets}})
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestCheckAmplification(t *testing.T) {
	crypto := &quicdump.CryptoFrame{Offset: 7000, Data: make([]byte, 600)}
	// Datagrams and their first packets: client Initial of 1200 bytes,
	// then server datagrams, then a client Handshake.
	type dg struct {
		toServer bool
		size     int
		typ      quicdump.PacketType
	}
	for _, tc := range []struct {
		name string
		dgs  []dg
		want string
	}{
		{"within 3x", []dg{{true, 1200, quicdump.PacketInitial}, {false, 1200, quicdump.PacketHandshake}, {false, 1200, quicdump.PacketHandshake}, {false, 1199, quicdump.PacketHandshake}, {true, 100, quicdump.PacketHandshake}}, ""},
		{"within 4x", []dg{{true, 1000, quicdump.PacketInitial}, {false, 1200, quicdump.PacketHandshake}, {false, 1200, quicdump.PacketHandshake}, {false, 1200, quicdump.PacketHandshake}, {true, 100, quicdump.PacketHandshake}}, ""},
		{"beyond 4x", []dg{{true, 1000, quicdump.PacketInitial}, {false, 1500, quicdump.PacketHandshake}, {false, 1500, quicdump.PacketHandshake}, {false, 1000, quicdump.PacketHandshake}}, "exceeds"},
		{"no client handshake", []dg{{true, 1200, quicdump.PacketInitial}, {false, 1200, quicdump.PacketHandshake}}, "no client Handshake"},
	} {
		r := &run{server: &quicdump.Dump{}}
		for i, d := range tc.dgs {
			r.serverSide = append(r.serverSide, quicdump.Datagram{ToServer: d.toServer, Data: make([]byte, d.size)})
			p := quicdump.Packet{Datagram: i, ToServer: d.toServer, Type: d.typ}
			if !d.toServer {
				p.Frames = []quicdump.Frame{crypto}
			}
			r.server.Packets = append(r.server.Packets, p)
		}
		r.logf = t.Logf
		err := checkAmplification(r)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
