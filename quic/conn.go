package quic

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/streams"
)

// A Conn is a QUIC connection. Its methods are safe for concurrent use.
type Conn struct {
	ep       *Endpoint
	core     *core.Conn
	isClient bool

	mu      sync.Mutex // guards core and the fields below
	streams map[streams.ID]*streamState
	// Streams the peer opened, waiting for AcceptStream/AcceptUniStream.
	incomingBidi, incomingUni []*streamState
	drained                   bool

	inbox inbox
	wake  chan struct{}
	// notify channels are closed and replaced to wake all waiters.
	acceptNotify   chan struct{}
	openNotify     chan struct{}
	datagramNotify chan struct{}

	handshakeDone chan struct{}
	closed        chan struct{}
	closeErr      error
	ctx           context.Context
	cancel        context.CancelCauseFunc

	tokenStore TokenStore
	serverName string
	// lingerTimer ends the closing or draining period once the driver has
	// handed the connection over (linger.go).
	lingerTimer *time.Timer
	// batch holds the datagrams taken from the inbox, reused.
	batch []inboundDatagram
	// largeFlush: the last flush sent more than a small transmit
	// buffer holds, so the next starts in a full one. Guarded by mu.
	largeFlush bool
}

type inboundDatagram struct {
	buf *[]byte
	d   core.Datagram
}

func newConn(e *Endpoint, cc *core.Conn, isClient bool) *Conn {
	c := &Conn{
		ep:             e,
		core:           cc,
		isClient:       isClient,
		streams:        make(map[streams.ID]*streamState),
		wake:           make(chan struct{}, 1),
		acceptNotify:   make(chan struct{}),
		openNotify:     make(chan struct{}),
		datagramNotify: make(chan struct{}),
		handshakeDone:  make(chan struct{}),
		closed:         make(chan struct{}),
	}
	c.ctx, c.cancel = context.WithCancelCause(context.Background())
	return c
}

// deliver hands a received datagram to the driver, copying it. The inbox
// grows as needed up to inboundQueueLen datagrams; beyond that the
// datagram is dropped and counted, as a full socket buffer would.
func (c *Conn) deliver(b []byte, d core.Datagram) {
	buf := c.ep.getBuf(len(b))
	*buf = append((*buf)[:0], b...)
	d.Data = *buf
	ok, lingering := c.inbox.push(inboundDatagram{buf, d})
	if !ok {
		c.ep.putBuf(buf)
		if lingering {
			d.Data = b
			c.lingerReceive(d)
		}
		return
	}
	c.wakeDriver()
}

// inbox is a connection's queue of received datagrams: a slice behind a
// mutex, swapped whole to the driver, so memory follows the traffic and an
// idle connection holds none.
type inbox struct {
	mu      sync.Mutex
	items   []inboundDatagram
	dropped uint64
	// lingering: the driver has exited and the reader handles datagrams
	// itself (linger.go).
	lingering bool
}

// push queues d for the driver. It reports false, and queues nothing, when
// the queue is full or the connection lingers (then lingering is true).
func (q *inbox) push(d inboundDatagram) (ok, lingering bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.lingering {
		return false, true
	}
	if len(q.items) >= inboundQueueLen {
		q.dropped++
		return false, false
	}
	q.items = append(q.items, d)
	return true, false
}

// take moves the queued datagrams into into (emptied first) and returns it.
func (q *inbox) take(into []inboundDatagram) []inboundDatagram {
	q.mu.Lock()
	defer q.mu.Unlock()
	into, q.items = q.items, into[:0]
	return into
}

