package netem

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

// echoServer echoes datagrams with their ECN mark, prefixed by the source
// address it saw, until the test ends.
func echoServer(t *testing.T, addr string) (netip.AddrPort, <-chan int) {
	t.Helper()
	c, err := listenUDP(netip.MustParseAddrPort(addr))
	if err != nil {
		t.Fatal(err)
	}
	received := make(chan int, 4096)
	done := make(chan struct{})
	t.Cleanup(func() { c.Close(); <-done })
	go func() {
		defer close(done)
		buf, oob := make([]byte, 2048), make([]byte, oobSize())
		for {
			n, oobn, _, from, err := c.ReadMsgUDPAddrPort(buf, oob)
			if err != nil {
				return
			}
			received <- n
			reply, _ := unmap(from).MarshalBinary()
			reply = append(append([]byte{byte(len(reply))}, reply...), buf[:n]...)
			v6 := !from.Addr().Unmap().Is4()
			c.WriteMsgUDPAddrPort(reply, ecnOOB(parseECN(oob[:oobn]), v6), from)
		}
	}()
	return c.LocalAddr().(*net.UDPAddr).AddrPort(), received
}

// startRelay runs r until the test ends or the returned stop is called.
func startRelay(t *testing.T, r *Relay) (stop func()) {
	t.Helper()
	if err := r.Start(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// client is a UDP socket that sends through the relay.
type client struct {
	t     *testing.T
	c     *net.UDPConn
	relay netip.AddrPort
	v6    bool
}

func newClient(t *testing.T, relay netip.AddrPort) *client {
	local := "127.0.0.1:0"
	if relay.Addr().Is6() {
		local = "[::1]:0"
	}
	c, err := listenUDP(netip.MustParseAddrPort(local))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &client{t: t, c: c, relay: relay, v6: relay.Addr().Is6()}
}

func (c *client) send(b []byte, ecn uint8) {
	if _, _, err := c.c.WriteMsgUDPAddrPort(b, ecnOOB(ecn, c.v6), c.relay); err != nil {
		c.t.Fatal(err)
	}
}

// recv reads an echo: the source the server saw, the payload and its ECN.
func (c *client) recv(timeout time.Duration) (netip.AddrPort, []byte, uint8, error) {
	c.c.SetReadDeadline(time.Now().Add(timeout))
	buf, oob := make([]byte, 2048), make([]byte, oobSize())
	n, oobn, _, _, err := c.c.ReadMsgUDPAddrPort(buf, oob)
	if err != nil {
		return netip.AddrPort{}, nil, 0, err
	}
	var seen netip.AddrPort
	l := int(buf[0])
	if l == 0 {
		// A datagram the test's server wrote by hand.
	} else if err := seen.UnmarshalBinary(buf[1 : 1+l]); err != nil {
		c.t.Fatal(err)
	}
	return seen, buf[1+l : n], parseECN(oob[:oobn]), nil
}

func TestRelayEcho(t *testing.T) {
	tests := []struct {
		name, listen, server string
		ecn                  uint8
	}{
		{"ipv4 ECT(0)", "127.0.0.1:0", "127.0.0.1:0", netmodel.ECT0},
		{"ipv4 CE", "127.0.0.1:0", "127.0.0.1:0", netmodel.CE},
		{"ipv6 ECT(1)", "[::1]:0", "[::1]:0", netmodel.ECT1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, _ := echoServer(t, tt.server)
			sc, err := ParseScenario("simple-p2p --delay=40ms --bandwidth=100Mbps --queue=100")
			if err != nil {
				t.Fatal(err)
			}
			r := &Relay{Listen: netip.MustParseAddrPort(tt.listen), Server: server, Scenario: sc, Seed: 1}
			startRelay(t, r)
			c := newClient(t, r.Addr())
			start := time.Now()
			c.send([]byte("ping"), tt.ecn)
			_, got, ecn, err := c.recv(2 * time.Second)
			rtt := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "ping" || ecn != tt.ecn {
				t.Errorf("echo %q with ECN %d, want %q with %d", got, ecn, "ping", tt.ecn)
			}
			if rtt < 80*time.Millisecond || rtt > time.Second {
				t.Errorf("round trip %v through two 40 ms links", rtt)
			}
			s, cl := r.Stats()
			if s.Delivered != 1 || cl.Sent != 1 || s.DeliveredBytes != 4 {
				t.Errorf("stats to server %v, to client %v", s, cl)
			}
		})
	}
}

// TestRelayDropRate sends datagrams through a drop-rate relay in batches,
// pacing on the relay's decisions, and checks the loss against the model's
// closed form and the server's count against the relay's.
func TestRelayDropRate(t *testing.T) {
	const n, batch = 1000, 50
	server, received := echoServer(t, "127.0.0.1:0")
	sc, err := ParseScenario("drop-rate --delay=1ms --bandwidth=1Gbps --queue=1000 --rate_to_server=30 --rate_to_client=0 --burst_to_server=3")
	if err != nil {
		t.Fatal(err)
	}
	decided := make(chan netmodel.DropReason, n)
	r := &Relay{Server: server, Scenario: sc, Seed: 7, OnDatagram: func(toServer bool, _ *netmodel.Datagram, reason netmodel.DropReason) {
		if toServer {
			decided <- reason
		}
	}}
	startRelay(t, r)
	c := newClient(t, r.Addr())
	forwarded := 0
	for i := 0; i < n; i += batch {
		for j := range batch {
			c.send(binary.BigEndian.AppendUint32(nil, uint32(i+j)), 0)
		}
		for range batch {
			select {
			case reason := <-decided:
				if reason == netmodel.Delivered {
					forwarded++
				}
			case <-time.After(2 * time.Second):
				t.Fatalf("relay decided on %d datagrams only", i)
			}
		}
	}
	for got := 0; got < forwarded; got++ {
		select {
		case <-received:
		case <-time.After(2 * time.Second):
			t.Fatalf("server received %d of %d forwarded datagrams", got, forwarded)
		}
	}
	s, _ := r.Stats()
	loss := float64(s.Dropped[netmodel.DropLoss]) / n
	if want := 0.417 / 1.417; math.Abs(loss-want) > 0.05 {
		t.Errorf("loss %.3f, want %.3f +- 0.05 (%v)", loss, want, s)
	}
	if s.Sent != n || int(s.Sent-s.Dropped[netmodel.DropLoss]) != forwarded {
		t.Errorf("stats %v, forwarded %d", s, forwarded)
	}
}

func TestRelayRebind(t *testing.T) {
	for _, addr := range []bool{false, true} {
		name := map[bool]string{false: "port", true: "address"}[addr]
		t.Run(name, func(t *testing.T) {
			server, _ := echoServer(t, "127.0.0.1:0")
			sc := Scenario{Name: "rebind", Delay: 10 * time.Millisecond, Bandwidth: 1e9, Queue: 100,
				FirstRebind: 100 * time.Millisecond, RebindFreq: 100 * time.Millisecond, RebindAddr: addr}
			r := &Relay{Server: server, Scenario: sc, Seed: 3}
			startRelay(t, r)
			c := newClient(t, r.Addr())
			var seen []netip.AddrPort
			// Each ping takes a 20 ms round trip, so the rebinds every
			// 100 ms come after a few of them.
			for i := 0; i < 50 && (len(seen) == 0 || seen[len(seen)-1] == seen[0]); i++ {
				c.send([]byte{byte(i)}, 0)
				from, _, _, err := c.recv(200 * time.Millisecond)
				if err != nil {
					// The echo of a ping in flight at the rebind goes to
					// the retired mapping and is dropped.
					if !isTimeout(err) {
						t.Fatal(err)
					}
					continue
				}
				seen = append(seen, from)
			}
			if len(seen) < 2 || seen[0] == seen[len(seen)-1] {
				t.Fatalf("server saw %v", seen)
			}
			first, last := seen[0], seen[len(seen)-1]
			if first.Port() == last.Port() || (first.Addr() != last.Addr()) != addr || !last.Addr().IsLoopback() {
				t.Errorf("source went from %v to %v (new address: %v)", first, last, addr)
			}
		})
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestRelayRetiredMapping(t *testing.T) {
	srv, err := listenUDP(netip.MustParseAddrPort("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var pcap bytes.Buffer
	dropped := make(chan struct{}, 1)
	r := &Relay{
		Server:   srv.LocalAddr().(*net.UDPAddr).AddrPort(),
		Scenario: Scenario{Name: "simple-p2p", Bandwidth: 1e9, Queue: 10},
		Pcap:     &pcap,
		OnDatagram: func(toServer bool, _ *netmodel.Datagram, reason netmodel.DropReason) {
			if !toServer && reason == netmodel.DropNoRoute {
				dropped <- struct{}{}
			}
		},
	}
	stop := startRelay(t, r)
	c := newClient(t, r.Addr())
	buf := make([]byte, 100)
	srv.SetReadDeadline(time.Now().Add(2 * time.Second))
	c.send([]byte("a"), netmodel.ECT0)
	_, old, err := srv.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Rebind(false); err != nil {
		t.Fatal(err)
	}
	c.send([]byte("b"), 0)
	_, cur, err := srv.ReadFromUDPAddrPort(buf)
	if err != nil || cur == old {
		t.Fatalf("after the rebind the server sees %v (was %v): %v", cur, old, err)
	}
	srv.WriteToUDPAddrPort([]byte("\x00late"), old)
	select {
	case <-dropped:
	case <-time.After(2 * time.Second):
		t.Fatal("datagram to a retired mapping was not dropped")
	}
	srv.WriteToUDPAddrPort([]byte("\x00new"), cur)
	if _, got, _, err := c.recv(2 * time.Second); err != nil || string(got) != "new" {
		t.Fatalf("client got %q, %v", got, err)
	}
	stop()
	if _, toClient := r.Stats(); toClient.Dropped[netmodel.DropNoRoute] != 1 || toClient.Delivered != 1 {
		t.Errorf("to client: %v", toClient)
	}
	checkPcap(t, pcap.Bytes(), 3)
}

// checkPcap parses a pcap written by the relay and checks its headers.
func checkPcap(t *testing.T, b []byte, records int) {
	t.Helper()
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != pcapMagic || binary.LittleEndian.Uint32(b[20:]) != linkTypeRaw {
		t.Fatalf("bad pcap header %x", b[:min(len(b), 24)])
	}
	b = b[24:]
	for i := 0; i < records; i++ {
		if len(b) < 16 {
			t.Fatalf("record %d missing", i)
		}
		l := int(binary.LittleEndian.Uint32(b[8:]))
		pkt := b[16 : 16+l]
		b = b[16+l:]
		if pkt[0] != 0x45 || fold(sum(0, pkt[:20])) != 0xffff || int(binary.BigEndian.Uint16(pkt[2:])) != l || pkt[9] != 17 {
			t.Errorf("record %d: bad IPv4 header %x", i, pkt[:20])
		}
		if i == 0 && pkt[1]&3 != netmodel.ECT0 {
			t.Errorf("record %d: ECN %d", i, pkt[1]&3)
		}
		// The UDP checksum over the pseudo-header verifies to all ones.
		udp := pkt[20:]
		ps := sum(sum(0, pkt[12:20]), nil) + 17 + uint32(len(udp))
		if fold(sum(ps, udp)) != 0xffff {
			t.Errorf("record %d: bad UDP checksum", i)
		}
	}
	if len(b) != 0 {
		t.Errorf("%d trailing bytes", len(b))
	}
}
