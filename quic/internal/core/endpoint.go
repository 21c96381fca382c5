package core

import (
	crand "crypto/rand"
	"crypto/tls"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quicr/quicr/quic/internal/connid"
	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/token"
)

// EndpointConfig configures an Endpoint.
type EndpointConfig struct {
	Conn *Config
	// Server makes the endpoint accept connections.
	Server bool
	// ResetKey derives stateless reset tokens; TokenKey seals address
	// validation tokens. Both survive restarts if the caller keeps them.
	ResetKey [32]byte
	TokenKey [32]byte
	// Seed seeds the endpoint's random source (connection IDs, packet
	// number skips, token nonces).
	Seed [32]byte
	// RequireRetry sends a Retry to every client without a valid token
	// (RFC 9000, 8.1.2); RetryThreshold does so once this many handshakes
	// are in progress (0: never).
	RequireRetry   bool
	RetryThreshold int
	// MaxConns bounds the connections the endpoint accepts (0: no limit).
	MaxConns int
	// RetryTokenLifetime and NewTokenLifetime bound token validity.
	RetryTokenLifetime time.Duration
	NewTokenLifetime   time.Duration
	// WallClock gives the time tokens are stamped with: they must stay
	// valid across restarts, so they need the wall clock. The I/O layer
	// passes time.Now; tests pass a fake.
	WallClock func() time.Time
}

// RouteKind says what Route decided about a datagram.
type RouteKind uint8

const (
	// RouteDrop: nothing to do.
	RouteDrop RouteKind = iota
	// RouteConn: deliver to Conn.
	RouteConn
	// RouteNewConn: Conn is a new server connection the datagram created;
	// deliver the datagram to it, then hand it to the application.
	RouteNewConn
	// RouteReply: send the Reply bytes (Version Negotiation, Retry or
	// stateless reset) to the datagram's source.
	RouteReply
)

// Route is Route's answer.
type Route struct {
	Kind  RouteKind
	Conn  *Conn
	Reply []byte
}

// Endpoint is the sans-IO part of a QUIC endpoint: it routes datagrams to
// connections by connection ID (RFC 9000, 5.2), creates server connections,
// and answers what no connection can with Version Negotiation (RFC 9000,
// 6), Retry (8.1.2) or a stateless reset (10.3). It is not safe for
// concurrent use, with one exception: connections call back into it to make
// connection IDs and tokens (CIDGen, newToken) from their own goroutines in
// the I/O layer, so its state sits behind mu, the innermost lock.
type Endpoint struct {
	mu     sync.Mutex
	cfg    EndpointConfig
	rng    *rand.ChaCha8
	tokens *token.Protector
	conns  map[protocol.ConnectionID]*Conn
	// resetTokens maps the peers' stateless reset tokens to connections.
	resetTokens map[[16]byte]*Conn
	// resetGen derives our stateless reset tokens from cfg.ResetKey.
	resetGen *token.ResetTokens
	// openBuf is where a new client's Initial is decrypted to check it,
	// reused: Initials from unknown clients are what a flood sends.
	openBuf []byte
	// handshakes counts server connections not yet past the handshake.
	// Changed under mu; atomic so that connections read it without.
	handshakes atomic.Int64
	accepted   int
	// resetBudget limits stateless resets (RFC 9000, 10.3.3): refilled
	// over time, spent per reset.
	resetBudget         int
	resetRefill         protocol.Time
	StatelessResetsSent uint64
}

// chachaReader adapts a ChaCha8 source to io.Reader.
type chachaReader struct{ r *rand.ChaCha8 }

func (c chachaReader) Read(p []byte) (int, error) { return c.r.Read(p) }

