package quic

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// TestDriverHandlesArrivalsBeforeFlush checks that datagrams that arrive
// while the driver handles a batch are handled before it sends: the
// client, busy with the ServerHello while the server's Handshake packets
// arrive, answers both in one flush instead of sending an ACK for the
// Initial packets on its own first. Whether a handshake's flight comes in
// one batch or two depends on scheduling, so the test dials, one
// handshake at a time, until one came in two.
func TestDriverHandlesArrivalsBeforeFlush(t *testing.T) {
	stls, ctls := testTLS(t)
	srv, err := Listen("127.0.0.1:0", stls, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cl := listenClient(t, nil)

	// attempt is one dial's record, keyed by the client connection.
	type attempt struct {
		done   bool   // the batch that left the handshake incomplete was seen
		armed  bool   // that batch was handled; the flush is next
		before uint64 // bytes received then
		result chan uint64
	}
	var mu sync.Mutex
	attempts := map[*Conn]*attempt{}
	get := func(c *Conn) *attempt {
		mu.Lock()
		defer mu.Unlock()
		a := attempts[c]
		if a == nil {
			a = &attempt{result: make(chan uint64, 1)}
			attempts[c] = a
		}
		return a
	}
	cl.mu.Lock()
	cl.hooks.batchHandled = func(c *Conn) {
		a := get(c)
		if a.done || len(c.batch) == 0 {
			return
		}
		a.done = true
		if c.core.HandshakeComplete() {
			close(a.result) // the whole flight in one batch
			return
		}
		// More of the server's flight is on its way: wait until it is
		// queued, so that the driver has it to pick up.
		deadline := time.Now().Add(10 * time.Second)
		for !c.inbox.pending() {
			if time.Now().After(deadline) {
				t.Error("the rest of the server's flight never arrived")
				return
			}
			runtime.Gosched()
		}
		a.armed, a.before = true, c.core.Stats().BytesReceived
	}
	cl.hooks.flushing = func(c *Conn) {
		if a := get(c); a.armed {
			a.armed = false
			a.result <- c.core.Stats().BytesReceived - a.before
		}
	}
	cl.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range 100 {
		c, err := cl.Dial(ctx, srv.Addr().String(), ctls, nil)
		if err != nil {
			t.Fatal(err)
		}
		n, split := <-get(c).result
		// One handshake at a time: a server with others in progress
		// sends its flight whole (conn_server_flight.go).
		sc, err := srv.Accept(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sc.CloseWithError(0, "")
		c.CloseWithError(0, "")
		if !split {
			continue
		}
		if n == 0 {
			t.Fatal("the driver flushed before handling the datagrams queued while it worked")
		}
		return
	}
	t.Fatal("in 100 handshakes the server's flight never came in two batches")
}

// pending reports whether datagrams wait in q.
func (q *inbox) pending() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) > 0
}
