package sock

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"sync/atomic"
	"time"
)

var (
	errNoDestination = errors.New("sock: message has no destination address")
	errFamily        = errors.New("sock: address family does not match the socket or destination")
)

// Capabilities reports the features a Conn found at setup. GSO and Batch can
// later turn off at run time; Conn.Caps reports their current state.
type Capabilities struct {
	Batch   bool // recvmmsg and sendmmsg
	GSO     bool // segmented sends (UDP_SEGMENT)
	GRO     bool // coalesced receives (UDP_GRO)
	ECN     bool // ECN codepoints set on send and reported on receive
	PktInfo bool // the local address of received datagrams; source selection on send
	DF      bool // DF set, kernel PMTU ignored (IP_PMTUDISC_PROBE), for DPLPMTUD probes

	// RecvBuffer and SendBuffer are the socket buffer sizes the kernel
	// granted, as getsockopt reports them (Linux reports twice the size
	// asked for, the extra being its bookkeeping allowance); 0 if unknown.
	RecvBuffer, SendBuffer int
}

// Conn is a UDP socket with batched, segmented and ECN-aware I/O. ReadBatch
// is meant for one reader goroutine; the write methods may be called from
// many goroutines at once.
type Conn struct {
	pc    net.PacketConn
	udp   *net.UDPConn // nil when pc is not a UDP socket
	local netip.AddrPort
	opts  Options
	caps  Capabilities // as found at setup
	gso   atomic.Bool  // current GSO state
	batch atomic.Bool  // current batching state
	stats counters
	sys   sysConn
}

// BatchConn is the datagram I/O an endpoint needs. *Conn implements it; a
// simulated network can too.
type BatchConn interface {
	ReadBatch(msgs []Message) (int, error)
	WriteBatch(msgs []Message) (int, error)
	WriteGSO(buf []byte, segSize int, to netip.AddrPort, ecn uint8, src netip.Addr) error
	MaxSegments() int
	LocalAddr() netip.AddrPort
	Close() error
}

var _ BatchConn = (*Conn)(nil)

// Listen opens a UDP socket on address ("udp", "udp4" or "udp6" network)
// and wraps it. Listening on "udp" with an unspecified address gives a
// dual-stack socket that also receives IPv4 traffic.
func Listen(network, address string, opts Options) (*Conn, error) {
	pc, err := net.ListenPacket(network, address)
	if err != nil {
		return nil, err
	}
	c, err := New(pc, opts)
	if err != nil {
		pc.Close()
		return nil, err
	}
	return c, nil
}

// New wraps pc, configures it and probes the kernel for each feature not
// disabled by opts or the QUICR_DISABLE_* environment variables. If pc is
// not a *net.UDPConn it is used through ReadFrom and WriteTo with no extras.
// Close closes pc.
func New(pc net.PacketConn, opts Options) (*Conn, error) {
	c := &Conn{pc: pc, opts: opts.withEnv(os.Getenv)}
	c.udp, _ = pc.(*net.UDPConn)
	c.local = addrPortOf(pc.LocalAddr())
	if c.udp != nil {
		if err := c.setupSys(); err != nil {
			return nil, err
		}
	}
	c.gso.Store(c.caps.GSO)
	c.batch.Store(c.caps.Batch)
	return c, nil
}

// Caps reports the features in use now.
func (c *Conn) Caps() Capabilities {
	caps := c.caps
	caps.GSO = c.gso.Load()
	caps.Batch = c.batch.Load()
	return caps
}

// MaxSegments is the most datagrams worth packing into one WriteGSO call:
// MaxGSOSegments with GSO, otherwise 1. Larger calls still work; they are
// split.
func (c *Conn) MaxSegments() int {
	if c.gso.Load() {
		return MaxGSOSegments
	}
	return 1
}

// ReadBufferSize is the buffer size a read Message should have: the
// largest UDP payload, which is also the most one GRO read returns. A
// smaller buffer truncates (Stats.Truncated counts it).
const ReadBufferSize = 1<<16 - 1

