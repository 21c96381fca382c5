package quic

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/sock"
)

// acceptQueueLen bounds the handshaken connections waiting for Accept.
const acceptQueueLen = 256

// inboundQueueLen bounds the datagrams waiting for a connection's driver.
const inboundQueueLen = 8192

// An Endpoint is a UDP socket that QUIC connections share. It dials and,
// if it has a server TLS configuration, accepts.
type Endpoint struct {
	// sockp is the socket, swapped by Rebind.
	sockp     atomic.Pointer[sock.Conn]
	config    *Config
	tlsServer *tls.Config
	epoch     time.Time

	mu    sync.Mutex // guards conns; the core endpoint locks for itself
	core  *core.Endpoint
	conns map[*core.Conn]*Conn
	reply []byte
	// readNow's scratch, made on first use; readNowMu keeps one caller.
	readNowMu    sync.Mutex
	readNowMsgs  []sock.Message
	readNowReply []byte
	readNowGot   atomic.Int64 // datagrams readNow routed
	// bufs recycles the copies of received datagrams handed to
	// connections: a bounded free list, so steady state allocates nothing
	// (a sync.Pool is emptied by every GC).
	bufs chan *[]byte
	// txBufs lends transmit buffers to connection drivers while they
	// send: a few kept for good (a garbage collection, frequent while
	// handshakes run, empties a sync.Pool), the overflow of a burst of
	// concurrent senders in txPool. A flush starts in one of
	// txSmallBufs, enough for a handshake flight or a response, and only
	// a sender with more to say takes a full GSO batch's buffer.
	txBufs      chan *[]byte
	txPool      sync.Pool
	txSmallBufs chan *[]byte
	// txFullMade counts the full-size transmit buffers allocated.
	txFullMade atomic.Int64

	acceptQ   chan *Conn
	closing   chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
	// single marks an endpoint that Dial made for one connection: it
	// closes when that connection ends.
	single bool
	// hooks are for tests: nil in use. Guarded by mu, except those read
	// per datagram (the driver's and lingerReceived), which are read
	// without it: a test sets those before the endpoint's first
	// connection.
	hooks struct {
		lingering, removed func(*Conn)
		// lingerReceived runs after a lingering connection handled a
		// datagram, on the reader.
		lingerReceived func(*Conn, core.Datagram)
		// batchHandled and flushing run in the driver with the
		// connection's mu held: after it handled the datagrams it took,
		// and before it sends.
		batchHandled, flushing func(*Conn)
	}
}

// Listen opens a UDP socket on addr (host:port) and returns an Endpoint
// that accepts connections with tlsConf, and can dial too.
func Listen(addr string, tlsConf *tls.Config, conf *Config) (*Endpoint, error) {
	s, err := sock.Listen("udp", addr, sock.Options{})
	if err != nil {
		return nil, err
	}
	e, err := newEndpoint(s, tlsConf, conf)
	if err != nil {
		s.Close()
		return nil, err
	}
	return e, nil
}

// NewEndpoint returns an Endpoint on pc. With a non-nil tlsServer it
// accepts connections; either way it can Dial. The Endpoint owns pc from
// now on and closes it in Close.
func NewEndpoint(pc net.PacketConn, tlsServer *tls.Config, conf *Config) (*Endpoint, error) {
	s, err := sock.New(pc, sock.Options{})
	if err != nil {
		return nil, err
	}
	return newEndpoint(s, tlsServer, conf)
}

