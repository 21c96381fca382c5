package simnet

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

// inboxSize is how many arrived datagrams a PacketConn holds before it
// drops more (a socket receive buffer).
const inboxSize = 4096

// Hub is a network of PacketConns for goroutine-based endpoints, with the
// same link models as Network but timed by time.Timer and time.Now. Inside
// a testing/synctest bubble that time is virtual, so delays are exact and
// tests take no wall time; create the Hub inside the bubble.
type Hub struct {
	mu      sync.Mutex
	seed    uint64
	start   time.Time
	def     LinkConfig
	routes  map[netip.AddrPort]hubRoute
	links   map[[2]netip.AddrPort]*Link
	out     []netmodel.Delivery
	unroute uint64
}

type hubRoute struct {
	conn  *PacketConn
	local netip.AddrPort
}

// NewHub returns an empty hub whose links start with cfg and draw from
// seed. Its clock starts now, which blackhole windows are relative to.
func NewHub(seed uint64, cfg LinkConfig) *Hub {
	return &Hub{
		seed:   seed,
		start:  time.Now(),
		def:    cfg,
		routes: make(map[netip.AddrPort]hubRoute),
		links:  make(map[[2]netip.AddrPort]*Link),
	}
}

// Listen returns a PacketConn bound to addr.
func (h *Hub) Listen(addr netip.AddrPort) (*PacketConn, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.routes[addr]; ok {
		return nil, fmt.Errorf("simnet: listen %v: address already in use", addr)
	}
	c := &PacketConn{hub: h, local: addr, public: addr, inbox: make(chan Datagram, inboxSize), closed: make(chan struct{})}
	h.routes[addr] = hubRoute{conn: c, local: addr}
	return c, nil
}

// link returns the direction between two local addresses; h.mu is held.
func (h *Hub) link(from, to netip.AddrPort) *Link {
	key := [2]netip.AddrPort{from, to}
	l := h.links[key]
	if l == nil {
		cfg := h.def
		cfg.Rules = append([]Rule(nil), cfg.Rules...)
		f := fnv.New64a()
		fmt.Fprintf(f, "%v>%v", from, to)
		l = netmodel.NewLink(cfg, rand.New(rand.NewPCG(h.seed, f.Sum64())))
		h.links[key] = l
	}
	return l
}

// Configure changes the link direction between the conns bound at from and
// to (their local addresses), under the hub's lock.
func (h *Hub) Configure(from, to netip.AddrPort, f func(*LinkConfig)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(&h.link(from, to).Config)
}

// Stats returns the counters of the link direction between two local
// addresses.
func (h *Hub) Stats(from, to netip.AddrPort) Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.link(from, to).Stats()
}

// Rebind makes the conn bound at local appear at public, as a NAT
// rebinding does; datagrams to its previous public address are dropped.
func (h *Hub) Rebind(local, public netip.AddrPort) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.routes[local]
	if !ok || r.local != local {
		// The conn may already be rebound: find it by local address.
		r.conn = nil
		for _, rr := range h.routes {
			if rr.local == local {
				r = rr
			}
		}
		if r.conn == nil {
			return fmt.Errorf("simnet: rebind: no conn at %v", local)
		}
	}
	if o, ok := h.routes[public]; ok && o.conn != r.conn {
		return fmt.Errorf("simnet: rebind: %v already in use", public)
	}
	delete(h.routes, r.conn.public)
	r.conn.public = public
	h.routes[public] = hubRoute{conn: r.conn, local: local}
	return nil
}

func (h *Hub) now() time.Duration { return time.Since(h.start) }

// send carries d from c; d.Data is owned by the hub.
func (h *Hub) send(c *PacketConn, d Datagram) {
	h.mu.Lock()
	defer h.mu.Unlock()
	d.From = c.public
	r, ok := h.routes[d.To]
	if !ok {
		h.unroute++
		return
	}
	link := h.link(c.local, r.local)
	now := h.now()
	var reason DropReason
	h.out, reason = link.Send(now, d, h.out[:0])
	if reason != netmodel.Delivered {
		return
	}
	for _, o := range h.out {
		r.conn.schedule(o.At, flight{link: link, d: o.Datagram}, now)
	}
	clear(h.out)
}

// arrive delivers the due datagrams pending at c; it runs on c's timer.
func (h *Hub) arrive(c *PacketConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.deliverDue(h.now())
}

// Unroutable returns how many datagrams were sent to an address no conn
// has.
func (h *Hub) Unroutable() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.unroute
}
