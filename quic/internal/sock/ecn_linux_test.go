//go:build linux

package sock

import (
	"net/netip"
	"testing"
)

// TestECN sends every codepoint and checks that each arrives as sent
// (RFC 9000, 13.4.1: endpoints read the ECN field of each packet).
func TestECN(t *testing.T) {
	tests := []struct {
		name         string
		network      string
		bind, target string
		v6           bool
	}{
		{"ipv4", "udp4", "127.0.0.1:0", "127.0.0.1", false},
		{"ipv6", "udp6", "[::1]:0", "::1", true},
		{"dual-stack receiving ipv4", "udp", "[::]:0", "127.0.0.1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v6 {
				ipv6Loopback(t)
			}
			senderNet, senderBind := "udp4", "127.0.0.1:0"
			if netip.MustParseAddr(tt.target).Is6() {
				senderNet, senderBind = "udp6", "[::1]:0"
			}
			rx := listen(t, tt.network, tt.bind, Options{})
			tx := listen(t, senderNet, senderBind, Options{})
			requireCaps(t, rx, Capabilities{ECN: true})
			requireCaps(t, tx, Capabilities{ECN: true})
			to := addrOf(t, rx, tt.target)
			codepoints := []uint8{ECNNotECT, ECNECT0, ECNECT1, ECNCE, ECNECT0}
			msgs := make([]Message, len(codepoints))
			want := map[int][]byte{}
			for i, ecn := range codepoints {
				msgs[i] = Message{Buf: payload(i, 100+i), Addr: to, ECN: ecn}
				want[i] = msgs[i].Buf
			}
			if n, err := tx.WriteBatch(msgs); n != len(msgs) || err != nil {
				t.Fatalf("WriteBatch = %d, %v", n, err)
			}
			got := readDatagrams(t, rx, len(msgs))
			checkDatagrams(t, got, want)
			for _, r := range got {
				i := int(r.data[1])
				if r.ecn != codepoints[i] {
					t.Errorf("datagram %d: ECN %02b, want %02b", i, r.ecn, codepoints[i])
				}
				if r.from != tx.LocalAddr() {
					t.Errorf("datagram %d from %v, want %v", i, r.from, tx.LocalAddr())
				}
			}
			st := rx.Stats()
			if st.ECNReceived != 4 || st.CEReceived != 1 || st.DatagramsReceived != 5 {
				t.Errorf("receiver stats %+v, want 4 ECN-marked, 1 CE, 5 datagrams", st)
			}
			if st := tx.Stats(); st.SendCalls != 1 || st.DatagramsSent != 5 {
				t.Errorf("sender stats %+v, want 5 datagrams in 1 sendmmsg", st)
			}
		})
	}
}
