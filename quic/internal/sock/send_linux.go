//go:build linux

package sock

import (
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// writer is the scratch space of one sendmmsg call. Writers come from a
// free list so that concurrent senders never share one and a send allocates
// nothing.
type writer struct {
	hdrs  []unix.Mmsghdr
	iovs  []unix.Iovec
	names []unix.RawSockaddrInet6
	oob   []byte
	ents  []sendEntry
	one   [1]Message

	// Arguments and results of doWrite, which runs inside RawConn.Write.
	count int
	batch bool
	sent  int
	errno syscall.Errno
	fn    func(fd uintptr) bool
}

// sendEntry maps one mmsghdr back to the bytes [off, end) of a message.
type sendEntry struct {
	msg, off, end, segs int
	gso                 bool
}

func newWriter(batch int) *writer {
	w := &writer{
		hdrs:  make([]unix.Mmsghdr, batch),
		iovs:  make([]unix.Iovec, batch),
		names: make([]unix.RawSockaddrInet6, batch),
		oob:   make([]byte, batch*sendControlSpace),
		ents:  make([]sendEntry, batch),
	}
	w.fn = w.doWrite
	return w
}

// doWrite makes one sendmmsg (or sendmsg) call; false asks the runtime
// poller to wait until the socket is writable. A raw system call: see
// reader.doRead.
func (w *writer) doWrite(fd uintptr) bool {
	for {
		var n uintptr
		var e syscall.Errno
		if w.batch {
			n, _, e = unix.RawSyscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&w.hdrs[0])), uintptr(w.count), 0, 0, 0)
		} else {
			_, _, e = unix.RawSyscall(unix.SYS_SENDMSG, fd, uintptr(unsafe.Pointer(&w.hdrs[0].Hdr)), 0)
			n = 1
		}
		switch e {
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		case 0:
			w.sent, w.errno = int(n), 0
		default:
			w.sent, w.errno = 0, e
		}
		return true
	}
}

func (c *Conn) writeSys(msgs []Message) (int, error) {
	w := c.sys.getWriter()
	n, err := c.writeWith(w, msgs)
	c.sys.putWriter(w)
	return n, err
}

func (c *Conn) writeOneSys(m *Message) error {
	w := c.sys.getWriter()
	w.one[0] = *m
	_, err := c.writeWith(w, w.one[:])
	w.one[0] = Message{} // drop the reference to the caller's buffer
	c.sys.putWriter(w)
	return err
}

// writeWith sends msgs through w, resuming after partial sends and turning
// GSO or batching off when the kernel refuses them.
func (c *Conn) writeWith(w *writer, msgs []Message) (int, error) {
	msg, off := 0, 0
	// suspect is set after a GSO send failed in a way GSO can cause; the
	// same bytes are then sent unsegmented, and only if that works is GSO
	// to blame (a bad source address fails both ways).
	suspect := false
	for msg < len(msgs) {
		w.batch = c.batch.Load()
		c.fill(w, msgs, msg, off, c.gso.Load() && !suspect)
		if err := c.sys.rc.Write(w.fn); err != nil {
			return msg, err
		}
		if w.sent > 0 {
			if suspect {
				suspect = false
				if c.gso.CompareAndSwap(true, false) {
					c.stats.fallbacks.Add(1)
				}
			}
			c.countSent(w.ents[:w.sent])
			last := &w.ents[w.sent-1]
			msg, off = last.msg, last.end
			if last.end >= len(msgs[last.msg].Buf) {
				msg, off = last.msg+1, 0
			}
		}
		if w.errno == 0 {
			continue
		}
		failed := &w.ents[w.sent]
		switch {
		case failed.gso && (w.errno == unix.EIO || w.errno == unix.EINVAL):
			// EIO: the device cannot checksum, so cannot segment (as with
			// "ethtool -K tx off"); EINVAL: the kernel refuses this
			// segmentation (quic-go's isGSOError).
			suspect = true
		case w.batch && w.errno == unix.ENOSYS:
			// No sendmmsg (Linux < 3.0): one datagram per call.
			if c.batch.CompareAndSwap(true, false) {
				c.stats.fallbacks.Add(1)
			}
		default:
			name := "sendmsg"
			if w.batch {
				name = "sendmmsg"
			}
			return msg, os.NewSyscallError(name, w.errno)
		}
	}
	return len(msgs), nil
}

// fill builds up to one batch of mmsghdrs starting at byte off of
// msgs[msg]. A GSO entry carries up to MaxGSOSegments datagrams and at most
// one IP packet's worth of bytes.
func (c *Conn) fill(w *writer, msgs []Message, msg, off int, gso bool) {
	limit := len(w.hdrs)
	if !w.batch {
		limit = 1
	}
	k := 0
	for ; k < limit && msg < len(msgs); k++ {
		m := &msgs[msg]
		n := len(m.Buf)
		dst4 := m.Addr.Addr().Unmap().Is4()
		seg := m.SegSize
		if seg <= 0 || seg >= n {
			seg = max(n, 1)
		}
		end, segs := min(off+seg, n), 1
		if gso && seg < n {
			per := min(MaxGSOSegments, maxGSOBytes(dst4)/seg)
			end = min(off+per*seg, n)
			segs = (end - off + seg - 1) / seg
		}
		e := &w.ents[k]
		*e = sendEntry{msg: msg, off: off, end: end, segs: segs, gso: segs > 1}

		h := &w.hdrs[k]
		iov := &w.iovs[k]
		iov.Base = nil
		if end > off {
			iov.Base = &m.Buf[off]
		}
		iov.SetLen(end - off)
		h.Hdr.Name = (*byte)(unsafe.Pointer(&w.names[k]))
		h.Hdr.Namelen = encodeSockaddr(&w.names[k], c.sys.family, m.Addr)
		h.Hdr.Iov = iov
		h.Hdr.SetIovlen(1)
		gsoSize, ecn := 0, ECNNotECT
		if e.gso {
			gsoSize = seg
		}
		if c.caps.ECN {
			ecn = m.ECN
		}
		oob := w.oob[k*sendControlSpace : (k+1)*sendControlSpace]
		oobLen := putSendControl(oob, dst4, gsoSize, ecn, m.Local, m.IfIndex)
		h.Hdr.Control = nil
		if oobLen > 0 {
			h.Hdr.Control = &oob[0]
		}
		h.Hdr.SetControllen(oobLen)
		h.Hdr.Flags = 0
		h.Len = 0

		off = end
		if off >= n {
			msg, off = msg+1, 0
		}
	}
	w.count = k
}

// maxGSOBytes is the most payload one UDP packet can carry: 65535 bytes of
// IP packet minus the IP and UDP headers.
func maxGSOBytes(dst4 bool) int {
	if dst4 {
		return 1<<16 - 1 - 20 - 8
	}
	return 1<<16 - 1 - 40 - 8
}

func (c *Conn) countSent(ents []sendEntry) {
	var dgrams, bytes, gsoSends, gsoSegs uint64
	for i := range ents {
		e := &ents[i]
		dgrams += uint64(e.segs)
		bytes += uint64(e.end - e.off)
		if e.gso {
			gsoSends++
			gsoSegs += uint64(e.segs)
		}
	}
	c.stats.sendCalls.Add(1)
	c.stats.datagramsSent.Add(dgrams)
	c.stats.bytesSent.Add(bytes)
	if gsoSends > 0 {
		c.stats.gsoSends.Add(gsoSends)
		c.stats.gsoSegments.Add(gsoSegs)
	}
}