// NewEndpoint returns an endpoint.
func NewEndpoint(cfg EndpointConfig) *Endpoint {
	if cfg.RetryTokenLifetime == 0 {
		cfg.RetryTokenLifetime = 10 * time.Second
	}
	if cfg.NewTokenLifetime == 0 {
		cfg.NewTokenLifetime = 24 * time.Hour
	}
	if cfg.WallClock == nil {
		cfg.WallClock = time.Now
	}
	if cfg.Server && cfg.Conn.TLS != nil && cfg.Conn.TLS.MinVersion < tls.VersionTLS13 {
		conn := *cfg.Conn
		conn.TLS = cfg.Conn.TLS.Clone()
		conn.TLS.MinVersion = tls.VersionTLS13
		cfg.Conn = &conn
	}
	if cfg.Conn != nil && cfg.Conn.Blocks == nil {
		// One pool of receive blocks for all the endpoint's connections.
		conn := *cfg.Conn
		conn.Blocks = new(streams.BlockPool)
		cfg.Conn = &conn
	}
	e := &Endpoint{cfg: cfg, rng: rand.NewChaCha8(cfg.Seed), conns: make(map[protocol.ConnectionID]*Conn),
		resetTokens: make(map[[16]byte]*Conn)}
	e.tokens = token.NewProtector(cfg.TokenKey, chachaReader{e.rng})
	e.resetGen = token.NewResetTokens(&cfg.ResetKey)
	return e
}

// Conns returns the number of routed connection IDs (for tests).
func (e *Endpoint) Conns() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.conns)
}

// newConnID makes a connection ID and its stateless reset token; it is the
// connections' generator.
func (e *Endpoint) newConnID() (protocol.ConnectionID, connid.ResetToken) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.newConnIDLocked()
}

func (e *Endpoint) newConnIDLocked() (protocol.ConnectionID, connid.ResetToken) {
	var b [protocol.MaxConnIDLen]byte
	n := e.cfg.Conn.ConnIDLen
	for {
		e.rng.Read(b[:n])
		cid := protocol.NewConnectionID(b[:n])
		if _, taken := e.conns[cid]; !taken {
			return cid, e.resetGen.Token(cid.Bytes())
		}
	}
}

func (e *Endpoint) seed() [32]byte {
	var s [32]byte
	e.rng.Read(s[:])
	return s
}

// Dial starts a client connection to remote with cfg (nil: the endpoint's
// configuration). token is a NEW_TOKEN token from an earlier connection to
// that server, or nil.
func (e *Endpoint) Dial(now protocol.Time, cfg *Config, remote, local netip.AddrPort, tok []byte) (*Conn, error) {
	if cfg == nil {
		cfg = e.cfg.Conn
	} else if cfg.Blocks == nil && e.cfg.Conn != nil {
		cc := *cfg
		cc.Blocks = e.cfg.Conn.Blocks
		cfg = &cc
	}
	e.mu.Lock()
	seed := e.seed()
	e.mu.Unlock()
	// NewClientConn calls back into newConnID, which locks.
	c, err := NewClientConn(now, cfg, ClientParams{
		Remote: remote, Local: local, Token: tok, Seed: seed, CIDGen: e.newConnID,
	})
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	e.route(c.initialSCID, c)
	e.mu.Unlock()
	return c, nil
}

// AddConnID routes cid to c (after EventConnIDIssued).
func (e *Endpoint) AddConnID(cid protocol.ConnectionID, c *Conn) {
	e.mu.Lock()
	e.route(cid, c)
	e.mu.Unlock()
}

// route routes cid to c and records it with c. e.mu is held.
func (e *Endpoint) route(cid protocol.ConnectionID, c *Conn) {
	if old, ok := e.conns[cid]; ok {
		if old == c {
			return
		}
		old.routes = slices.DeleteFunc(old.routes, func(x protocol.ConnectionID) bool { return x == cid })
	}
	e.conns[cid] = c
	c.routes = append(c.routes, cid)
}

// AddResetToken routes datagrams ending in tok to c (after
// EventResetToken), so c can recognise a stateless reset.
func (e *Endpoint) AddResetToken(tok []byte, c *Conn) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(tok) != 16 {
		return
	}
	t := [16]byte(tok)
	if old, ok := e.resetTokens[t]; ok {
		if old == c {
			return
		}
		old.resetRoutes = slices.DeleteFunc(old.resetRoutes, func(x [16]byte) bool { return x == t })
	}
	e.resetTokens[t] = c
	c.resetRoutes = append(c.resetRoutes, t)
}

