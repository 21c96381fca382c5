package main

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
	"time"

	"github.com/quicr/quicr/quic"
)

// closeWait bounds the wait for our CONNECTION_CLOSE to go out.
const closeWait = 2 * time.Second

// A connection is a client connection on its own endpoint.
type connection struct {
	*quic.Conn
	ep      *quic.Endpoint
	target  target
	started time.Time
}

// listenFor opens a client endpoint on a dual-stack socket, so that the
// connection can follow a server's preferred address of the other family
// (RFC 9000, 9.6), or on a socket of addr's family where the machine has
// no IPv6.
func listenFor(addr string, conf *quic.Config) (*quic.Endpoint, error) {
	pc, err := net.ListenPacket("udp", "[::]:0")
	if err != nil {
		network, local := "udp4", "0.0.0.0:0"
		if ua, rerr := net.ResolveUDPAddr("udp", addr); rerr != nil {
			return nil, rerr
		} else if ua.IP.To4() == nil {
			network, local = "udp6", "[::]:0"
		}
		if pc, err = net.ListenPacket(network, local); err != nil {
			return nil, err
		}
	}
	ep, err := quic.NewEndpoint(pc, nil, conf)
	if err != nil {
		pc.Close()
	}
	return ep, err
}

// dial connects to t's server, with t's host as the TLS server name, on a
// new endpoint. With early it returns before the handshake completes when
// a ticket allows 0-RTT.
func (f *fetcher) dial(ctx context.Context, t target, early bool) (*connection, error) {
	ep, err := listenFor(t.addr, &f.o.conf)
	if err != nil {
		return nil, err
	}
	tc := f.tls.Clone()
	tc.ServerName = t.host
	start := time.Now()
	var conn *quic.Conn
	if early {
		conn, err = ep.DialEarly(ctx, t.addr, tc, &f.o.conf)
	} else {
		conn, err = ep.Dial(ctx, t.addr, tc, &f.o.conf)
	}
	if err != nil {
		ep.Close()
		return nil, err
	}
	return &connection{Conn: conn, ep: ep, target: t, started: start}, nil
}

// logConnected logs a connection whose handshake completed.
func (f *fetcher) logConnected(c *connection) {
	if f.o.quiet {
		return
	}
	st := c.ConnectionState()
	extra := ""
	if st.TLS.DidResume {
		extra += ", resumed"
	}
	if st.Used0RTT {
		extra += ", 0-RTT accepted"
	}
	f.log.Printf("connected to %s (%s): %s, %s, %s%s, handshake %v",
		c.target.addr, c.RemoteAddr(), st.Version, st.TLS.NegotiatedProtocol,
		tls.CipherSuiteName(st.TLS.CipherSuite), extra, time.Since(c.started).Round(time.Microsecond))
}

// close closes the connection with code 0, waits (briefly) until the
// CONNECTION_CLOSE went out, and closes the endpoint.
func (f *fetcher) close(c *connection) {
	c.CloseWithError(0, "")
	t := time.NewTimer(closeWait)
	defer t.Stop()
	select {
	case <-c.Context().Done():
	case <-t.C:
	}
	if f.o.verbose {
		st := c.Stats()
		f.log.Printf("closed %s: %d packets sent, %d received, %d lost, smoothed RTT %v",
			c.RemoteAddr(), st.PacketsSent, st.PacketsReceived, st.PacketsLost, st.SmoothedRTT)
	}
	c.ep.Close()
}

// keyUpdater starts a 1-RTT key update at the first response bytes, when
// the handshake is certainly confirmed (InitiateKeyUpdate fails before),
// retrying at later writes until one succeeds.
type keyUpdater struct {
	mu   sync.Mutex
	conn *quic.Conn
	done bool
	log  func(format string, args ...any)
}

// Write starts the update if it is still due; it never fails.
func (k *keyUpdater) Write(p []byte) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.done && k.conn.InitiateKeyUpdate() == nil {
		k.done = true
		if k.log != nil {
			k.log("initiated a key update")
		}
	}
	return len(p), nil
}