func newEndpoint(s *sock.Conn, tlsServer *tls.Config, conf *Config) (*Endpoint, error) {
	if conf == nil {
		conf = &Config{}
	}
	if tlsServer != nil && len(tlsServer.NextProtos) == 0 {
		return nil, errors.New("quic: the server TLS config must list application protocols (NextProtos)")
	}
	resetKey, tokenKey := core.RandomKey(), core.RandomKey()
	if conf.StatelessResetKey != nil {
		resetKey = *conf.StatelessResetKey
	}
	if conf.TokenKey != nil {
		tokenKey = *conf.TokenKey
	}
	e := &Endpoint{
		config:    conf,
		tlsServer: tlsServer,
		epoch:     time.Now(),
		conns:     make(map[*core.Conn]*Conn),
		reply:     make([]byte, 1500),
		acceptQ:   make(chan *Conn, acceptQueueLen),
		closing:   make(chan struct{}),
	}
	e.sockp.Store(s)
	e.bufs = make(chan *[]byte, 4096)
	e.txBufs = make(chan *[]byte, keptTxBufs)
	e.txSmallBufs = make(chan *[]byte, keptSmallTxBufs)
	e.core = core.NewEndpoint(core.EndpointConfig{
		Conn:         conf.coreConfig(tlsServer),
		Server:       tlsServer != nil,
		ResetKey:     resetKey,
		TokenKey:     tokenKey,
		Seed:         core.RandomKey(),
		RequireRetry: conf.RequireAddressValidation,
		// Beyond this many handshakes in progress, new clients must prove
		// their address with a Retry first (RFC 9000, 8.1.2).
		RetryThreshold: 1024,
		WallClock:      time.Now,
	})
	e.wg.Add(1)
	go e.readLoop()
	return e, nil
}

// now returns the endpoint's monotonic clock for the core.
func (e *Endpoint) now() protocol.Time { return protocol.Time(time.Since(e.epoch)) }

// Addr returns the socket's local address.
func (e *Endpoint) Addr() net.Addr { return e.socket().PacketConn().LocalAddr() }

// SocketStats returns the socket's counters: datagrams, GSO and GRO use,
// ECN marks and fallbacks.
func (e *Endpoint) SocketStats() sock.Stats { return e.socket().Stats() }

// SocketFeatures reports which of GSO, GRO, ECN and batching the socket
// uses.
func (e *Endpoint) SocketFeatures() sock.Capabilities { return e.socket().Caps() }

// socket returns the endpoint's current socket.
func (e *Endpoint) socket() *sock.Conn { return e.sockp.Load() }

