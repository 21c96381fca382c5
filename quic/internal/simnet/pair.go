package simnet

import "net/netip"

// Pair is a Network with one client and one server node at the runner's
// addresses, and the two link directions between them.
type Pair struct {
	*Network
	Client, Server     *Node
	ToServer, ToClient *Link
}

// NewPair attaches client at 193.167.0.100:49152 and server at
// 193.167.100.100:443 (the interop runner's addresses) with links from
// cfg in both directions.
func NewPair(seed uint64, cfg LinkConfig, client, server Endpoint) *Pair {
	n := NewNetwork(seed)
	n.Default = cfg
	p := &Pair{Network: n}
	p.Client = n.AddEndpoint(netip.MustParseAddrPort("193.167.0.100:49152"), client)
	p.Server = n.AddEndpoint(netip.MustParseAddrPort("193.167.100.100:443"), server)
	p.ToServer = n.Link(p.Client, p.Server)
	p.ToClient = n.Link(p.Server, p.Client)
	return p
}
