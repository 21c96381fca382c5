package netem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

// Relay forwards UDP datagrams between clients and one server through the
// two directions of a scenario's link, in real time:
//
//	client -> Listen -> (to-server link) -> mapping socket -> Server
//	client <- Listen <- (to-client link) <- mapping socket <- Server
//
// Each client address gets its own server-facing socket (a NAT mapping),
// so the server sees one source per client. Set the fields, then call
// Start (to learn Addr) and Run, or just Run.
type Relay struct {
	Listen   netip.AddrPort // client-facing address; zero means 127.0.0.1:0
	Server   netip.AddrPort // where client datagrams go
	Scenario Scenario
	Seed     uint64 // drives the links' random draws and the rebind addresses

	// Configure, when set, adjusts the links after the scenario set them
	// up (for example CorruptDiscards, or Rules).
	Configure func(toServer, toClient *netmodel.Config)
	// Pcap, when set, receives a pcap (LINKTYPE_RAW) of every forwarded
	// datagram as its receiver sees it.
	Pcap io.Writer
	// OnDatagram, when set, sees the fate of every datagram the relay
	// reads. It runs with the relay's lock held: it must not block or call
	// the relay.
	OnDatagram func(toServer bool, d *netmodel.Datagram, r netmodel.DropReason)
	// Logf, when set, receives diagnostics.
	Logf func(format string, args ...any)

	mu       sync.Mutex
	conn     *net.UDPConn
	addr     netip.AddrPort
	start    time.Time
	toServer *netmodel.Link
	toClient *netmodel.Link
	rng      *rand.Rand
	maps     map[netip.AddrPort]*mapping
	localIP  netip.Addr // address of new server-facing sockets
	queue    netmodel.Schedule[pending]
	wake     chan struct{}
	closed   bool
	pcap     *pcapWriter
	wg       sync.WaitGroup
}

// pending is a datagram waiting for its arrival time.
type pending struct {
	toServer bool
	m        *mapping
	d        netmodel.Datagram
}

// mapping is a client's NAT binding: the socket that currently talks to the
// server for it, and retired ones whose datagrams are dropped.
type mapping struct {
	client netip.AddrPort
	cur    *net.UDPConn
	curAt  netip.AddrPort
	old    []*net.UDPConn
}

// Start binds the client-facing socket and starts the clock that blackhole
// and rebind times count from.
func (r *Relay) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn != nil {
		return errors.New("netem: relay already started")
	}
	if !r.Server.IsValid() {
		return errors.New("netem: no server address")
	}
	r.Server = unmap(r.Server)
	listen := r.Listen
	if !listen.IsValid() {
		listen = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 0)
	}
	conn, err := listenUDP(listen)
	if err != nil {
		return err
	}
	if r.Pcap != nil {
		if r.pcap, err = newPcapWriter(r.Pcap); err != nil {
			conn.Close()
			return err
		}
	}
	r.conn = conn
	r.addr = conn.LocalAddr().(*net.UDPAddr).AddrPort()
	toServer, toClient := r.Scenario.Links()
	if r.Configure != nil {
		r.Configure(&toServer, &toClient)
	}
	r.toServer = netmodel.NewLink(toServer, rand.New(rand.NewPCG(r.Seed, 1)))
	r.toClient = netmodel.NewLink(toClient, rand.New(rand.NewPCG(r.Seed, 2)))
	r.rng = rand.New(rand.NewPCG(r.Seed, 3))
	r.maps = make(map[netip.AddrPort]*mapping)
	r.localIP = netip.IPv6Loopback()
	if r.Server.Addr().Is4() {
		r.localIP = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	}
	r.wake = make(chan struct{}, 1)
	r.start = time.Now()
	return nil
}

// Addr returns the client-facing address, once started.
func (r *Relay) Addr() netip.AddrPort {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.addr
}

// Stats returns the counters of the two directions.
func (r *Relay) Stats() (toServer, toClient netmodel.Stats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.toServer == nil {
		return
	}
	return r.toServer.Stats(), r.toClient.Stats()
}

