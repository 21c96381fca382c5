//go:build linux

package sock

import (
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Control buffer space per message: on receive TOS or TCLASS, pktinfo and
// UDP_GRO; on send UDP_SEGMENT, TOS or TCLASS and pktinfo. A multiple of 8
// keeps every message's buffer aligned.
const (
	recvControlSpace = 128
	sendControlSpace = 128
)

// control is what the receive control messages say about a datagram.
type control struct {
	ecn     uint8
	local   netip.Addr
	ifIndex int
	segSize int
}

// cmsgHeaderLen is the aligned header size, where a message's data starts
// (CMSG_LEN(0); Linux aligns control messages to the pointer size).
const cmsgHeaderLen = (unix.SizeofCmsghdr + unix.SizeofPtr - 1) &^ (unix.SizeofPtr - 1)

// getCmsgHeader decodes a struct cmsghdr, whose cmsg_len is a size_t.
func getCmsgHeader(b []byte) (length uint64, level, typ int32) {
	if unix.SizeofCmsghdr == 16 {
		length = binary.NativeEndian.Uint64(b)
		return length, int32(binary.NativeEndian.Uint32(b[8:])), int32(binary.NativeEndian.Uint32(b[12:]))
	}
	length = uint64(binary.NativeEndian.Uint32(b))
	return length, int32(binary.NativeEndian.Uint32(b[4:])), int32(binary.NativeEndian.Uint32(b[8:]))
}

// putCmsg writes a control message header for dataLen bytes of data at the
// start of b and returns the data part and the space the message takes.
// b must hold unix.CmsgSpace(dataLen) bytes.
func putCmsg(b []byte, level, typ int32, dataLen int) (data []byte, space int) {
	length := unix.CmsgLen(dataLen)
	if unix.SizeofCmsghdr == 16 {
		binary.NativeEndian.PutUint64(b, uint64(length))
		binary.NativeEndian.PutUint32(b[8:], uint32(level))
		binary.NativeEndian.PutUint32(b[12:], uint32(typ))
	} else {
		binary.NativeEndian.PutUint32(b, uint32(length))
		binary.NativeEndian.PutUint32(b[4:], uint32(level))
		binary.NativeEndian.PutUint32(b[8:], uint32(typ))
	}
	space = unix.CmsgSpace(dataLen)
	clear(b[length:space])
	return b[cmsgHeaderLen:length], space
}

// parseControl reads the receive control messages the kernel wrote. It
// never panics: a malformed message ends the walk.
func parseControl(b []byte) (ctl control) {
	for len(b) >= cmsgHeaderLen {
		length, level, typ := getCmsgHeader(b)
		if length < uint64(cmsgHeaderLen) || length > uint64(len(b)) {
			break
		}
		data := b[cmsgHeaderLen:length]
		switch {
		case level == unix.IPPROTO_IP && typ == unix.IP_TOS && len(data) >= 1:
			ctl.ecn = data[0] & 0b11
		case level == unix.IPPROTO_IPV6 && typ == unix.IPV6_TCLASS && len(data) >= 4:
			ctl.ecn = uint8(binary.NativeEndian.Uint32(data)) & 0b11
		case level == unix.IPPROTO_IP && typ == unix.IP_PKTINFO && len(data) >= unix.SizeofInet4Pktinfo:
			// struct in_pktinfo: ifindex, spec_dst, then addr, the header's
			// destination address.
			ctl.ifIndex = int(int32(binary.NativeEndian.Uint32(data)))
			ctl.local = netip.AddrFrom4([4]byte(data[8:12]))
		case level == unix.IPPROTO_IPV6 && typ == unix.IPV6_PKTINFO && len(data) >= unix.SizeofInet6Pktinfo:
			// struct in6_pktinfo: addr, then ifindex.
			ctl.local = netip.AddrFrom16([16]byte(data[:16])).Unmap()
			ctl.ifIndex = int(binary.NativeEndian.Uint32(data[16:]))
		case level == unix.IPPROTO_UDP && typ == unix.UDP_GRO && len(data) >= 4:
			ctl.segSize = int(int32(binary.NativeEndian.Uint32(data)))
		}
		next := unix.CmsgSpace(int(length) - cmsgHeaderLen)
		if next >= len(b) {
			break
		}
		b = b[next:]
	}
	return ctl
}

// putSendControl writes the control messages for one send into b and
// returns their length: UDP_SEGMENT when segSize > 0, the ECN codepoint
// when ecn != 0, and pktinfo when local is valid. IPv4 destinations use the
// IPv4 options even on an IPv6 socket, where the kernel takes the IPv4 path.
func putSendControl(b []byte, dst4 bool, segSize int, ecn uint8, local netip.Addr, ifIndex int) int {
	n := 0
	if segSize > 0 {
		data, space := putCmsg(b[n:], unix.IPPROTO_UDP, unix.UDP_SEGMENT, 2)
		binary.NativeEndian.PutUint16(data, uint16(segSize))
		n += space
	}
	if ecn != ECNNotECT {
		level, typ := int32(unix.IPPROTO_IPV6), int32(unix.IPV6_TCLASS)
		if dst4 {
			level, typ = unix.IPPROTO_IP, unix.IP_TOS
		}
		data, space := putCmsg(b[n:], level, typ, 4)
		binary.NativeEndian.PutUint32(data, uint32(ecn&0b11))
		n += space
	}
	if local.IsValid() {
		if dst4 {
			data, space := putCmsg(b[n:], unix.IPPROTO_IP, unix.IP_PKTINFO, unix.SizeofInet4Pktinfo)
			binary.NativeEndian.PutUint32(data, uint32(int32(ifIndex)))
			a := local.Unmap().As4()
			copy(data[4:8], a[:]) // spec_dst: the source address to use
			clear(data[8:12])
			n += space
		} else {
			data, space := putCmsg(b[n:], unix.IPPROTO_IPV6, unix.IPV6_PKTINFO, unix.SizeofInet6Pktinfo)
			a := local.As16()
			copy(data, a[:])
			binary.NativeEndian.PutUint32(data[16:], uint32(ifIndex))
			n += space
		}
	}
	return n
}

// decodeSockaddr converts the source address the kernel wrote, unmapping
// IPv4-mapped IPv6 addresses.
func decodeSockaddr(sa *unix.RawSockaddrInet6) netip.AddrPort {
	switch sa.Family {
	case unix.AF_INET:
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		return netip.AddrPortFrom(netip.AddrFrom4(sa4.Addr), portFrom(&sa4.Port))
	case unix.AF_INET6:
		a := netip.AddrFrom16(sa.Addr).Unmap()
		if sa.Scope_id != 0 && a.Is6() {
			a = a.WithZone(strconv.FormatUint(uint64(sa.Scope_id), 10))
		}
		return netip.AddrPortFrom(a, portFrom(&sa.Port))
	}
	return netip.AddrPort{}
}

// encodeSockaddr writes ap as a sockaddr of the socket's family (IPv4
// destinations become IPv4-mapped on an IPv6 socket) and returns its size.
func encodeSockaddr(sa *unix.RawSockaddrInet6, family int, ap netip.AddrPort) uint32 {
	if family == unix.AF_INET {
		sa4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		*sa4 = unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: ap.Addr().Unmap().As4()}
		putPort(&sa4.Port, ap.Port())
		return unix.SizeofSockaddrInet4
	}
	*sa = unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: ap.Addr().As16(), Scope_id: scopeID(ap.Addr().Zone())}
	putPort(&sa.Port, ap.Port())
	return unix.SizeofSockaddrInet6
}

// scopeID maps a zone (numeric, as decodeSockaddr writes it, or an interface
// name) to an interface index.
func scopeID(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if id, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(id)
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// Ports in a sockaddr are in network byte order.
func portFrom(p *uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(p))
	return binary.BigEndian.Uint16(b[:])
}

func putPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	binary.BigEndian.PutUint16(b[:], port)
}
