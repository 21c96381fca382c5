//go:build linux

package runner

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"

	"github.com/quicr/quicr/interop/netem"
	"github.com/quicr/quicr/quic/quicdump"
)

// runNet is the network of one run in either topology.
type runNet struct {
	topology    Topology
	ns          *namespaces // topology A
	serverAddr  netip.AddrPort
	serverNetns string
	clientNetns string
	probeNetns  string
	probeAddr   netip.AddrPort
	serverHosts map[string][]string
	clientHosts map[string][]string
	v6          bool

	relay    *netem.Relay // topology B
	cancel   context.CancelFunc
	relayErr chan error
	captures []*capture
	mu       sync.Mutex
}

// setupNet prepares the network of a run; start brings it up once the
// server is ready.
func (r *Runner) setupNet(id int, t Topology, sc netem.Scenario, tc *TestCase) (*runNet, error) {
	n := &runNet{topology: t, v6: tc.Host == "server6"}
	if t == Namespaces {
		ns, err := setupNamespaces(id, sc.Bandwidth, sc.Queue)
		if err != nil {
			return nil, err
		}
		n.ns = ns
		n.serverNetns, n.clientNetns, n.probeNetns = nsPath(ns.server), nsPath(ns.client), nsPath(ns.client)
		n.serverAddr = netip.MustParseAddrPort(serverV4 + ":443")
		n.probeAddr = n.serverAddr
		hosts := map[string][]string{
			"server": {serverV4}, "server4": {serverV4}, "server6": {serverV6}, "server46": {serverV4, serverV6},
		}
		n.serverHosts, n.clientHosts = hosts, hosts
		return n, nil
	}
	n.serverAddr = netip.MustParseAddrPort("127.0.0.1:443")
	if n.v6 {
		n.serverAddr = netip.MustParseAddrPort("[::1]:443")
	}
	n.probeAddr = n.serverAddr
	n.serverHosts = map[string][]string{
		"server": {"127.0.0.1"}, "server4": {"127.0.0.1"}, "server6": {"::1"}, "server46": {"127.0.0.1", "::1"},
	}
	return n, nil
}

// start opens the capture points and, in topology B, the relay.
func (n *runNet) start(ctx context.Context, sc netem.Scenario, seed uint64, logf func(string, ...any)) error {
	if n.topology == Namespaces {
		servers := map[netip.Addr]bool{netip.MustParseAddr(serverV4): true, netip.MustParseAddr(serverV6): true}
		for leg, dev := range []string{"l0", "r0"} {
			c, err := startCapture(nsPath(n.ns.sim), dev, func(src, dst netip.AddrPort) (int, bool, bool) {
				switch {
				case dst.Port() == 443 && servers[dst.Addr()]:
					return leg, true, true
				case src.Port() == 443 && servers[src.Addr()]:
					return leg, false, true
				}
				return 0, false, false
			})
			if err != nil {
				n.stop()
				return fmt.Errorf("capture on %s: %w", dev, err)
			}
			n.captures = append(n.captures, c)
		}
		return nil
	}
	listen := netip.MustParseAddrPort("127.0.0.2:0")
	if n.v6 {
		listen = netip.MustParseAddrPort("[::1]:0")
	}
	n.relay = &netem.Relay{Listen: listen, Server: n.serverAddr, Scenario: sc, Seed: seed, Logf: logf}
	if err := n.relay.Start(); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	relayAddr := n.relay.Addr()
	c, err := startCapture("", "lo", func(src, dst netip.AddrPort) (int, bool, bool) {
		src, dst = unmap(src), unmap(dst)
		switch {
		case dst == relayAddr:
			return 0, true, true
		case src == relayAddr:
			return 0, false, true
		case dst == n.serverAddr:
			return 1, true, true
		case src == n.serverAddr:
			return 1, false, true
		}
		return 0, false, false
	})
	if err != nil {
		return fmt.Errorf("capture on lo: %w", err)
	}
	n.captures = append(n.captures, c)
	rctx, cancel := context.WithCancel(ctx)
	n.cancel = cancel
	n.relayErr = make(chan error, 1)
	go func() { n.relayErr <- n.relay.Run(rctx) }()
	a := relayAddr.Addr().String()
	n.clientHosts = map[string][]string{"server": {a}, "server4": {a}, "server6": {a}, "server46": {a}}
	return nil
}

func unmap(a netip.AddrPort) netip.AddrPort { return netip.AddrPortFrom(a.Addr().Unmap(), a.Port()) }

// urlHost returns host:port for the client's URLs.
func (n *runNet) urlHost(host string) string {
	if n.relay != nil {
		return net.JoinHostPort(host, strconv.Itoa(int(n.relay.Addr().Port())))
	}
	return net.JoinHostPort(host, "443")
}

// stop ends the relay and the captures and returns what the client-side
// and server-side capture points saw.
func (n *runNet) stop() (clientSide, serverSide []quicdump.Datagram) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cancel != nil {
		n.cancel()
		<-n.relayErr
		n.cancel = nil
	}
	for _, c := range n.captures {
		cs, ss, _ := c.Stop()
		clientSide = append(clientSide, cs...)
		serverSide = append(serverSide, ss...)
	}
	n.captures = nil
	return clientSide, serverSide
}

// stats describes what the relay did.
func (n *runNet) stats() string {
	if n.relay == nil {
		return "topology A (network namespaces)"
	}
	ts, tc := n.relay.Stats()
	return fmt.Sprintf("relay to server %+v, to client %+v", ts, tc)
}

// close tears the network down.
func (n *runNet) close() {
	n.stop()
	if n.ns != nil {
		n.ns.close()
	}
}

// dialUDP opens a UDP socket to addr from the network namespace netns.
func dialUDP(netns string, addr netip.AddrPort) (*net.UDPConn, error) {
	var c *net.UDPConn
	err := inNetns(netns, func() error {
		var err error
		c, err = net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(addr))
		return err
	})
	return c, err
}
