package core

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
)

// TestSimDatagrams checks unreliable datagrams (RFC 9221): they flow both
// ways when both ends advertise max_datagram_frame_size, a datagram that
// cannot fit in a packet is refused, and without the peer's parameter
// SendDatagram fails (RFC 9221, 3: "MUST NOT send DATAGRAM frames until
// it has received the max_datagram_frame_size transport parameter").
func TestSimDatagrams(t *testing.T) {
	for _, tt := range []struct {
		client, server bool
	}{
		{true, true}, {true, false}, {false, true}, {false, false},
	} {
		t.Run(fmt.Sprintf("client%v/server%v", tt.client, tt.server), func(t *testing.T) {
			p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(),
				func(ec *EndpointConfig) { ec.Conn.EnableDatagrams = tt.client },
				func(ec *EndpointConfig) { ec.Conn.EnableDatagrams = tt.server })
			s := establish(t, p, c, sv)
			if !tt.client || !tt.server {
				for name, conn := range map[string]*Conn{"client": c, "server": s} {
					if err := conn.SendDatagram([]byte("x")); !errors.Is(err, ErrDatagramsDisabled) {
						t.Errorf("%s SendDatagram without negotiation: %v, want ErrDatagramsDisabled", name, err)
					}
					if n := conn.MaxDatagramSize(); n != 0 {
						t.Errorf("%s MaxDatagramSize %d without negotiation", name, n)
					}
				}
				return
			}
			max := c.MaxDatagramSize()
			if max < 1000 || max > c.path.mtu {
				t.Fatalf("MaxDatagramSize %d with a %d-byte path", max, c.path.mtu)
			}
			if err := c.SendDatagram(make([]byte, max+1)); !errors.Is(err, ErrDatagramTooLarge) {
				t.Fatalf("oversized datagram: %v, want ErrDatagramTooLarge", err)
			}
			var want [][]byte
			for i := range 8 {
				d := randomData(100+i*100, uint64(i))
				want = append(want, d)
				if err := c.SendDatagram(d); err != nil {
					t.Fatal(err)
				}
				if err := s.SendDatagram(d); err != nil {
					t.Fatal(err)
				}
			}
			// The largest allowed one fits in a packet.
			big := randomData(max, 99)
			want = append(want, big)
			if err := c.SendDatagram(big); err != nil {
				t.Fatal(err)
			}
			if err := s.SendDatagram(big); err != nil {
				t.Fatal(err)
			}
			var atServer, atClient [][]byte
			err := p.RunUntil(func() bool {
				for {
					d, ok := s.ReadDatagram()
					if !ok {
						break
					}
					atServer = append(atServer, d)
				}
				for {
					d, ok := c.ReadDatagram()
					if !ok {
						break
					}
					atClient = append(atClient, d)
				}
				return len(atServer) == len(want) && len(atClient) == len(want)
			}, 2*time.Second)
			if err != nil {
				t.Fatalf("datagrams: %v; server got %d, client %d of %d", err, len(atServer), len(atClient), len(want))
			}
			for i := range want {
				if !bytes.Equal(atServer[i], want[i]) || !bytes.Equal(atClient[i], want[i]) {
					t.Fatalf("datagram %d differs", i)
				}
			}
		})
	}
}
