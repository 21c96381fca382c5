package quic

import (
	"context"
	"io"
	"testing"
	"time"
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
			srv, ctls := echoServer(t, nil)
			defer srv.Close()
			cl := listenClient(t, nil)
			lingering := make(chan *Conn, 2)
			removed := make(chan *Conn, 2)
			for _, ep := range []*Endpoint{srv, cl} {
				ep.mu.Lock()
				ep.hooks.lingering = func(c *Conn) { lingering <- c }
				ep.hooks.removed = func(c *Conn) { removed <- c }
				ep.mu.Unlock()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := cl.Dial(ctx, srv.Addr().String(), ctls, nil)
			if err != nil {
				t.Fatal(err)
			}
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