// RemoveConnID stops routing cid (after EventConnIDRetired).
func (e *Endpoint) RemoveConnID(cid protocol.ConnectionID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.conns[cid]; ok {
		delete(e.conns, cid)
		c.routes = slices.DeleteFunc(c.routes, func(x protocol.ConnectionID) bool { return x == cid })
	}
}

// RemoveConn forgets every connection ID of a drained connection.
func (e *Endpoint) RemoveConn(c *Conn) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, cid := range c.routes {
		if e.conns[cid] == c {
			delete(e.conns, cid)
		}
	}
	for _, tok := range c.resetRoutes {
		if e.resetTokens[tok] == c {
			delete(e.resetTokens, tok)
		}
	}
	c.routes, c.resetRoutes = nil, nil
	if !c.isClient && !c.handshakeDone && e.handshakes.Load() > 0 {
		e.handshakes.Add(-1)
	}
}

// HandshakeDone tells the endpoint that a server connection finished its
// handshake (for the Retry threshold).
func (e *Endpoint) HandshakeDone(c *Conn) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !c.isClient && e.handshakes.Load() > 0 {
		e.handshakes.Add(-1)
	}
}

// Route decides what to do with a datagram. reply is a buffer for a
// stateless reply.
func (e *Endpoint) Route(now protocol.Time, d Datagram, reply []byte) Route {
	e.mu.Lock()
	r, hdr, isNew := e.routeLocked(now, d, reply)
	e.mu.Unlock()
	if !isNew {
		return r
	}
	// A new client's Initial is checked and its connection built outside
	// the lock: deriving the keys, opening the packet and starting
	// crypto/tls's handshake goroutine took long enough that the drivers
	// registering connection IDs meanwhile queued up behind it.
	return e.acceptInitial(now, d, &hdr, reply)
}

// routeLocked is Route up to a new client's Initial, which it returns
// with isNew set. Called with e.mu held.
func (e *Endpoint) routeLocked(now protocol.Time, d Datagram, reply []byte) (r Route, hdr packet.LongHeader, isNew bool) {
	b := d.Data
	if len(b) == 0 {
		return Route{}, hdr, false
	}
	if !packet.IsLongHeader(b[0]) {
		dcid, err := packet.DestConnID(b, e.cfg.Conn.ConnIDLen)
		if err != nil {
			return Route{}, hdr, false
		}
		if c, ok := e.conns[protocol.NewConnectionID(dcid)]; ok {
			return Route{Kind: RouteConn, Conn: c}, hdr, false
		}
		if len(b) >= 21 {
			if c, ok := e.resetTokens[[16]byte(b[len(b)-16:])]; ok {
				return Route{Kind: RouteConn, Conn: c}, hdr, false // a stateless reset (RFC 9000, 10.3.1)
			}
		}
		return e.statelessReset(now, d, dcid, reply), hdr, false
	}
	v, dcidB, scidB, _, err := packet.ParseLongHeaderInvariants(b)
	if err != nil {
		return Route{}, hdr, false
	}
	if len(dcidB) <= protocol.MaxConnIDLen {
		if c, ok := e.conns[protocol.NewConnectionID(dcidB)]; ok {
			return Route{Kind: RouteConn, Conn: c}, hdr, false
		}
	}
	if !e.cfg.Server {
		return Route{}, hdr, false
	}
	// RFC 9000, 14.1: a server drops Initial datagrams under 1200 bytes,
	// and sends no Version Negotiation in reply to them (RFC 9000, 6.1).
	if len(b) < protocol.MinInitialDatagramSize {
		return Route{}, hdr, false
	}
	if !e.supported(protocol.Version(v)) {
		if v == 0 {
			return Route{}, hdr, false
		}
		return e.versionNegotiation(dcidB, scidB, reply), hdr, false
	}
	hdr, err = packet.ParseLongHeader(b)
	if err != nil || hdr.Type != protocol.PacketInitial {
		return Route{}, hdr, false // 0-RTT before its Initial: dropped, the client retransmits
	}
	// RFC 9000, 7.2: the client's first DCID has at least 8 bytes.
	if hdr.DCID.Len() < 8 {
		return Route{}, hdr, false
	}
	if e.cfg.MaxConns > 0 && e.accepted >= e.cfg.MaxConns {
		return Route{}, hdr, false
	}
	return Route{}, hdr, true
}