// Run relays until ctx is done, then closes every socket and returns once
// its goroutines have stopped.
func (r *Relay) Run(ctx context.Context) error {
	r.mu.Lock()
	started := r.conn != nil
	r.mu.Unlock()
	if !started {
		if err := r.Start(); err != nil {
			return err
		}
	}
	done := make(chan struct{})
	r.wg.Add(3)
	go r.readClients()
	go r.schedule(done)
	go r.rebindOnSchedule(done)
	<-ctx.Done()
	close(done)
	r.mu.Lock()
	r.closed = true
	r.conn.Close()
	for _, m := range r.maps {
		m.cur.Close()
		for _, s := range m.old {
			s.Close()
		}
	}
	r.mu.Unlock()
	r.wg.Wait()
	return nil
}

func (r *Relay) logf(format string, args ...any) {
	if r.Logf != nil {
		r.Logf(format, args...)
	}
}

func (r *Relay) now() time.Duration { return time.Since(r.start) }

// readClients reads the client-facing socket.
func (r *Relay) readClients() {
	defer r.wg.Done()
	buf, oob := make([]byte, 65536), make([]byte, oobSize())
	for {
		n, oobn, _, from, err := r.conn.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			r.logf("netem: read from clients: %v", err)
			continue
		}
		d := netmodel.Datagram{From: unmap(from), To: r.Server, ECN: parseECN(oob[:oobn]), Data: append([]byte(nil), buf[:n]...)}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		m := r.maps[d.From]
		if m == nil {
			if m, err = r.newMapping(d.From); err != nil {
				r.mu.Unlock()
				r.logf("netem: new mapping for %v: %v", d.From, err)
				continue
			}
		}
		r.decide(true, m, d)
		r.mu.Unlock()
	}
}

// readServer reads one server-facing socket of m.
func (r *Relay) readServer(m *mapping, sock *net.UDPConn) {
	defer r.wg.Done()
	buf, oob := make([]byte, 65536), make([]byte, oobSize())
	for {
		n, oobn, _, from, err := sock.ReadMsgUDPAddrPort(buf, oob)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			r.logf("netem: read from server: %v", err)
			continue
		}
		d := netmodel.Datagram{From: unmap(from), To: m.client, ECN: parseECN(oob[:oobn]), Data: append([]byte(nil), buf[:n]...)}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		if d.From != r.Server || m.cur != sock {
			// A retired mapping or a stranger: the runner's NAT drops it.
			r.toClient.CountDrop(netmodel.DropNoRoute)
			if r.OnDatagram != nil {
				r.OnDatagram(false, &d, netmodel.DropNoRoute)
			}
		} else {
			r.decide(false, m, d)
		}
		r.mu.Unlock()
	}
}

// newMapping opens a server-facing socket for client; r.mu is held.
func (r *Relay) newMapping(client netip.AddrPort) (*mapping, error) {
	sock, err := listenUDP(netip.AddrPortFrom(r.localIP, 0))
	if err != nil {
		return nil, err
	}
	m := &mapping{client: client, cur: sock, curAt: sock.LocalAddr().(*net.UDPAddr).AddrPort()}
	r.maps[client] = m
	r.wg.Add(1)
	go r.readServer(m, sock)
	return m, nil
}

