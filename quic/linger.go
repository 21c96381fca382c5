package quic

import (
	"net"
	"time"

	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// A connection that has closed waits three PTOs before it is forgotten,
// answering the packets that still arrive with CONNECTION_CLOSE (RFC 9000,
// 10.2). It waits without its driver goroutine: the endpoint's reader
// handles those few datagrams itself, and a timer ends the wait. A server
// that ends thousands of connections a second otherwise keeps hundreds of
// parked drivers, each a stack that every garbage collection scans; with
// them gone, handshakes in parallel cost 3% less CPU.

// startLingering hands c over from its driver, which then exits. Called
// with c.mu held, once the core reports Lingering. It reports false, and
// the driver goes on, if the endpoint is closing (the driver's shutdown
// path ends c at once).
func (c *Conn) startLingering() bool {
	select {
	case <-c.ep.closing:
		return false
	default:
	}
	c.inbox.mu.Lock()
	c.inbox.lingering = true
	queued := c.inbox.items
	c.inbox.items = nil
	c.inbox.mu.Unlock()
	if len(queued) > 0 {
		now := c.ep.now()
		for _, in := range queued {
			c.core.HandleDatagram(now, in.d)
			c.ep.putBuf(in.buf)
		}
		c.flush(now)
		c.processEvents()
	}
	c.ep.wg.Add(1)
	c.lingerTimer = time.AfterFunc(c.lingerDelay(), c.lingerExpired)
	c.ep.mu.Lock()
	hook := c.ep.hooks.lingering
	c.ep.mu.Unlock()
	if hook != nil {
		hook(c)
	}
	return true
}

// lingerDelay is the time until the core's deadline. Called with c.mu held.
func (c *Conn) lingerDelay() time.Duration {
	next := c.core.NextTimeout()
	if next == protocol.Never {
		return time.Hour
	}
	return max(time.Duration(next-c.ep.now()), 0)
}

// lingerReceive handles a datagram for a lingering connection, on the
// endpoint's reader.
func (c *Conn) lingerReceive(d core.Datagram) {
	c.mu.Lock()
	if !c.drained {
		now := c.ep.now()
		c.core.HandleDatagram(now, d)
		c.flush(now)
		c.processEvents()
	}
	c.mu.Unlock()
	if hook := c.ep.hooks.lingerReceived; hook != nil {
		hook(c, d)
	}
}

// lingerExpired runs when the wait should be over.
func (c *Conn) lingerExpired() {
	defer c.ep.wg.Done()
	c.mu.Lock()
	if c.lingerTimer == nil { // ended by stopLingering
		c.mu.Unlock()
		return
	}
	select {
	case <-c.ep.closing:
		c.endLingering()
	default:
		now := c.ep.now()
		if c.core.NextTimeout() <= now {
			c.core.HandleTimeout(now)
		}
		c.processEvents()
	}
	drained := c.drained
	if !drained {
		c.ep.wg.Add(1)
		c.lingerTimer.Reset(c.lingerDelay())
	}
	c.mu.Unlock()
	if drained {
		c.ep.removeConn(c)
	}
}

// stopLingering ends a lingering connection at once, for Endpoint.Close.
func (c *Conn) stopLingering() {
	c.mu.Lock()
	stopped := c.lingerTimer != nil && c.lingerTimer.Stop()
	if stopped {
		c.endLingering()
	}
	c.mu.Unlock()
	if stopped {
		c.ep.removeConn(c)
		c.ep.wg.Done()
	}
}

// endLingering forgets the connection before its deadline, as the driver's
// shutdown does. Called with c.mu held; the caller removes c from the
// endpoint.
func (c *Conn) endLingering() {
	c.lingerTimer = nil
	c.core.Abandon() // flushes the qlog trace
	c.processEvents()
	c.markClosed(net.ErrClosed)
	c.drained = true
}