// readLoop is the endpoint's reader goroutine.
func (e *Endpoint) readLoop() {
	defer e.wg.Done()
	msgs := sock.NewMessages(8)
	for {
		s := e.socket()
		n, err := s.ReadBatch(msgs)
		if err != nil {
			select {
			case <-e.closing:
				return
			default:
			}
			if s != e.socket() {
				continue // Rebind closed it: read the new one
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // transient errors such as ICMP-reported unreachability
		}
		for i := range n {
			m := &msgs[i]
			for s := range m.NumSegments() {
				e.handleDatagram(m.Segment(s), m.Addr, m.Local, m.ECN, e.reply)
			}
		}
	}
}

// readNow routes the datagrams queued on the socket without waiting for
// the reader goroutine. A client's driver calls it when it has read a
// ServerHello that came ahead of the rest of the server's flight (a quiet
// server sends it before it signs: core/conn_server_flight.go). The rest
// usually arrives while TLS works on the ServerHello, and the reader,
// woken by the runtime's poller, is often not scheduled until the driver
// lets go of its processor; the driver would then first send an ACK of
// the ServerHello alone, a padded datagram each way, before it reads the
// flight. Measured on loopback: 3.5 sends a handshake down to 3.2, and
// about 1% more sequential handshakes a second.
func (e *Endpoint) readNow() {
	if !e.readNowMu.TryLock() {
		return
	}
	defer e.readNowMu.Unlock()
	if e.readNowMsgs == nil {
		e.readNowMsgs = sock.NewMessages(readNowBatch)
		e.readNowReply = make([]byte, len(e.reply))
	}
	n, err := e.socket().TryReadBatch(e.readNowMsgs)
	if err != nil {
		return // the reader meets it too
	}
	for i := range n {
		m := &e.readNowMsgs[i]
		for s := range m.NumSegments() {
			e.handleDatagram(m.Segment(s), m.Addr, m.Local, m.ECN, e.readNowReply)
		}
		e.readNowGot.Add(int64(m.NumSegments()))
	}
}

// readNowBatch is how many messages (each up to 64 KB of GRO segments)
// readNow takes: a handshake flight is a few datagrams.
const readNowBatch = 2

// handleDatagram routes one datagram; reply is the caller's buffer for a
// stateless reply.
func (e *Endpoint) handleDatagram(b []byte, from netip.AddrPort, local netip.Addr, ecn uint8, reply []byte) {
	now := e.now()
	d := core.Datagram{Remote: from, Local: netip.AddrPortFrom(local, 0), ECN: recovery.ECN(ecn), Data: b}
	// The core endpoint locks for itself; e.mu is for e.conns only, so
	// that building a new connection does not hold up the drivers.
	r := e.core.Route(now, d, reply)
	var c *Conn
	switch r.Kind {
	case core.RouteConn:
		e.mu.Lock()
		c = e.conns[r.Conn]
		e.mu.Unlock()
	case core.RouteNewConn:
		c = newConn(e, r.Conn, false)
		e.mu.Lock()
		e.conns[r.Conn] = c
		e.wg.Add(1)
		go c.run()
		e.mu.Unlock()
	case core.RouteReply:
		e.socket().WriteGSO(r.Reply, len(r.Reply), from, 0, local)
	}
	if c != nil {
		c.deliver(b, d)
	}
}

// datagramBufSize fits any datagram we let peers send (the
// max_udp_payload_size we advertise); larger ones get their own buffer.
const datagramBufSize = 1536

// getBuf returns a buffer for a datagram of n bytes.
func (e *Endpoint) getBuf(n int) *[]byte {
	if n <= datagramBufSize {
		select {
		case b := <-e.bufs:
			return b
		default:
		}
		b := make([]byte, 0, datagramBufSize)
		return &b
	}
	b := make([]byte, 0, n)
	return &b
}

// txBufSize holds one GSO batch of full-size datagrams.
const txBufSize = 64 * 1500

// keptTxBufs is how many transmit buffers an endpoint keeps through
// garbage collections: drivers hold one while they wait for the socket's
// write lock, and with 64 handshakes in parallel 4 were too few (the
// overflow, reallocated after every collection, was 6% of the bytes a
// client allocated).
const keptTxBufs = 16

// smallTxBufSize holds a few full-size datagrams: what most flushes
// send. With 64 handshakes in parallel, full-size buffers for every
// flush were reallocated after each GC: 5% of the bytes a client
// allocated.
const smallTxBufSize = 8 * 1500

// keptSmallTxBufs covers a flush by each of 64 concurrent drivers.
const keptSmallTxBufs = 64

func (e *Endpoint) getTxBuf() *[]byte {
	select {
	case b := <-e.txBufs:
		return b
	default:
	}
	if b, ok := e.txPool.Get().(*[]byte); ok {
		return b
	}
	e.txFullMade.Add(1)
	b := make([]byte, txBufSize)
	return &b
}

func (e *Endpoint) getSmallTxBuf() *[]byte {
	select {
	case b := <-e.txSmallBufs:
		return b
	default:
	}
	b := make([]byte, smallTxBufSize)
	return &b
}

func (e *Endpoint) putTxBuf(b *[]byte) {
	if len(*b) == smallTxBufSize {
		select {
		case e.txSmallBufs <- b:
		default:
		}
		return
	}
	select {
	case e.txBufs <- b:
	default:
		e.txPool.Put(b)
	}
}

func (e *Endpoint) putBuf(b *[]byte) {
	if cap(*b) != datagramBufSize {
		return
	}
	*b = (*b)[:0]
	select {
	case e.bufs <- b:
	default:
	}
}

// Dial connects to addr (host:port) with tlsConf and, if conf is not nil,
// conf instead of the endpoint's configuration. It returns once the
// handshake completed.
func (e *Endpoint) Dial(ctx context.Context, addr string, tlsConf *tls.Config, conf *Config) (*Conn, error) {
	if conf == nil {
		conf = e.config
	}
	remote, tc, err := dialTarget(addr, tlsConf)
	if err != nil {
		return nil, err
	}
	cfg := conf.coreConfig(tc)
	c, err := e.dial(ctx, cfg, remote, conf, tc.ServerName, false)
	var vne *VersionNegotiationError
	if errors.As(err, &vne) {
		// Incompatible version negotiation (RFC 9000, 6.2): try once more
		// with a version the server offered, if we have one.
		for _, v := range cfg.Versions {
			for _, o := range vne.Theirs {
				if uint32(v) == o {
					cfg.Versions = []protocol.Version{v}
					return e.dial(ctx, cfg, remote, conf, tc.ServerName, false)
				}
			}
		}
	}
	return c, err
}

// dialTarget resolves addr and prepares the client TLS config, with the
// server name defaulting to addr's host.
func dialTarget(addr string, tlsConf *tls.Config) (netip.AddrPort, *tls.Config, error) {
	ua, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return netip.AddrPort{}, nil, err
	}
	remote := ua.AddrPort()
	remote = netip.AddrPortFrom(remote.Addr().Unmap(), remote.Port())
	tc := tlsConf.Clone()
	if tc == nil {
		tc = &tls.Config{}
	}
	// The core would clone it again to require TLS 1.3.
	tc.MinVersion = max(tc.MinVersion, tls.VersionTLS13)
	if tc.ServerName == "" {
		if host, _, err := net.SplitHostPort(addr); err == nil {
			tc.ServerName = host
		}
	}
	return remote, tc, nil
}

