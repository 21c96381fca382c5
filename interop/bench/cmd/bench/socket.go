package main

import (
	"net"
	"syscall"
)

// socketBufferSize is the SO_RCVBUF and SO_SNDBUF both stacks get: what
// each asks for on its own (7 MiB), forced past net.core.[rw]mem_max so
// neither depends on the sysctl or on being root.
const socketBufferSize = 7 << 20

// socketInfo is the buffer sizes the kernel granted, as getsockopt reports
// them (twice the size asked for on Linux).
type socketInfo struct {
	RecvBuffer int `json:"recv_buffer"`
	SendBuffer int `json:"send_buffer"`
}

// openUDP opens a loopback UDP socket with the same buffers for both
// stacks, so that neither gains from a larger one.
func openUDP(addr string) (*net.UDPConn, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	pc, err := net.ListenUDP("udp", ua)
	if err != nil {
		return nil, err
	}
	rc, err := pc.SyscallConn()
	if err != nil {
		pc.Close()
		return nil, err
	}
	rc.Control(func(fd uintptr) {
		setBuffer(int(fd), syscall.SO_RCVBUF, syscall.SO_RCVBUFFORCE)
		setBuffer(int(fd), syscall.SO_SNDBUF, syscall.SO_SNDBUFFORCE)
	})
	return pc, nil
}

func setBuffer(fd, opt, force int) {
	if syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, force, socketBufferSize) != nil {
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, opt, socketBufferSize)
	}
}

// inspectUDP reads the buffer sizes back, after the stack had its go at
// them.
func inspectUDP(pc *net.UDPConn) socketInfo {
	var si socketInfo
	rc, err := pc.SyscallConn()
	if err != nil {
		return si
	}
	rc.Control(func(fd uintptr) {
		si.RecvBuffer, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF)
		si.SendBuffer, _ = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF)
	})
	return si
}
