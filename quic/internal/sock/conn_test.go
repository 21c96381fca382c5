package sock

import (
	"errors"
	"net"
	"net/netip"
	"testing"
)

// hiddenConn hides the *net.UDPConn behind a plain net.PacketConn, as a
// simulated network or a wrapper would present it.
type hiddenConn struct{ net.PacketConn }

func TestPlainPacketConn(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(hiddenConn{pc}, testOptions(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if caps := a.Caps(); caps.GSO || caps.GRO || caps.ECN || caps.Batch || caps.PktInfo {
		t.Fatalf("plain conn claims features: %+v", caps)
	}
	if a.MaxSegments() != 1 {
		t.Fatalf("MaxSegments = %d, want 1", a.MaxSegments())
	}
	b := listen(t, "udp4", "127.0.0.1:0", Options{})

	// A GSO-style buffer goes out as separate datagrams.
	if err := a.WriteGSO(gsoBuffer(0, 3, 100, 40), 100, b.LocalAddr(), ECNECT0, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	got := readDatagrams(t, b, 3)
	checkDatagrams(t, got, map[int][]byte{0: payload(0, 100), 1: payload(1, 100), 2: payload(2, 40)})

	// And the plain conn reads, one datagram per call.
	if err := b.WriteGSO(payload(9, 50), 0, a.LocalAddr(), ECNNotECT, netip.Addr{}); err != nil {
		t.Fatal(err)
	}
	// TryReadBatch has no way to read without waiting here: it never
	// takes the datagram.
	if n, err := a.TryReadBatch(NewMessages(1)); n != 0 || err != nil {
		t.Fatalf("TryReadBatch on a plain conn = %d, %v; want 0, nil", n, err)
	}
	got = readDatagrams(t, a, 1)
	checkDatagrams(t, got, map[int][]byte{9: payload(9, 50)})
	if got[0].from != b.LocalAddr() || got[0].local != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("from %v local %v, want %v and 127.0.0.1", got[0].from, got[0].local, b.LocalAddr())
	}
	st := a.Stats()
	if st.DatagramsSent != 3 || st.SendCalls != 3 || st.BytesSent != 240 || st.DatagramsReceived != 1 || st.BytesReceived != 50 {
		t.Fatalf("stats %+v", st)
	}
}

func TestWriteRejectsBadAddresses(t *testing.T) {
	c4 := listen(t, "udp4", "127.0.0.1:0", Options{})
	c6 := listen(t, "udp", "[::]:0", Options{})
	v4 := netip.MustParseAddrPort("127.0.0.1:9")
	v6 := netip.MustParseAddrPort("[::1]:9")
	tests := []struct {
		name string
		c    *Conn
		m    Message
		want error
	}{
		{"no destination", c4, Message{Buf: []byte("x")}, errNoDestination},
		{"source family", c6, Message{Buf: []byte("x"), Addr: v4, Local: netip.MustParseAddr("::1")}, errFamily},
		{"source family 6", c6, Message{Buf: []byte("x"), Addr: v6, Local: netip.MustParseAddr("127.0.0.1")}, errFamily},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.c.WriteBatch([]Message{tt.m}); !errors.Is(err, tt.want) {
				t.Fatalf("WriteBatch: %v, want %v", err, tt.want)
			}
			if err := tt.c.WriteGSO(tt.m.Buf, 0, tt.m.Addr, 0, tt.m.Local); !errors.Is(err, tt.want) {
				t.Fatalf("WriteGSO: %v, want %v", err, tt.want)
			}
			if st := tt.c.Stats(); st.DatagramsSent != 0 {
				t.Fatalf("sent %d datagrams", st.DatagramsSent)
			}
		})
	}
}