// wakeDriver makes the driver run its loop once more.
func (c *Conn) wakeDriver() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run is the connection's driver goroutine.
func (c *Conn) run() {
	defer c.ep.wg.Done()
	growStack(nil)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.batch = c.inbox.take(c.batch)
		c.mu.Lock()
		now := c.handleBatch()
		if h := c.ep.hooks.batchHandled; h != nil {
			h(c)
		}
		// A client that has just read the ServerHello looks at the
		// socket itself for the rest of the server's flight (readNow).
		if c.core.AwaitsServerFlight() {
			c.ep.readNow()
		}
		// What arrived while that ran (the rest of a handshake flight
		// while TLS worked on its start, say) goes in too: one flush then
		// answers both, and their ACKs ride together. One take: the
		// inbox's lock once, not a look and then a take.
		if c.batch = c.inbox.take(c.batch); len(c.batch) > 0 {
			now = c.handleBatch()
		}
		if c.core.NextTimeout() <= now {
			c.core.HandleTimeout(now)
		}
		// Events first: a connection ID must be routable before the
		// packet announcing it leaves, or a quick peer's packet to it
		// meets a stateless reset (seen with quic-go over IPv6 in
		// network namespaces). Then the events sending raised.
		if c.processEvents() {
			// Let the application goroutines just woken act first: the
			// request written when the handshake completes, or the
			// response to a request just read, then leaves in the same
			// packets as the handshake's last frames and the ACKs.
			c.mu.Unlock()
			runtime.Gosched()
			c.mu.Lock()
			now = c.ep.now()
			c.processEvents()
		}
		if h := c.ep.hooks.flushing; h != nil {
			h(c)
		}
		c.flush(now)
		c.processEvents()
		next := c.core.NextTimeout()
		drained := c.drained
		if !drained && c.core.Lingering() && c.startLingering() {
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		if drained {
			c.ep.removeConn(c)
			return
		}
		if next == protocol.Never {
			timer.Reset(time.Hour)
		} else {
			timer.Reset(time.Duration(next - c.ep.now()))
		}
		select {
		case <-c.wake:
			// Let the goroutines that woke with us (the other writers
			// of a burst of requests, say) add their data first: what
			// they write goes out in the same packets, one send instead
			// of several. Nothing else runnable: it returns at once.
			runtime.Gosched()
		case <-timer.C:
		case <-c.ep.closing:
			c.shutdown()
			return
		}
	}
}

// driverStack is the stack the driver grows to at once. A new goroutine
// starts small and the handshake's calls (frame handling, then TLS's
// events and the key schedule) grow its stack deep in the call chain, where
// each copy adjusts every frame. Grown first, the copy is of one frame.
const driverStack = 12 << 10

// growStack takes a driverStack-sized frame; b only keeps it from being
// optimised away.
//
//go:noinline
func growStack(b []byte) byte {
	var frame [driverStack]byte
	if b == nil {
		b = frame[:]
	}
	return b[len(b)-1]
}

// handleBatch hands the core the datagrams taken from the inbox and
// returns the time it used.
func (c *Conn) handleBatch() protocol.Time {
	now := c.ep.now()
	for i := range c.batch {
		c.core.HandleDatagram(now, c.batch[i].d)
		c.ep.putBuf(c.batch[i].buf)
		c.batch[i] = inboundDatagram{}
	}
	return now
}

// shutdown runs when the endpoint closes: the connection sends its
// CONNECTION_CLOSE (if it has not ended already) and stops at once.
func (c *Conn) shutdown() {
	defer c.ep.removeConn(c)
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.ep.now()
	c.core.Close(now, 0, "")
	c.flush(now)
	c.core.Abandon() // frees TLS state and flushes the qlog trace
	c.processEvents()
	c.markClosed(net.ErrClosed)
}

// closeForShutdown is called by Endpoint.Close before it stops the
// drivers.
func (c *Conn) closeForShutdown() {
	c.mu.Lock()
	c.core.Close(c.ep.now(), 0, "")
	c.mu.Unlock()
	c.stopLingering()
}