func (e *Endpoint) dial(ctx context.Context, cfg *core.Config, remote netip.AddrPort, conf *Config, serverName string, early bool) (*Conn, error) {
	var tok []byte
	if conf.TokenStore != nil {
		tok = conf.TokenStore.Pop(serverName)
	}
	select {
	case <-e.closing:
		return nil, net.ErrClosed
	default:
	}
	// Outside e.mu: the core endpoint locks for itself, and making the
	// ClientHello (its key shares) must not hold up routing the datagrams
	// of every other connection. Nothing reaches the new connection before
	// its driver sends the first packet.
	cc, err := e.core.Dial(e.now(), cfg, remote, e.socket().LocalAddr(), tok)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	select {
	case <-e.closing:
		e.core.RemoveConn(cc)
		e.mu.Unlock()
		cc.Abandon()
		return nil, net.ErrClosed
	default:
	}
	c := newConn(e, cc, true)
	c.tokenStore, c.serverName = conf.TokenStore, serverName
	e.conns[cc] = c
	e.wg.Add(1)
	go c.run()
	can0RTT := cc.Can0RTT()
	e.mu.Unlock()
	if early && can0RTT {
		return c, nil
	}
	select {
	case <-c.handshakeDone:
		return c, nil
	case <-c.closed:
		return nil, c.closeErr
	case <-ctx.Done():
		c.CloseWithError(0, "")
		return nil, ctx.Err()
	}
}

// DialEarly is Dial for 0-RTT: if tlsConf's ClientSessionCache holds a
// ticket for the server that allows early data (and conf.Allow0RTT is
// set), it returns at once and streams opened and written before the
// handshake completes go out as 0-RTT data (RFC 9001, 4.6). Otherwise it
// waits for the handshake like Dial. ConnectionState().Used0RTT tells,
// after HandshakeComplete, whether the server accepted the 0-RTT data;
// if not, the data was sent again in 1-RTT packets.
func (e *Endpoint) DialEarly(ctx context.Context, addr string, tlsConf *tls.Config, conf *Config) (*Conn, error) {
	if conf == nil {
		conf = e.config
	}
	remote, tc, err := dialTarget(addr, tlsConf)
	if err != nil {
		return nil, err
	}
	return e.dial(ctx, conf.coreConfig(tc), remote, conf, tc.ServerName, true)
}

