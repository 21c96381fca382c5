package sock

import (
	"net"
	"net/netip"
)

// readPlain reads one datagram with ReadFromUDPAddrPort, or ReadFrom when
// the socket is not UDP: no batching, ECN, GRO or local address.
func (c *Conn) readPlain(msgs []Message) (int, error) {
	m := &msgs[0]
	var err error
	if c.udp != nil {
		m.N, m.Addr, err = c.udp.ReadFromUDPAddrPort(m.Buf)
		m.Addr = unmapAddrPort(m.Addr)
	} else {
		var from net.Addr
		m.N, from, err = c.pc.ReadFrom(m.Buf)
		m.Addr = addrPortOf(from)
	}
	if err != nil {
		return 0, err
	}
	// Without pktinfo the local address is known only for a socket bound to
	// one address.
	m.Local, m.IfIndex, m.ECN, m.SegSize = netip.Addr{}, 0, ECNNotECT, m.N
	if a := c.local.Addr(); !a.IsUnspecified() {
		m.Local = a
	}
	c.stats.countReceived(msgs[:1])
	return 1, nil
}

// writePlain sends each datagram with its own WriteToUDPAddrPort or WriteTo.
func (c *Conn) writePlain(msgs []Message) (int, error) {
	for i := range msgs {
		m := &msgs[i]
		seg := m.SegSize
		if seg <= 0 || seg > len(m.Buf) {
			seg = len(m.Buf)
		}
		for off := 0; ; off += seg {
			end := min(off+seg, len(m.Buf))
			var err error
			if c.udp != nil {
				_, err = c.udp.WriteToUDPAddrPort(m.Buf[off:end], m.Addr)
			} else {
				_, err = c.pc.WriteTo(m.Buf[off:end], net.UDPAddrFromAddrPort(m.Addr))
			}
			if err != nil {
				return i, err
			}
			c.stats.sendCalls.Add(1)
			c.stats.datagramsSent.Add(1)
			c.stats.bytesSent.Add(uint64(end - off))
			if end >= len(m.Buf) {
				break
			}
		}
	}
	return len(msgs), nil
}
