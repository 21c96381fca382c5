package quic

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/core"
)

// TestLingeringConnection checks the closing and draining periods run
// without driver goroutines: after the client closes, its connection
// (closing) and the server's (draining) each hand over from their driver
// and are forgotten at their deadline; and an endpoint closed while its
// connection lingers returns at once.
func TestLingeringConnection(t *testing.T) {
	for _, closeEndpoint := range []bool{false, true} {
		name := map[bool]string{false: "deadline", true: "endpoint closed"}[closeEndpoint]
		t.Run(name, func(t *testing.T) {
			lingering := make(chan *Conn, 2)
			removed := make(chan *Conn, 2)
			ctx, c, cl := dialHooked(t, func(ep *Endpoint) {
				ep.hooks.lingering = func(c *Conn) { lingering <- c }
				ep.hooks.removed = func(c *Conn) { removed <- c }
			})
			s, err := c.OpenStreamSync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			s.Write([]byte("ping"))
			s.Close()
			if _, err := io.ReadAll(&s.RecvStream); err != nil {
				t.Fatal(err)
			}
			c.CloseWithError(0, "")
			want := 2 // the client's connection and the server's
			if closeEndpoint {
				want = 1
				for lc := (*Conn)(nil); lc != c; {
					select {
					case lc = <-lingering:
					case <-ctx.Done():
						t.Fatal("the client's connection never lingered")
					}
				}
				start := time.Now()
				cl.Close()
				if d := time.Since(start); d > time.Second {
					t.Errorf("Close took %v with a lingering connection", d)
				}
				select {
				case <-removed:
				case <-ctx.Done():
					t.Fatal("Close did not remove the lingering connection")
				}
			}
			for range want {
				select {
				case rc := <-removed:
					rc.inbox.mu.Lock()
					lingered := rc.inbox.lingering
					rc.inbox.mu.Unlock()
					if !lingered {
						t.Error("a connection was removed without having lingered")
					}
				case <-ctx.Done():
					t.Fatal("a lingering connection was never removed")
				}
			}
		})
	}
}

// TestLingeringConnectionAnswers checks that a connection in its closing
// period, with its driver gone, still answers what arrives with
// CONNECTION_CLOSE, at the falling rate of RFC 9000, 10.2.1: the second
// datagram after the close brings one answer, the first none.
func TestLingeringConnectionAnswers(t *testing.T) {
	lingering := make(chan *Conn, 2)
	raw, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	fromRaw := raw.LocalAddr().(*net.UDPAddr).AddrPort()
	received := make(chan struct{}, 4)
	ctx, c, cl := dialHooked(t, func(ep *Endpoint) {
		ep.hooks.lingering = func(c *Conn) { lingering <- c }
		ep.hooks.lingerReceived = func(_ *Conn, d core.Datagram) {
			if d.Remote == fromRaw {
				received <- struct{}{}
			}
		}
	})
	c.CloseWithError(0, "")
	for range 2 { // the client's closing connection and the server's draining one
		select {
		case <-lingering:
		case <-ctx.Done():
			t.Fatal("the connections never lingered")
		}
	}
	c.mu.Lock()
	cid := c.core.InitialSourceConnID()
	c.mu.Unlock()
	// A short-header packet to the client's connection ID that does not
	// decrypt: in the closing period any packet counts.
	pkt := append([]byte{0x40}, cid.Bytes()...)
	pkt = append(pkt, bytes.Repeat([]byte{0xa5}, 40)...)
	sent := cl.SocketStats().DatagramsSent
	for i, wantAnswers := range []uint64{0, 1} {
		if _, err := raw.WriteToUDPAddrPort(pkt, cl.Addr().(*net.UDPAddr).AddrPort()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-received:
		case <-ctx.Done():
			t.Fatalf("datagram %d never reached the lingering connection", i+1)
		}
		if got := cl.SocketStats().DatagramsSent - sent; got != wantAnswers {
			t.Fatalf("after %d datagrams the closing connection sent %d, want %d", i+1, got, wantAnswers)
		}
	}
}

// dialHooked connects a client endpoint to an echo server after set has
// installed hooks on both, and returns a context bounding the test's
// waits, the connection and the client endpoint.
func dialHooked(t *testing.T, set func(*Endpoint)) (context.Context, *Conn, *Endpoint) {
	t.Helper()
	srv, ctls := echoServer(t, nil)
	t.Cleanup(func() { srv.Close() })
	cl := listenClient(t, nil)
	for _, ep := range []*Endpoint{srv, cl} {
		ep.mu.Lock()
		set(ep)
		ep.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, err := cl.Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, c, cl
}
