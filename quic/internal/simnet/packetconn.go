package simnet

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

// PacketConn is a net.PacketConn on a Hub, with ECN-aware read and write
// methods for the socket layer.
type PacketConn struct {
	hub    *Hub
	local  netip.AddrPort
	public netip.AddrPort // guarded by hub.mu

	// guarded by hub.mu
	pending netmodel.Schedule[flight]
	timer   *time.Timer

	inbox     chan Datagram
	closed    chan struct{}
	closeOnce sync.Once
	rd, wd    deadline
}

var _ net.PacketConn = (*PacketConn)(nil)

// schedule queues f for arrival; hub.mu is held.
func (c *PacketConn) schedule(at time.Duration, f flight, now time.Duration) {
	c.pending.Push(at, f)
	if at > now {
		c.arm(now)
		return
	}
	c.deliverDue(now)
}

// arm sets the timer for the earliest pending arrival; hub.mu is held.
func (c *PacketConn) arm(now time.Duration) {
	at, _, ok := c.pending.Peek()
	if !ok {
		return
	}
	wait := at - now
	if c.timer == nil {
		c.timer = time.AfterFunc(wait, func() { c.hub.arrive(c) })
	} else {
		c.timer.Reset(wait)
	}
}

// deliverDue moves arrived datagrams, in (time, sequence) order, into the
// inbox; hub.mu is held.
func (c *PacketConn) deliverDue(now time.Duration) {
	for {
		at, _, ok := c.pending.Peek()
		if !ok || at > now {
			break
		}
		_, f := c.pending.Pop()
		r, ok := c.hub.routes[f.d.To]
		if !ok || r.conn != c {
			f.link.CountDrop(netmodel.DropNoRoute)
			continue
		}
		f.d.To = c.local
		select {
		case <-c.closed:
			f.link.CountDrop(netmodel.DropNoRoute)
		case c.inbox <- f.d:
			f.link.CountDelivered(&f.d)
		default:
			f.link.CountDrop(netmodel.DropOverflow)
		}
	}
	c.arm(now)
}

// ReadDatagram reads one datagram into b (truncating it if b is short) and
// returns its length, ECN mark and source.
func (c *PacketConn) ReadDatagram(b []byte) (n int, ecn uint8, from netip.AddrPort, err error) {
	select {
	case <-c.closed:
		return 0, 0, from, c.opError("read", net.ErrClosed)
	case <-c.rd.done():
		return 0, 0, from, c.opError("read", os.ErrDeadlineExceeded)
	default:
	}
	select {
	case d := <-c.inbox:
		return copy(b, d.Data), d.ECN, d.From, nil
	case <-c.closed:
		return 0, 0, from, c.opError("read", net.ErrClosed)
	case <-c.rd.done():
		return 0, 0, from, c.opError("read", os.ErrDeadlineExceeded)
	}
}

// WriteDatagram sends b to addr with the given ECN mark. It never blocks.
func (c *PacketConn) WriteDatagram(b []byte, ecn uint8, to netip.AddrPort) (int, error) {
	select {
	case <-c.closed:
		return 0, c.opError("write", net.ErrClosed)
	case <-c.wd.done():
		return 0, c.opError("write", os.ErrDeadlineExceeded)
	default:
	}
	c.hub.send(c, Datagram{To: to, ECN: ecn & 3, Data: append([]byte(nil), b...)})
	return len(b), nil
}

// ReadFromUDPAddrPort reads a datagram as (*net.UDPConn).ReadFromUDPAddrPort.
func (c *PacketConn) ReadFromUDPAddrPort(b []byte) (int, netip.AddrPort, error) {
	n, _, from, err := c.ReadDatagram(b)
	return n, from, err
}

// WriteToUDPAddrPort writes a datagram as (*net.UDPConn).WriteToUDPAddrPort.
func (c *PacketConn) WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error) {
	return c.WriteDatagram(b, 0, addr)
}

// ReadFrom implements net.PacketConn.
func (c *PacketConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, _, from, err := c.ReadDatagram(b)
	if err != nil {
		return 0, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// WriteTo implements net.PacketConn; addr must be a *net.UDPAddr.
func (c *PacketConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, c.opError("write", net.InvalidAddrError("not a UDP address"))
	}
	return c.WriteDatagram(b, 0, ua.AddrPort())
}

// Close closes the conn and unblocks its readers.
func (c *PacketConn) Close() error {
	first := false
	c.closeOnce.Do(func() { first = true; close(c.closed) })
	if !first {
		return c.opError("close", net.ErrClosed)
	}
	c.rd.stop()
	c.wd.stop()
	h := c.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	for a, r := range h.routes {
		if r.conn == c {
			delete(h.routes, a)
		}
	}
	if c.timer != nil {
		c.timer.Stop()
	}
	c.pending.Clear()
	return nil
}

// LocalAddr implements net.PacketConn.
func (c *PacketConn) LocalAddr() net.Addr { return net.UDPAddrFromAddrPort(c.local) }

// SetDeadline implements net.PacketConn.
func (c *PacketConn) SetDeadline(t time.Time) error {
	c.rd.set(t)
	c.wd.set(t)
	return nil
}

// SetReadDeadline implements net.PacketConn.
func (c *PacketConn) SetReadDeadline(t time.Time) error {
	c.rd.set(t)
	return nil
}

// SetWriteDeadline implements net.PacketConn.
func (c *PacketConn) SetWriteDeadline(t time.Time) error {
	c.wd.set(t)
	return nil
}

func (c *PacketConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "udp", Addr: net.UDPAddrFromAddrPort(c.local), Err: err}
}
