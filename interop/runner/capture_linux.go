package runner

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/quicr/quicr/quic/quicdump"
)

// A capture point records the UDP datagrams crossing one interface, like
// the dumpcap instances on the simulator's two interfaces. It uses an
// AF_PACKET socket with virtio-net headers, so that GSO super-datagrams
// (which loopback passes unsegmented) are split into the datagrams the
// receiver reads.
type capture struct {
	fd       int
	loopback bool // skip the outgoing copy loopback also delivers inbound
	classify classifier
	done     chan struct{}

	mu    sync.Mutex
	stop  bool
	legs  [2][]quicdump.Datagram // 0: client side, 1: server side
	err   error
	drops int
}

// classifier assigns a datagram to a leg (0 client side, 1 server side)
// and direction, or rejects it.
type classifier func(src, dst netip.AddrPort) (leg int, toServer, ok bool)

// virtio_net_hdr (include/uapi/linux/virtio_net.h) fields used here.
const (
	vnetHdrLen     = 10
	ethHdrLen      = 14
	vnetGSOUDPL4   = 5 // VIRTIO_NET_HDR_GSO_UDP_L4
	captureTimeout = 50 * time.Millisecond
)

// startCapture opens a capture on the interface ifname of the network
// namespace at netns ("" for the runner's own).
func startCapture(netns, ifname string, classify classifier) (*capture, error) {
	c := &capture{fd: -1, classify: classify, done: make(chan struct{}), loopback: ifname == "lo"}
	err := inNetns(netns, func() error {
		ifi, err := net.InterfaceByName(ifname)
		if err != nil {
			return err
		}
		proto := int(htons(unix.ETH_P_ALL))
		fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
		if err != nil {
			return fmt.Errorf("AF_PACKET socket: %w", err)
		}
		c.fd = fd
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VNET_HDR, 1); err != nil {
			return fmt.Errorf("PACKET_VNET_HDR: %w", err)
		}
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 64<<20)
		tv := unix.NsecToTimeval(captureTimeout.Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return err
		}
		return unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index})
	})
	if err != nil {
		if c.fd >= 0 {
			unix.Close(c.fd)
		}
		return nil, err
	}
	go c.read()
	return c, nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (c *capture) read() {
	defer close(c.done)
	buf := make([]byte, vnetHdrLen+65536+128)
	for {
		c.mu.Lock()
		stop := c.stop
		c.mu.Unlock()
		if stop {
			return
		}
		n, from, err := unix.Recvfrom(c.fd, buf, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue
			}
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		now := time.Now()
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && c.loopback && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		c.packet(now, buf[:n])
	}
}

// packet parses one captured IP packet (after its virtio-net header).
func (c *capture) packet(now time.Time, b []byte) {
	if len(b) < vnetHdrLen {
		return
	}
	gsoType, gsoSize := b[1], int(binary.LittleEndian.Uint16(b[4:]))
	b = b[vnetHdrLen:]
	// Loopback and veth frames carry an Ethernet header.
	if len(b) < ethHdrLen {
		return
	}
	if et := binary.BigEndian.Uint16(b[12:]); et != 0x0800 && et != 0x86dd {
		return
	}
	b = b[ethHdrLen:]
	src, dst, ecn, payload, ok := parseIPUDP(b)
	if !ok {
		return
	}
	leg, toServer, ok := c.classify(src, dst)
	if !ok {
		return
	}
	seg := len(payload)
	if gsoType&0x7f == vnetGSOUDPL4 && gsoSize > 0 {
		seg = gsoSize
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(payload) > 0 {
		n := min(seg, len(payload))
		d := quicdump.Datagram{Time: now, ToServer: toServer, Src: src, Dst: dst, ECN: ecn, Data: append([]byte(nil), payload[:n]...)}
		c.legs[leg] = append(c.legs[leg], d)
		payload = payload[n:]
	}
}

// parseIPUDP reads the addresses, ECN bits and UDP payload of an IPv4 or
// IPv6 packet (without extension headers).
func parseIPUDP(b []byte) (src, dst netip.AddrPort, ecn uint8, payload []byte, ok bool) {
	if len(b) < 1 {
		return
	}
	var udp []byte
	var sa, da netip.Addr
	switch b[0] >> 4 {
	case 4:
		ihl := int(b[0]&0x0f) * 4
		if len(b) < 20 || ihl < 20 || len(b) < ihl+8 || b[9] != unix.IPPROTO_UDP {
			return
		}
		if binary.BigEndian.Uint16(b[6:])&0x3fff != 0 {
			return // a fragment
		}
		ecn = b[1] & 3
		sa, da = netip.AddrFrom4([4]byte(b[12:16])), netip.AddrFrom4([4]byte(b[16:20]))
		udp = b[ihl:]
	case 6:
		if len(b) < 48 || b[6] != unix.IPPROTO_UDP {
			return
		}
		ecn = (b[1] >> 4) & 3
		sa, da = netip.AddrFrom16([16]byte(b[8:24])), netip.AddrFrom16([16]byte(b[24:40]))
		udp = b[40:]
	default:
		return
	}
	src = netip.AddrPortFrom(sa, binary.BigEndian.Uint16(udp[0:]))
	dst = netip.AddrPortFrom(da, binary.BigEndian.Uint16(udp[2:]))
	return src, dst, ecn, udp[8:], true
}

// Stop ends the capture and returns the datagrams of both legs.
func (c *capture) Stop() (clientSide, serverSide []quicdump.Datagram, err error) {
	c.mu.Lock()
	c.stop = true
	c.mu.Unlock()
	<-c.done
	unix.Close(c.fd)
	return c.legs[0], c.legs[1], c.err
}