// flush sends everything the core has ready, in GSO batches, from a
// transmit buffer borrowed from the endpoint for the duration: a small
// one unless the last flush filled one, a full batch's after. A
// connection allowed datagrams larger than a small buffer always takes a
// full one: the core builds only datagrams that fit at the path's size.
func (c *Conn) flush(now protocol.Time) {
	var buf *[]byte
	if c.largeFlush || c.core.MaxUDPPayloadSize() > smallTxBufSize {
		buf = c.ep.getTxBuf()
	} else {
		buf = c.ep.getSmallTxBuf()
	}
	total := 0
	for {
		t, ok := c.core.PollTransmit(now, *buf, c.ep.socket().MaxSegments())
		if !ok {
			break
		}
		c.ep.socket().WriteGSO((*buf)[:t.Size], t.SegSize, t.Remote, uint8(t.ECN), t.Local)
		total += t.Size
		if len(*buf) == smallTxBufSize && t.Size+t.SegSize > smallTxBufSize {
			c.ep.putTxBuf(buf)
			buf = c.ep.getTxBuf()
		}
	}
	c.ep.putTxBuf(buf)
	c.largeFlush = total > smallTxBufSize
}

// processEvents acts on the core's events: wakes waiters, routes new
// connection IDs, queues accepted connections and streams. It reports
// whether it woke an application goroutine.
func (c *Conn) processEvents() (woke bool) {
	for {
		e, ok := c.core.PollEvent()
		if !ok {
			return woke
		}
		switch e.Kind {
		case core.EventHandshakeDone, core.EventStreamOpened, core.EventStreamReadable,
			core.EventStreamWritable, core.EventStreamsAvailable, core.EventDatagram:
			woke = true
		}
		switch e.Kind {
		case core.EventHandshakeDone:
			close(c.handshakeDone)
			c.ep.core.HandshakeDone(c.core)
			if !c.isClient {
				select {
				case c.ep.acceptQ <- c:
				default:
					// Nobody accepts: refuse rather than queue forever.
					c.core.Close(c.ep.now(), 0, "server busy")
				}
			}
		case core.EventStreamOpened:
			s := c.newStreamState(e.StreamID)
			if e.StreamID.Dir() == streams.Uni {
				c.incomingUni = append(c.incomingUni, s)
			} else {
				c.incomingBidi = append(c.incomingBidi, s)
			}
			c.broadcast(&c.acceptNotify)
		case core.EventStreamReadable:
			if s := c.streams[e.StreamID]; s != nil {
				s.signal(s.readCh)
			}
		case core.EventStreamWritable:
			if s := c.streams[e.StreamID]; s != nil {
				s.signal(s.writeCh)
			}
		case core.EventStreamDone:
			delete(c.streams, e.StreamID)
		case core.EventStreamsAvailable:
			c.broadcast(&c.openNotify)
		case core.EventDatagram:
			c.broadcast(&c.datagramNotify)
		case core.EventConnIDIssued:
			c.ep.core.AddConnID(e.ConnID, c.core)
		case core.EventConnIDRetired:
			c.ep.core.RemoveConnID(e.ConnID)
		case core.EventResetToken:
			c.ep.core.AddResetToken(e.Data, c.core)
		case core.EventNewToken:
			if c.tokenStore != nil {
				c.tokenStore.Put(c.serverName, e.Data)
			}
		case core.EventClosed:
			c.markClosed(fromCore(e.Err))
		case core.EventDrained:
			c.markClosed(net.ErrClosed)
			c.drained = true
		}
	}
}

// markClosed records why the connection ended and wakes everyone.
func (c *Conn) markClosed(err error) {
	select {
	case <-c.closed:
		return
	default:
	}
	c.closeErr = err
	close(c.closed)
	c.cancel(err)
}

// broadcast wakes every waiter on *ch.
func (c *Conn) broadcast(ch *chan struct{}) {
	close(*ch)
	*ch = make(chan struct{})
}

// newStreamState registers the application side of a stream.
func (c *Conn) newStreamState(id streams.ID) *streamState {
	s := &streamState{c: c, id: id, readCh: make(chan struct{}, 1), writeCh: make(chan struct{}, 1)}
	c.streams[id] = s
	return s
}

// err returns the error for operations on a closed connection.
func (c *Conn) err() error {
	if c.closeErr != nil {
		return c.closeErr
	}
	return net.ErrClosed
}