// decide runs d through its link and queues what survives; r.mu is held.
func (r *Relay) decide(toServer bool, m *mapping, d netmodel.Datagram) {
	link := r.toClient
	if toServer {
		link = r.toServer
	}
	out, reason := link.Send(r.now(), d, nil)
	if r.OnDatagram != nil {
		r.OnDatagram(toServer, &d, reason)
	}
	for _, o := range out {
		r.queue.Push(o.At, pending{toServer: toServer, m: m, d: o.Datagram})
	}
	if len(out) > 0 {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
}

// schedule forwards queued datagrams when their arrival time comes.
func (r *Relay) schedule(done <-chan struct{}) {
	defer r.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var due []pending
	for {
		r.mu.Lock()
		now := r.now()
		due = due[:0]
		wait := time.Hour
		for {
			at, _, ok := r.queue.Peek()
			if !ok {
				break
			}
			if at > now {
				wait = at - now
				break
			}
			_, p := r.queue.Pop()
			due = append(due, p)
		}
		r.mu.Unlock()
		for _, p := range due {
			r.forward(p)
		}
		if len(due) > 0 {
			continue
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-r.wake:
		case <-done:
			return
		}
	}
}

// forward writes one datagram on the wire.
func (r *Relay) forward(p pending) {
	r.mu.Lock()
	sock, src, link := r.conn, r.addr, r.toClient
	if p.toServer {
		sock, src, link = p.m.cur, p.m.curAt, r.toServer
	}
	r.mu.Unlock()
	v6 := !p.d.To.Addr().Is4()
	_, _, err := sock.WriteMsgUDPAddrPort(p.d.Data, ecnOOB(p.d.ECN, v6), p.d.To)
	r.mu.Lock()
	if err == nil {
		link.CountDelivered(&p.d)
	} else {
		link.CountDrop(netmodel.DropNoRoute)
	}
	r.mu.Unlock()
	if err != nil {
		if !errors.Is(err, net.ErrClosed) {
			r.logf("netem: forward to %v: %v", p.d.To, err)
		}
		return
	}
	if r.pcap != nil {
		r.pcap.write(time.Now(), src, p.d.To, p.d.ECN, p.d.Data)
	}
}

// rebindOnSchedule rebinds at Scenario.FirstRebind and then every
// RebindFreq.
func (r *Relay) rebindOnSchedule(done <-chan struct{}) {
	defer r.wg.Done()
	sc := r.Scenario
	if sc.FirstRebind <= 0 {
		return
	}
	t := time.NewTimer(sc.FirstRebind - r.now())
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		if err := r.Rebind(sc.RebindAddr); err != nil {
			r.logf("%v", err)
		}
		if sc.RebindFreq <= 0 {
			return
		}
		t.Reset(sc.RebindFreq)
	}
}

// Rebind gives every client mapping a new server-facing socket on a new
// port and, with newAddr (IPv4 only), a new random 127.x.y.z address, as
// the runner's rebind scenario does. Server datagrams to the old sockets
// are dropped from then on.
func (r *Relay) Rebind(newAddr bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil || r.closed {
		return errors.New("netem: rebind: relay not running")
	}
	if newAddr && r.localIP.Is4() {
		for {
			ip := netip.AddrFrom4([4]byte{127, byte(r.rng.IntN(256)), byte(r.rng.IntN(256)), byte(1 + r.rng.IntN(254))})
			if ip != r.localIP {
				r.localIP = ip
				break
			}
		}
	}
	for _, m := range r.maps {
		sock, err := listenUDP(netip.AddrPortFrom(r.localIP, 0))
		if err != nil {
			return fmt.Errorf("netem: rebind %v: %w", m.client, err)
		}
		m.old = append(m.old, m.cur)
		m.cur, m.curAt = sock, sock.LocalAddr().(*net.UDPAddr).AddrPort()
		r.wg.Add(1)
		go r.readServer(m, sock)
		r.logf("netem: rebound %v to %v", m.client, m.curAt)
	}
	return nil
}

// listenUDP binds a UDP socket with large buffers and ECN reporting.
func listenUDP(addr netip.AddrPort) (*net.UDPConn, error) {
	network := "udp4"
	if !addr.Addr().Is4() {
		network = "udp6"
	}
	c, err := net.ListenUDP(network, net.UDPAddrFromAddrPort(addr))
	if err != nil {
		return nil, err
	}
	c.SetReadBuffer(4 << 20)
	c.SetWriteBuffer(4 << 20)
	if err := enableECN(c, network == "udp6"); err != nil {
		c.Close()
		return nil, fmt.Errorf("netem: enable ECN on %v: %w", addr, err)
	}
	return c, nil
}

func unmap(a netip.AddrPort) netip.AddrPort {
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port())
}
