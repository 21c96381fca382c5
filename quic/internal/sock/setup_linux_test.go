//go:build linux

package sock

import (
	"net"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSocketOptions checks the options set at setup: DF with the kernel's
// PMTU ignored, so DPLPMTUD probes are neither fragmented nor clamped
// (RFC 9000, 14; RFC 8899, 3).
func TestSocketOptions(t *testing.T) {
	type opt struct{ level, name, want int }
	v4 := []opt{
		{unix.IPPROTO_IP, unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_PROBE},
		{unix.IPPROTO_IP, unix.IP_RECVTOS, 1},
		{unix.IPPROTO_IP, unix.IP_PKTINFO, 1},
		{unix.IPPROTO_UDP, unix.UDP_GRO, 1},
	}
	v6 := []opt{
		{unix.IPPROTO_IPV6, unix.IPV6_MTU_DISCOVER, unix.IPV6_PMTUDISC_PROBE},
		{unix.IPPROTO_IPV6, unix.IPV6_DONTFRAG, 1},
		{unix.IPPROTO_IPV6, unix.IPV6_RECVTCLASS, 1},
		{unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO, 1},
	}
	tests := []struct {
		network, bind string
		opts          []opt
		v6            bool
	}{
		{"udp4", "127.0.0.1:0", v4, false},
		{"udp6", "[::1]:0", v6, true},
		{"udp", "[::]:0", append(append([]opt(nil), v4...), v6...), true},
	}
	for _, tt := range tests {
		t.Run(tt.network, func(t *testing.T) {
			if tt.v6 {
				ipv6Loopback(t)
			}
			c := listen(t, tt.network, tt.bind, Options{})
			if caps := c.Caps(); !caps.DF || !caps.PktInfo || !caps.ECN {
				t.Fatalf("caps %+v", caps)
			}
			rc, err := c.PacketConn().(*net.UDPConn).SyscallConn()
			if err != nil {
				t.Fatal(err)
			}
			rc.Control(func(fd uintptr) {
				for _, o := range tt.opts {
					if v, err := unix.GetsockoptInt(int(fd), o.level, o.name); err != nil || v != o.want {
						t.Errorf("option %d/%d = %d, %v; want %d", o.level, o.name, v, err, o.want)
					}
				}
			})
		})
	}
}

// TestBuffers checks that the buffer sizes reported are the kernel's and
// at least what an unprivileged request can get.
func TestBuffers(t *testing.T) {
	readMax := func(name string) int {
		b, err := os.ReadFile("/proc/sys/net/core/" + name)
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	const size = 3 << 20
	c := listen(t, "udp4", "127.0.0.1:0", Options{BufferSize: size})
	d := listen(t, "udp4", "127.0.0.1:0", Options{BufferSize: -1})
	rc, err := c.PacketConn().(*net.UDPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var rcv, snd int
	if err := rc.Control(func(fd uintptr) {
		rcv, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF)
		snd, _ = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_SNDBUF)
	}); err != nil {
		t.Fatal(err)
	}
	caps := c.Caps()
	if caps.RecvBuffer != rcv || caps.SendBuffer != snd {
		t.Fatalf("reported %d/%d, kernel says %d/%d", caps.RecvBuffer, caps.SendBuffer, rcv, snd)
	}
	// SO_RCVBUF alone gets min(size, rmem_max), doubled; FORCE gets size.
	if want := 2 * min(size, readMax("rmem_max")); rcv < want {
		t.Errorf("receive buffer %d, want at least %d", rcv, want)
	}
	if want := 2 * min(size, readMax("wmem_max")); snd < want {
		t.Errorf("send buffer %d, want at least %d", snd, want)
	}
	if dc := d.Caps(); dc.RecvBuffer <= 0 || dc.RecvBuffer > rcv {
		t.Errorf("untouched buffer reported as %d", dc.RecvBuffer)
	}
}