// OpenStream opens a bidirectional stream, or fails if the peer's stream
// limit is reached; OpenStreamSync waits instead.
func (c *Conn) OpenStream() (*Stream, error) {
	s, err := c.open(streams.Bidi)
	if err != nil {
		return nil, err
	}
	return &Stream{SendStream{s}, RecvStream{s}}, nil
}

// OpenUniStream opens a unidirectional stream, or fails if the peer's
// limit is reached.
func (c *Conn) OpenUniStream() (*SendStream, error) {
	s, err := c.open(streams.Uni)
	if err != nil {
		return nil, err
	}
	return &SendStream{s}, nil
}

// ErrTooManyStreams is returned by OpenStream and OpenUniStream when the
// peer's stream limit is reached.
var ErrTooManyStreams = errors.New("quic: peer's stream limit reached")

func (c *Conn) open(dir streams.Dir) (*streamState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
		return nil, c.err()
	default:
	}
	id, ok := c.core.OpenStream(dir)
	if !ok {
		c.wakeDriver() // STREAMS_BLOCKED may go out
		return nil, ErrTooManyStreams
	}
	return c.newStreamState(id), nil
}

// openSync waits for stream credit.
func (c *Conn) openSync(ctx context.Context, dir streams.Dir) (*streamState, error) {
	for {
		c.mu.Lock()
		notify := c.openNotify
		c.mu.Unlock()
		s, err := c.open(dir)
		if !errors.Is(err, ErrTooManyStreams) {
			return s, err
		}
		if err := c.waitFor(ctx, notify); err != nil {
			return nil, err
		}
	}
}

// OpenStreamSync opens a bidirectional stream, waiting for the peer to
// allow one.
func (c *Conn) OpenStreamSync(ctx context.Context) (*Stream, error) {
	s, err := c.openSync(ctx, streams.Bidi)
	if err != nil {
		return nil, err
	}
	return &Stream{SendStream{s}, RecvStream{s}}, nil
}

// OpenUniStreamSync opens a unidirectional stream, waiting for the peer to
// allow one.
func (c *Conn) OpenUniStreamSync(ctx context.Context) (*SendStream, error) {
	s, err := c.openSync(ctx, streams.Uni)
	if err != nil {
		return nil, err
	}
	return &SendStream{s}, nil
}