// NewMessages allocates n read Messages whose buffers share one block of
// n * ReadBufferSize bytes.
func NewMessages(n int) []Message {
	block := make([]byte, n*ReadBufferSize)
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i].Buf = block[i*ReadBufferSize : (i+1)*ReadBufferSize : (i+1)*ReadBufferSize]
	}
	return msgs
}

// Stats returns a snapshot of the counters.
func (c *Conn) Stats() Stats { return c.stats.snapshot() }

// LocalAddr is the address the socket is bound to.
func (c *Conn) LocalAddr() netip.AddrPort { return c.local }

// PacketConn returns the wrapped connection.
func (c *Conn) PacketConn() net.PacketConn { return c.pc }

// SetReadDeadline makes a blocked or future ReadBatch fail with
// os.ErrDeadlineExceeded after t.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.pc.SetReadDeadline(t) }

// SetWriteDeadline makes a blocked or future write fail with
// os.ErrDeadlineExceeded after t.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.pc.SetWriteDeadline(t) }

// Close closes the socket; blocked reads and writes return.
func (c *Conn) Close() error { return c.pc.Close() }

// ReadBatch blocks until at least one datagram arrives, then fills as many
// of msgs as are ready (up to the batch size) and returns how many it
// filled. A Message may hold several datagrams when GRO is on; see
// Message.Segment. Buffers shorter than ReadBufferSize can truncate a
// coalesced read, losing datagrams.
func (c *Conn) ReadBatch(msgs []Message) (int, error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	return c.readBatch(msgs)
}

// TryReadBatch is ReadBatch without the wait: it returns 0 at once when
// nothing is queued. It may run while another goroutine waits in
// ReadBatch (a goroutine busy for a while can pick up what arrived
// meanwhile without waiting for the reader to be scheduled); a second
// concurrent TryReadBatch returns 0. Where reads cannot be made without
// waiting (no system-call path), it always returns 0.
func (c *Conn) TryReadBatch(msgs []Message) (int, error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	return c.tryReadBatch(msgs)
}

// WriteBatch sends msgs in order and returns how many were sent completely.
// A message with SegSize set goes out as several datagrams. On error, n is
// the index of the message that failed (some of its segments may have gone
// out); a message with no destination, or one of the wrong address family,
// fails the whole call before anything is sent.
func (c *Conn) WriteBatch(msgs []Message) (n int, err error) {
	for i := range msgs {
		if err := c.checkMessage(&msgs[i]); err != nil {
			return 0, err
		}
	}
	return c.writeBatch(msgs)
}

// WriteGSO sends buf to to as consecutive datagrams of segSize bytes (the
// last may be shorter), in one system call per MaxGSOSegments datagrams when
// GSO is on. ecn is the codepoint to mark them with; src, when valid, is the
// source address to send from.
func (c *Conn) WriteGSO(buf []byte, segSize int, to netip.AddrPort, ecn uint8, src netip.Addr) error {
	m := Message{Buf: buf, Addr: to, Local: src, ECN: ecn, SegSize: segSize}
	if err := c.checkMessage(&m); err != nil {
		return err
	}
	return c.writeOne(&m)
}

func (c *Conn) checkMessage(m *Message) error {
	if !m.Addr.IsValid() {
		return errNoDestination
	}
	if m.Local.IsValid() && m.Local.Unmap().Is4() != m.Addr.Addr().Unmap().Is4() {
		return errFamily
	}
	return c.checkFamily(m.Addr.Addr())
}

// addrPortOf converts a net.Addr; UDP addresses convert without allocating.
func addrPortOf(a net.Addr) netip.AddrPort {
	switch a := a.(type) {
	case *net.UDPAddr:
		return unmapAddrPort(a.AddrPort())
	case nil:
		return netip.AddrPort{}
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return unmapAddrPort(ap)
}

func unmapAddrPort(ap netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
