//go:build linux

package netem

import (
	"encoding/binary"
	"net"
	"unsafe"

	"golang.org/x/sys/unix"
)

// oobSize returns room for the one TOS or traffic class control message
// we ask for.
func oobSize() int { return unix.CmsgSpace(4) }

// enableECN asks the kernel to report each datagram's TOS (IPv4) or
// traffic class (IPv6) byte, which carries the ECN bits (RFC 3168, 5).
// x/net/ipv4's control messages have no TOS field, hence x/sys/unix.
func enableECN(c *net.UDPConn, v6 bool) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		if v6 {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_RECVTCLASS, 1)
		} else {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_RECVTOS, 1)
		}
	})
	if err != nil {
		return err
	}
	return serr
}

// parseECN finds the ECN bits in a received datagram's control messages.
func parseECN(oob []byte) uint8 {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return 0
	}
	for _, m := range msgs {
		switch {
		case m.Header.Level == unix.IPPROTO_IP && m.Header.Type == unix.IP_TOS && len(m.Data) >= 1:
			return m.Data[0] & 3
		case m.Header.Level == unix.IPPROTO_IPV6 && m.Header.Type == unix.IPV6_TCLASS && len(m.Data) >= 4:
			return uint8(binary.NativeEndian.Uint32(m.Data)) & 3
		}
	}
	return 0
}

// ecnOOB returns the control message that sends a datagram with the given
// ECN bits, or nil for Not-ECT.
func ecnOOB(ecn uint8, v6 bool) []byte {
	if ecn == 0 {
		return nil
	}
	b := make([]byte, unix.CmsgSpace(4))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	if v6 {
		h.Level, h.Type = unix.IPPROTO_IPV6, unix.IPV6_TCLASS
	} else {
		h.Level, h.Type = unix.IPPROTO_IP, unix.IP_TOS
	}
	h.SetLen(unix.CmsgLen(4))
	binary.NativeEndian.PutUint32(b[unix.CmsgLen(0):], uint32(ecn&3))
	return b
}
