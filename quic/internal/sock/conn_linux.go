//go:build linux

package sock

import (
	"net/netip"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// sysConn is the Linux socket state: the raw descriptor access, the family,
// and scratch space for the mmsg calls.
type sysConn struct {
	raw    bool // the system-call path is in use
	rc     syscall.RawConn
	family int // unix.AF_INET or unix.AF_INET6
	v6only bool
	rd     reader
	try    reader // TryReadBatch's, beside a parked ReadBatch
	batch  int    // mmsghdrs per reader and writer

	// Idle writers, one per concurrent write at most. A plain free list
	// rather than a sync.Pool, so that a GC never makes a send allocate.
	wmu   sync.Mutex
	wfree []*writer
}

// maxIdleWriters bounds the free list; more concurrent writers than this
// allocate and are dropped afterwards.
const maxIdleWriters = 16

func (s *sysConn) getWriter() *writer {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if n := len(s.wfree); n > 0 {
		w := s.wfree[n-1]
		s.wfree = s.wfree[:n-1]
		return w
	}
	return newWriter(s.batch)
}

func (s *sysConn) putWriter(w *writer) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if len(s.wfree) < maxIdleWriters {
		s.wfree = append(s.wfree, w)
	}
}

// setupSys configures the socket and probes each feature; a refused
// setsockopt turns the feature off rather than failing.
func (c *Conn) setupSys() error {
	rc, err := c.udp.SyscallConn()
	if err != nil {
		return nil // not a real socket: stay on the plain path
	}
	ok := false
	if err := rc.Control(func(fd uintptr) { ok = c.configure(int(fd)) }); err != nil {
		return err
	}
	if !ok {
		return nil
	}
	c.sys.raw = true
	c.sys.rc = rc
	c.sys.batch = c.opts.batchSize()
	c.sys.rd.init(c.sys.batch)
	c.sys.try.init(c.sys.batch)
	c.sys.wfree = make([]*writer, 0, maxIdleWriters)
	return nil
}

func (c *Conn) configure(fd int) bool {
	s := &c.sys
	family, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_DOMAIN)
	if err != nil || (family != unix.AF_INET && family != unix.AF_INET6) {
		return false
	}
	s.family = family
	if family == unix.AF_INET6 {
		v, err := unix.GetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY)
		s.v6only = err == nil && v != 0
	}
	// A dual-stack socket carries IPv4 traffic through the IPv4 options.
	v4 := family == unix.AF_INET || !s.v6only
	v6 := family == unix.AF_INET6
	setAll := func(opts ...[3]int) bool {
		ok := true
		for _, o := range opts {
			ok = unix.SetsockoptInt(fd, o[0], o[1], o[2]) == nil && ok
		}
		return ok
	}
	var v4ECN, v6ECN, v4Info, v6Info, v4DF, v6DF [][3]int
	if v4 {
		v4ECN = [][3]int{{unix.IPPROTO_IP, unix.IP_RECVTOS, 1}}
		v4Info = [][3]int{{unix.IPPROTO_IP, unix.IP_PKTINFO, 1}}
		// RFC 9000, 14: datagrams must not be fragmented; PROBE also
		// ignores the kernel's PMTU guess so DPLPMTUD can probe past it.
		v4DF = [][3]int{{unix.IPPROTO_IP, unix.IP_MTU_DISCOVER, unix.IP_PMTUDISC_PROBE}}
	}
	if v6 {
		v6ECN = [][3]int{{unix.IPPROTO_IPV6, unix.IPV6_RECVTCLASS, 1}}
		v6Info = [][3]int{{unix.IPPROTO_IPV6, unix.IPV6_RECVPKTINFO, 1}}
		v6DF = [][3]int{
			{unix.IPPROTO_IPV6, unix.IPV6_MTU_DISCOVER, unix.IPV6_PMTUDISC_PROBE},
			{unix.IPPROTO_IPV6, unix.IPV6_DONTFRAG, 1},
		}
	}
	if size := c.opts.bufferSize(); size > 0 {
		c.caps.RecvBuffer = raiseBuffer(fd, unix.SO_RCVBUF, unix.SO_RCVBUFFORCE, size)
		c.caps.SendBuffer = raiseBuffer(fd, unix.SO_SNDBUF, unix.SO_SNDBUFFORCE, size)
	} else {
		c.caps.RecvBuffer, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		c.caps.SendBuffer, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF)
	}
	if !c.opts.DisableECN {
		c.caps.ECN = setAll(append(v4ECN, v6ECN...)...)
	}
	c.caps.PktInfo = setAll(append(v4Info, v6Info...)...)
	c.caps.DF = setAll(append(v4DF, v6DF...)...)
	if !c.opts.DisableGSO {
		// Kernels with GSO (4.18+) answer this getsockopt.
		_, err := unix.GetsockoptInt(fd, unix.IPPROTO_UDP, unix.UDP_SEGMENT)
		c.caps.GSO = err == nil
	}
	if !c.opts.DisableGRO {
		c.caps.GRO = unix.SetsockoptInt(fd, unix.IPPROTO_UDP, unix.UDP_GRO, 1) == nil
	}
	c.caps.Batch = !c.opts.DisableBatch
	return true
}

// raiseBuffer asks for size bytes, forcing past the sysctl limit when
// privileged, and never shrinks the buffer. It returns what getsockopt then
// reports.
func raiseBuffer(fd, opt, forceOpt, size int) int {
	// The kernel doubles the request and reports the doubled value.
	if cur, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, opt); err == nil && cur >= 2*size {
		return cur
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, opt, size)
	if cur, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, opt); err == nil && cur >= 2*size {
		return cur
	}
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, forceOpt, size)
	cur, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, opt)
	return cur
}

// checkFamily rejects an IPv6 destination on an IPv4 socket.
func (c *Conn) checkFamily(a netip.Addr) error {
	if c.sys.raw && c.sys.family == unix.AF_INET && !a.Unmap().Is4() {
		return errFamily
	}
	return nil
}

func (c *Conn) readBatch(msgs []Message) (int, error) {
	if c.sys.raw {
		return c.readSys(msgs)
	}
	return c.readPlain(msgs)
}

func (c *Conn) tryReadBatch(msgs []Message) (int, error) {
	if c.sys.raw {
		return c.tryReadSys(msgs)
	}
	return 0, nil
}

func (c *Conn) writeBatch(msgs []Message) (int, error) {
	if c.sys.raw {
		return c.writeSys(msgs)
	}
	return c.writePlain(msgs)
}

func (c *Conn) writeOne(m *Message) error {
	if c.sys.raw {
		return c.writeOneSys(m)
	}
	_, err := c.writePlain([]Message{*m})
	return err
}
