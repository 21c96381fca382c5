//go:build !linux

package sock

import "net/netip"

// sysConn is empty: other systems use the portable path, one datagram per
// call with no ECN, GSO, GRO or local address.
type sysConn struct{}

func (c *Conn) setupSys() error { return nil }

func (c *Conn) checkFamily(netip.Addr) error { return nil }

func (c *Conn) readBatch(msgs []Message) (int, error) { return c.readPlain(msgs) }

// tryReadBatch has nothing to offer without the system-call path: the
// portable read always waits.
func (c *Conn) tryReadBatch([]Message) (int, error) { return 0, nil }

func (c *Conn) writeBatch(msgs []Message) (int, error) { return c.writePlain(msgs) }

func (c *Conn) writeOne(m *Message) error {
	_, err := c.writePlain([]Message{*m})
	return err
}