// waitFor blocks until notify is closed, the connection ends or ctx is
// done.
func (c *Conn) waitFor(ctx context.Context, notify chan struct{}) error {
	select {
	case <-notify:
		return nil
	case <-c.closed:
		return c.err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// accept waits for a stream of dir the peer opened.
func (c *Conn) accept(ctx context.Context, dir streams.Dir) (*streamState, error) {
	for {
		c.mu.Lock()
		q := &c.incomingBidi
		if dir == streams.Uni {
			q = &c.incomingUni
		}
		if len(*q) > 0 {
			s := (*q)[0]
			(*q)[0] = nil
			*q = (*q)[1:]
			c.mu.Unlock()
			return s, nil
		}
		notify := c.acceptNotify
		c.mu.Unlock()
		if err := c.waitFor(ctx, notify); err != nil {
			return nil, err
		}
	}
}

// AcceptStream waits for the next bidirectional stream the peer opens.
func (c *Conn) AcceptStream(ctx context.Context) (*Stream, error) {
	s, err := c.accept(ctx, streams.Bidi)
	if err != nil {
		return nil, err
	}
	return &Stream{SendStream{s}, RecvStream{s}}, nil
}

// AcceptUniStream waits for the next unidirectional stream the peer opens.
func (c *Conn) AcceptUniStream(ctx context.Context) (*RecvStream, error) {
	s, err := c.accept(ctx, streams.Uni)
	if err != nil {
		return nil, err
	}
	return &RecvStream{s}, nil
}

// SendDatagram sends an unreliable datagram (RFC 9221). It fails if
// datagrams were not negotiated or p is larger than MaxDatagramSize.
func (c *Conn) SendDatagram(p []byte) error {
	c.mu.Lock()
	err := c.core.SendDatagram(p)
	c.mu.Unlock()
	if err != nil {
		return fromCore(err)
	}
	c.wakeDriver()
	return nil
}

// MaxDatagramSize returns the largest datagram SendDatagram accepts now.
func (c *Conn) MaxDatagramSize() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.core.MaxDatagramSize()
}

// ReceiveDatagram waits for the next datagram from the peer.
func (c *Conn) ReceiveDatagram(ctx context.Context) ([]byte, error) {
	for {
		c.mu.Lock()
		d, ok := c.core.ReadDatagram()
		notify := c.datagramNotify
		c.mu.Unlock()
		if ok {
			return d, nil
		}
		if err := c.waitFor(ctx, notify); err != nil {
			return nil, err
		}
	}
}

// CloseWithError closes the connection with an application error code
// and reason (RFC 9000, 10.2). Data not yet acknowledged is lost.
func (c *Conn) CloseWithError(code ApplicationErrorCode, reason string) error {
	c.mu.Lock()
	c.core.Close(c.ep.now(), uint64(code), reason)
	c.mu.Unlock()
	c.wakeDriver()
	return nil
}

// Context returns a context that is done when the connection ends; its
// cause is the reason.
func (c *Conn) Context() context.Context { return c.ctx }

// HandshakeComplete is closed when the handshake completes.
func (c *Conn) HandshakeComplete() <-chan struct{} { return c.handshakeDone }

// ConnectionState describes a connection.
type ConnectionState struct {
	TLS      tls.ConnectionState
	Version  Version
	Used0RTT bool
}

// ConnectionState returns the TLS state, the QUIC version and whether
// 0-RTT was used.
func (c *Conn) ConnectionState() ConnectionState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ConnectionState{TLS: c.core.TLSState(), Version: Version(c.core.Version()), Used0RTT: c.core.Used0RTT()}
}

// LocalAddr returns the endpoint's address.
func (c *Conn) LocalAddr() net.Addr { return c.ep.Addr() }

// RemoteAddr returns the peer's current address.
func (c *Conn) RemoteAddr() net.Addr {
	c.mu.Lock()
	defer c.mu.Unlock()
	return net.UDPAddrFromAddrPort(c.core.RemoteAddr())
}

// ConnStats are a connection's counters and estimates.
type ConnStats struct {
	MinRTT, SmoothedRTT, LatestRTT time.Duration
	CongestionWindow               int
	BytesInFlight                  int
	PacketsSent, PacketsReceived   uint64
	PacketsLost                    uint64
	BytesSent, BytesReceived       uint64
	DatagramsDropped               uint64 // DATAGRAM frames dropped on a full queue
	InboundDropped                 uint64 // received UDP datagrams dropped on a full inbox
}

// Stats returns the connection's counters and estimates.
func (c *Conn) Stats() ConnStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, s := c.core.Metrics(), c.core.Stats()
	return ConnStats{
		MinRTT: m.MinRTT, SmoothedRTT: m.SmoothedRTT, LatestRTT: m.LatestRTT,
		CongestionWindow: m.CongestionWindow, BytesInFlight: m.BytesInFlight,
		PacketsSent: s.PacketsSent, PacketsReceived: s.PacketsReceived, PacketsLost: s.PacketsLost,
		BytesSent: s.BytesSent, BytesReceived: s.BytesReceived, DatagramsDropped: s.DatagramsDropped,
	}
}

// InitiateKeyUpdate starts a 1-RTT key update (RFC 9001, 6). It fails
// before the handshake is confirmed, or while the previous update waits for
// the peer's acknowledgement. Updates also happen on their own before the
// AEAD limits and, if Config.KeyUpdateInterval is set, periodically.
func (c *Conn) InitiateKeyUpdate() error {
	c.mu.Lock()
	err := c.core.InitiateKeyUpdate(c.ep.now())
	c.mu.Unlock()
	c.wakeDriver()
	return err
}

func (q *inbox) droppedCount() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}