// Accept waits for the next connection whose handshake completed.
func (e *Endpoint) Accept(ctx context.Context) (*Conn, error) {
	if e.tlsServer == nil {
		return nil, errors.New("quic: endpoint has no server TLS config")
	}
	select {
	case c := <-e.acceptQ:
		return c, nil
	case <-e.closing:
		return nil, ErrServerClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// removeConn forgets a drained connection.
func (e *Endpoint) removeConn(c *Conn) {
	e.core.RemoveConn(c.core)
	e.mu.Lock()
	delete(e.conns, c.core)
	last := len(e.conns) == 0
	removed := e.hooks.removed
	e.mu.Unlock()
	if removed != nil {
		removed(c)
	}
	if last && e.single {
		go e.Close()
	}
}

// Rebind moves the endpoint to pc, a new socket, and closes the old one:
// the way to follow a change of the local network (a new interface or
// address). The endpoint owns pc from now on. Each client connection whose
// handshake is confirmed migrates to the new local address (RFC 9000,
// 9.2): a fresh connection ID, congestion state started over and the new
// path validated; the server sees a new client address and validates it
// too. A client connection to a server that set disable_active_migration
// ends with *MigrationDisabledError instead (RFC 9000, 9). Connections the
// endpoint accepted go on from the new socket, but their clients keep
// sending to the old address.
func (e *Endpoint) Rebind(pc net.PacketConn) error {
	s, err := sock.New(pc, sock.Options{})
	if err != nil {
		return err
	}
	e.mu.Lock()
	select {
	case <-e.closing:
		e.mu.Unlock()
		s.Close()
		return net.ErrClosed
	default:
	}
	old := e.sockp.Swap(s)
	conns := make([]*Conn, 0, len(e.conns))
	for _, c := range e.conns {
		conns = append(conns, c)
	}
	e.mu.Unlock()
	old.Close() // the reader moves over to s
	local := s.LocalAddr()
	for _, c := range conns {
		c.mu.Lock()
		c.core.LocalAddressChanged(e.now(), local)
		c.mu.Unlock()
		c.wakeDriver()
	}
	return nil
}

// Close closes every connection with CONNECTION_CLOSE (NO_ERROR), stops
// the endpoint and closes the socket. It returns when every goroutine of
// the endpoint and its connections has exited.
func (e *Endpoint) Close() error {
	e.closeOnce.Do(func() {
		e.mu.Lock()
		conns := make([]*Conn, 0, len(e.conns))
		for _, c := range e.conns {
			conns = append(conns, c)
		}
		close(e.closing)
		e.mu.Unlock()
		for _, c := range conns {
			c.closeForShutdown()
		}
		e.socket().Close()
	})
	e.wg.Wait()
	return nil
}

// Dial connects to addr from a new endpoint on an unspecified local
// address; the endpoint closes when the connection ends.
func Dial(ctx context.Context, addr string, tlsConf *tls.Config, conf *Config) (*Conn, error) {
	return dialSingle(ctx, addr, conf, func(e *Endpoint) (*Conn, error) { return e.Dial(ctx, addr, tlsConf, conf) })
}

// DialEarly is Dial for 0-RTT (see Endpoint.DialEarly), from a new
// endpoint that closes when the connection ends.
func DialEarly(ctx context.Context, addr string, tlsConf *tls.Config, conf *Config) (*Conn, error) {
	return dialSingle(ctx, addr, conf, func(e *Endpoint) (*Conn, error) { return e.DialEarly(ctx, addr, tlsConf, conf) })
}

// dialSingle makes an endpoint of the family addr needs for one
// connection, which dial opens.
func dialSingle(ctx context.Context, addr string, conf *Config, dial func(*Endpoint) (*Conn, error)) (*Conn, error) {
	network, local := "udp4", "0.0.0.0:0"
	if ua, err := net.ResolveUDPAddr("udp", addr); err == nil && ua.IP.To4() == nil {
		network, local = "udp6", "[::]:0"
	}
	s, err := sock.Listen(network, local, sock.Options{})
	if err != nil {
		return nil, err
	}
	e, err := newEndpoint(s, nil, conf)
	if err != nil {
		s.Close()
		return nil, err
	}
	e.single = true
	c, err := dial(e)
	if err != nil {
		e.Close()
		return nil, err
	}
	return c, nil
}
