//go:build linux

package sock

import (
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestGSO sends one GSO buffer and checks what a plain socket and a GRO
// socket read.
func TestGSO(t *testing.T) {
	tests := []struct {
		name      string
		network   string
		bind      string
		gro       bool
		count     int // datagrams
		wantSends int // GSO sends: 64 segments or 65507 bytes at most
	}{
		{"ipv4 to plain receiver", "udp4", "127.0.0.1:0", false, 10, 1},
		{"ipv4 to GRO receiver", "udp4", "127.0.0.1:0", true, 10, 1},
		{"ipv6 to plain receiver", "udp6", "[::1]:0", false, 10, 1},
		{"ipv6 to GRO receiver", "udp6", "[::1]:0", true, 10, 1},
		{"split by byte limit", "udp4", "127.0.0.1:0", false, 100, 2}, // 54 + 46
		{"split by byte limit, GRO", "udp4", "127.0.0.1:0", true, 100, 2},
	}
	const seg, last = 1200, 500
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.bind, "[") {
				ipv6Loopback(t)
			}
			tx := listen(t, tt.network, tt.bind, Options{})
			rx := listen(t, tt.network, tt.bind, Options{DisableGRO: !tt.gro})
			requireCaps(t, tx, Capabilities{GSO: true})
			if tt.gro {
				requireCaps(t, rx, Capabilities{GRO: true})
			}
			if err := tx.WriteGSO(gsoBuffer(0, tt.count, seg, last), seg, rx.LocalAddr(), ECNECT0, netip.Addr{}); err != nil {
				t.Fatal(err)
			}
			got := readDatagrams(t, rx, tt.count)
			want := map[int][]byte{}
			for i := range tt.count {
				want[i] = payload(i, seg)
			}
			want[tt.count-1] = payload(tt.count-1, last)
			checkDatagrams(t, got, want)
			for _, r := range got {
				if r.ecn != ECNECT0 {
					t.Fatalf("ECN %02b, want ECT(0) on every segment", r.ecn)
				}
				if tt.gro && (r.segs < 2 || r.segSize != seg) {
					t.Fatalf("GRO read of %d segments of %d bytes, want several of %d", r.segs, r.segSize, seg)
				}
				if !tt.gro && r.segs != 1 {
					t.Fatalf("plain receiver read %d segments at once", r.segs)
				}
			}
			st := tx.Stats()
			if st.GSOSends != uint64(tt.wantSends) || st.GSOSegments != uint64(tt.count) || st.DatagramsSent != uint64(tt.count) ||
				st.BytesSent != uint64((tt.count-1)*seg+last) || st.Fallbacks != 0 {
				t.Fatalf("sender stats %+v", st)
			}
			rs := rx.Stats()
			if rs.DatagramsReceived != uint64(tt.count) || rs.BytesReceived != st.BytesSent || rs.ECNReceived != uint64(tt.count) {
				t.Fatalf("receiver stats %+v", rs)
			}
			if tt.gro && (rs.GROReceives != uint64(tt.wantSends) || rs.GROSegments != uint64(tt.count)) {
				t.Fatalf("receiver stats %+v, want %d GRO reads of %d datagrams", rs, tt.wantSends, tt.count)
			}
			if !tt.gro && rs.GROReceives != 0 {
				t.Fatalf("receiver stats %+v, want no GRO", rs)
			}
		})
	}
}

// TestRuntimeGSOFallback makes the kernel refuse a GSO send (SO_NO_CHECK
// forbids segmentation offload, so udp_send_skb answers EINVAL) and checks
// that the datagrams still go out and GSO stays off afterwards.
func TestRuntimeGSOFallback(t *testing.T) {
	tx := listen(t, "udp4", "127.0.0.1:0", Options{})
	rx := listen(t, "udp4", "127.0.0.1:0", Options{DisableGRO: true})
	requireCaps(t, tx, Capabilities{GSO: true})
	rc, err := tx.PacketConn().(*net.UDPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_NO_CHECK, 1) }); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	for round := range 2 {
		if err := tx.WriteGSO(gsoBuffer(round*10, 5, 1000, 1000), 1000, rx.LocalAddr(), ECNECT0, netip.Addr{}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got := readDatagrams(t, rx, 5)
		want := map[int][]byte{}
		for i := range 5 {
			want[round*10+i] = payload(round*10+i, 1000)
		}
		checkDatagrams(t, got, want)
	}
	st := tx.Stats()
	if tx.Caps().GSO || tx.MaxSegments() != 1 || st.Fallbacks != 1 || st.GSOSends != 0 || st.DatagramsSent != 10 {
		t.Fatalf("caps %+v stats %+v, want GSO off after one fallback", tx.Caps(), st)
	}
}

// TestGSOKeptOnUnrelatedError checks that a send failing for a reason GSO
// does not cause (EINVAL for a multicast source address, the same error a
// refused segmentation gives) leaves GSO on.
func TestGSOKeptOnUnrelatedError(t *testing.T) {
	tx := listen(t, "udp4", "0.0.0.0:0", Options{})
	rx := listen(t, "udp4", "127.0.0.1:0", Options{})
	requireCaps(t, tx, Capabilities{GSO: true})
	err := tx.WriteGSO(gsoBuffer(0, 3, 500, 500), 500, rx.LocalAddr(), ECNNotECT, netip.MustParseAddr("224.0.0.1"))
	if !errors.Is(err, unix.EINVAL) {
		t.Fatalf("send from a multicast source address: %v, want EINVAL", err)
	}
	if st := tx.Stats(); !tx.Caps().GSO || st.Fallbacks != 0 || st.DatagramsSent != 0 {
		t.Fatalf("caps %+v stats %+v after %v, want GSO still on", tx.Caps(), st, err)
	}
}