// acceptInitial checks a new client's Initial and, if it opens, starts
// its connection. Called without e.mu.
func (e *Endpoint) acceptInitial(now protocol.Time, d Datagram, hdr *packet.LongHeader, reply []byte) Route {
	// Only an Initial that decrypts starts a connection: a corrupted or
	// forged one would otherwise hold state, and on shutdown send a
	// CONNECTION_CLOSE, under a connection ID the client never used.
	e.mu.Lock()
	buf := e.openBuf
	e.openBuf = nil
	e.mu.Unlock()
	buf = append(buf[:0], d.Data[:hdr.PacketLen]...)
	seal, open, ok := initialKeysFor(buf, hdr)
	e.mu.Lock()
	e.openBuf = buf
	e.mu.Unlock()
	if !ok {
		return Route{}
	}
	return e.accept(now, d, hdr, reply, seal, open)
}

func (e *Endpoint) supported(v protocol.Version) bool {
	for _, s := range e.cfg.Conn.Versions {
		if s == v {
			return true
		}
	}
	return false
}

// versionNegotiation answers an unknown version (RFC 9000, 6.1), with a
// greasing version in the list (RFC 9000, 15).
func (e *Endpoint) versionNegotiation(dcid, scid []byte, reply []byte) Route {
	vs := make([]protocol.Version, 0, len(e.cfg.Conn.Versions)+1)
	vs = append(vs, e.cfg.Conn.Versions...)
	vs = append(vs, packet.GreaseVersion(uint32(e.rng.Uint64())))
	// The reply echoes the client's IDs swapped (RFC 9000, 17.2.1).
	out := packet.AppendVersionNegotiation(reply[:0], scid, dcid, vs, byte(uint32(e.rng.Uint64())))
	return Route{Kind: RouteReply, Reply: out}
}

