package simnet

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// maxDrain bounds the datagrams one PollTransmit loop may return, so an
// endpoint that never stops transmitting fails loudly instead of hanging.
const maxDrain = 1 << 16

// DefaultMaxSteps bounds RunUntil, RunIdle and RunFor unless
// Network.MaxSteps says otherwise.
const DefaultMaxSteps = 1_000_000

// Network connects endpoints through per-direction links on a virtual
// clock. It is not safe for concurrent use.
type Network struct {
	// Default is the configuration a link gets when it is created, on the
	// first datagram between two nodes or the first call to Link.
	Default LinkConfig
	// MaxSteps bounds the Run methods; 0 means DefaultMaxSteps.
	MaxSteps int
	// Trace, when set, sees every send, drop, delivery and timeout.
	Trace func(Event)

	seed    uint64
	now     protocol.Time
	nodes   []*Node
	routes  map[netip.AddrPort]route
	links   map[[2]int]*Link
	flights netmodel.Schedule[flight]
	buf     []byte
	out     []netmodel.Delivery
	steps   int
	err     error

	// Unroutable counts datagrams sent to an address no node has.
	Unroutable uint64
}

// flight is a datagram in flight to a node (or a PacketConn).
type flight struct {
	link *Link
	to   *Node
	d    Datagram
}

// route maps an address in the network to the node behind it and the
// address that node knows itself by (NAT translation).
type route struct {
	node  *Node
	local netip.AddrPort
}

// Node is an endpoint attached to a Network.
type Node struct {
	ep     Endpoint
	index  int
	local  netip.AddrPort // the address the endpoint uses
	public netip.AddrPort // the address peers see (differs after Rebind)
}

// Endpoint returns the node's endpoint.
func (n *Node) Endpoint() Endpoint { return n.ep }

// Addr returns the address the node's peers see.
func (n *Node) Addr() netip.AddrPort { return n.public }

// LocalAddr returns the address the node's endpoint uses.
func (n *Node) LocalAddr() netip.AddrPort { return n.local }

// NewNetwork returns an empty network at virtual time 0 whose links draw
// from seed.
func NewNetwork(seed uint64) *Network {
	return &Network{
		seed:   seed,
		routes: make(map[netip.AddrPort]route),
		links:  make(map[[2]int]*Link),
		buf:    make([]byte, 65536),
	}
}

// Seed returns the network's seed.
func (n *Network) Seed() uint64 { return n.seed }

// Now returns the virtual clock.
func (n *Network) Now() protocol.Time { return n.now }

// Err returns the first endpoint misbehaviour the network detected (an
// endpoint that never stops transmitting).
func (n *Network) Err() error { return n.err }

// AddEndpoint attaches ep at addr. It panics if addr is taken, which is a
// bug in the test.
func (n *Network) AddEndpoint(addr netip.AddrPort, ep Endpoint) *Node {
	if _, ok := n.routes[addr]; ok {
		panic(fmt.Sprintf("simnet: address %v already in use", addr))
	}
	node := &Node{ep: ep, index: len(n.nodes), local: addr, public: addr}
	n.nodes = append(n.nodes, node)
	n.routes[addr] = route{node: node, local: addr}
	return node
}

// Link returns the link direction from one node to another, creating it
// with the Default configuration. Each direction draws from its own source
// derived from the seed, so changing one direction does not perturb the
// other.
func (n *Network) Link(from, to *Node) *Link {
	key := [2]int{from.index, to.index}
	l := n.links[key]
	if l == nil {
		cfg := n.Default
		cfg.Rules = append([]Rule(nil), cfg.Rules...)
		rng := rand.New(rand.NewPCG(n.seed, uint64(from.index)<<32|uint64(to.index)))
		l = netmodel.NewLink(cfg, rng)
		n.links[key] = l
	}
	return l
}

// Rebind makes node's datagrams appear to come from addr, as a NAT
// rebinding does: peers see addr, datagrams to addr reach the node (which
// still sees its own local address), and datagrams to the previous public
// address are dropped, also when already in flight. Passing a new port
// models a port rebinding, a new IP address an address change.
func (n *Network) Rebind(node *Node, addr netip.AddrPort) {
	if r, ok := n.routes[addr]; ok && r.node != node {
		panic(fmt.Sprintf("simnet: address %v already in use", addr))
	}
	if node.public != node.local {
		delete(n.routes, node.public)
	} else {
		// The local address stops being reachable from outside too.
		delete(n.routes, node.local)
	}
	node.public = addr
	n.routes[addr] = route{node: node, local: node.local}
}

// AddAddress makes datagrams to addr reach node untranslated, for an
// endpoint that migrates to a second local address of its own.
func (n *Network) AddAddress(node *Node, addr netip.AddrPort) {
	if r, ok := n.routes[addr]; ok && r.node != node {
		panic(fmt.Sprintf("simnet: address %v already in use", addr))
	}
	n.routes[addr] = route{node: node, local: addr}
}

// InFlight returns how many datagrams are travelling.
func (n *Network) InFlight() int { return n.flights.Len() }

func (n *Network) trace(e Event) {
	if n.Trace != nil {
		n.Trace(e)
	}
}

// drain collects node's transmits into the links.
func (n *Network) drain(node *Node) {
	for i := 0; ; i++ {
		if i == maxDrain {
			if n.err == nil {
				n.err = fmt.Errorf("simnet: endpoint %v still transmitting after %d datagrams at %v", node.local, maxDrain, time.Duration(n.now))
			}
			return
		}
		d, ok := node.ep.PollTransmit(n.now, n.buf)
		if !ok {
			return
		}
		d.Data = append([]byte(nil), d.Data...)
		n.send(node, d)
	}
}

// send puts d, sent by node, on the link to its destination.
func (n *Network) send(node *Node, d Datagram) {
	if !d.From.IsValid() || d.From == node.local {
		d.From = node.public // NAT
	}
	n.trace(Event{Time: n.now, Kind: EventSend, From: d.From, To: d.To, Len: len(d.Data), ECN: d.ECN})
	r, ok := n.routes[d.To]
	if !ok {
		n.Unroutable++
		n.trace(Event{Time: n.now, Kind: EventDrop, From: d.From, To: d.To, Len: len(d.Data), ECN: d.ECN, Reason: netmodel.DropNoRoute})
		return
	}
	link := n.Link(node, r.node)
	var reason DropReason
	n.out, reason = link.Send(time.Duration(n.now), d, n.out[:0])
	if reason != netmodel.Delivered {
		n.trace(Event{Time: n.now, Kind: EventDrop, From: d.From, To: d.To, Len: len(d.Data), ECN: d.ECN, Reason: reason})
		return
	}
	for _, o := range n.out {
		n.flights.Push(o.At, flight{link: link, to: r.node, d: o.Datagram})
	}
	clear(n.out)
}

// deliver hands a datagram that arrived to its node, unless the address
// it was sent to no longer leads there.
func (n *Network) deliver(f flight) {
	d := f.d
	r, ok := n.routes[d.To]
	if !ok || r.node != f.to {
		f.link.CountDrop(netmodel.DropNoRoute)
		n.trace(Event{Time: n.now, Kind: EventDrop, From: d.From, To: d.To, Len: len(d.Data), ECN: d.ECN, Reason: netmodel.DropNoRoute})
		return
	}
	d.To = r.local
	f.link.CountDelivered(&d)
	n.trace(Event{Time: n.now, Kind: EventDeliver, From: d.From, To: d.To, Len: len(d.Data), ECN: d.ECN})
	f.to.ep.HandleDatagram(n.now, d)
	n.drain(f.to)
}