// accept handles a client Initial with an unknown DCID: address
// validation by token or Retry, then a new connection.
func (e *Endpoint) accept(now protocol.Time, d Datagram, hdr *packet.LongHeader, reply []byte, seal, open *protect.Keys) Route {
	wall := e.cfg.WallClock()
	e.mu.Lock()
	p := ServerParams{
		Remote: d.Remote, Local: d.Local, Version: hdr.Version,
		ClientDCID: hdr.DCID, ClientSCID: hdr.SCID, OriginalDCID: hdr.DCID,
		Seed: e.seed(), CIDGen: e.newConnID,
		InitialSeal: seal, InitialOpen: open,
	}
	if len(hdr.Token) > 0 {
		if t, ok := e.tokens.Open(hdr.Token, d.Remote, wall, e.tokenLifetime(hdr.Token)); ok {
			p.AddressValidated = true
			if t.Kind == token.KindRetry {
				p.UsedRetry = true
				p.OriginalDCID = t.OriginalDCID
				p.RetrySCID = t.RetrySCID
				if hdr.DCID != t.RetrySCID {
					e.mu.Unlock()
					return Route{} // not the Retry this token came from
				}
			}
		}
	}
	if !p.AddressValidated && (e.cfg.RequireRetry || (e.cfg.RetryThreshold > 0 && e.handshakes.Load() >= int64(e.cfg.RetryThreshold))) {
		defer e.mu.Unlock()
		return e.retry(d, hdr, wall, reply)
	}
	p.LocalCID, p.ResetToken = e.newConnIDLocked()
	e.mu.Unlock()
	c, err := NewServerConn(now, e.cfg.Conn, p)
	if err != nil {
		return Route{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, taken := e.conns[p.LocalCID]; taken {
		// Another connection drew the same ID meanwhile (a chance of
		// 2^-64 with 8-byte IDs): the client retransmits its Initial.
		c.Abandon()
		return Route{}
	}
	if other, ok := e.conns[hdr.DCID]; ok {
		// A copy of this Initial started a connection meanwhile (Route
		// called from two goroutines at once).
		c.Abandon()
		return Route{Kind: RouteConn, Conn: other}
	}
	c.newToken = e.newTokenFor
	c.newTokenNeeded = true
	e.route(p.LocalCID, c)
	// Retransmitted Initials keep the client's DCID until it learns ours.
	e.route(hdr.DCID, c)
	c.clientDCIDRoute = hdr.DCID
	e.handshakes.Add(1)
	e.accepted++
	c.handshaking = &e.handshakes
	return Route{Kind: RouteNewConn, Conn: c}
}

// initialKeysFor derives the Initial keys a client Initial packet names
// and reports whether the packet opens with them (RFC 9001, 5.2); the
// keys then serve the connection it starts. It decrypts b in place: the
// caller passes a copy.
func initialKeysFor(b []byte, hdr *packet.LongHeader) (seal, open *protect.Keys, ok bool) {
	seal, open, err := protect.NewInitialKeys(hdr.Version, hdr.DCID.Bytes(), true)
	if err != nil {
		return nil, nil, false
	}
	_, pnLen, truncated, err := open.Unprotect(b, hdr.PNOffset)
	if err != nil {
		return nil, nil, false
	}
	if _, err = open.Open(b, hdr.PNOffset+pnLen, truncated); err != nil {
		return nil, nil, false
	}
	return seal, open, true
}

// tokenLifetime picks the lifetime by the token kind, which Open checks.
func (e *Endpoint) tokenLifetime(sealed []byte) time.Duration {
	if len(sealed) > 1 && token.Kind(sealed[1]) == token.KindRetry {
		return e.cfg.RetryTokenLifetime
	}
	return e.cfg.NewTokenLifetime
}

// newTokenFor makes a NEW_TOKEN token for a client address (RFC 9000,
// 8.1.3).
func (e *Endpoint) newTokenFor(now protocol.Time, addr netip.AddrPort) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, err := e.tokens.Seal(nil, token.Token{Kind: token.KindNewToken, Issued: e.cfg.WallClock()}, addr)
	if err != nil {
		return nil
	}
	return b
}

// retry answers with a Retry packet whose token binds the client's address
// and its original DCID (RFC 9000, 8.1.2 and 17.2.5).
func (e *Endpoint) retry(d Datagram, hdr *packet.LongHeader, wall time.Time, reply []byte) Route {
	scid, _ := e.newConnIDLocked()
	tok, err := e.tokens.Seal(nil, token.Token{Kind: token.KindRetry, Issued: wall, OriginalDCID: hdr.DCID, RetrySCID: scid}, d.Remote)
	if err != nil {
		return Route{}
	}
	out := packet.AppendRetry(reply[:0], hdr.Version, hdr.SCID, scid, tok, byte(uint32(e.rng.Uint64())))
	tag := protect.RetryIntegrityTag(hdr.Version, hdr.DCID.Bytes(), out)
	out = append(out, tag[:]...)
	return Route{Kind: RouteReply, Reply: out}
}

// statelessReset answers a short-header packet for an unknown connection
// with a stateless reset (RFC 9000, 10.3): smaller than the packet that
// triggered it, so resets cannot loop, and rate-limited.
func (e *Endpoint) statelessReset(now protocol.Time, d Datagram, dcid []byte, reply []byte) Route {
	const minReset = 21 // RFC 9000, 10.3: at least 21 bytes
	size := len(d.Data) - 1
	if size < minReset {
		return Route{}
	}
	size = min(size, 43) // like a small short-header packet
	// Token bucket: 100 resets per second at most.
	if now >= e.resetRefill {
		e.resetBudget = 100
		e.resetRefill = now.Add(time.Second)
	}
	if e.resetBudget == 0 {
		return Route{}
	}
	e.resetBudget--
	out := reply[:size]
	e.rng.Read(out[:size-16])
	// Form a short header: fixed bit set, long header bit clear.
	out[0] = out[0]&^0x80 | 0x40
	tok := e.resetGen.Token(dcid)
	copy(out[size-16:], tok[:])
	e.StatelessResetsSent++
	return Route{Kind: RouteReply, Reply: out}
}

// RandomKey returns a fresh random key, for endpoints configured without one.
func RandomKey() [32]byte {
	var k [32]byte
	crand.Read(k[:])
	return k
}
