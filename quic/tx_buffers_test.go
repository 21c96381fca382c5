package quic

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// TestTransmitBuffers checks which transmit buffers flushes borrow: a
// handshake and a short exchange fit small ones and take no full-size GSO
// buffer; a bulk transfer moves to full-size ones.
func TestTransmitBuffers(t *testing.T) {
	srv, ctls := echoServer(t, nil)
	defer srv.Close()
	cl := listenClient(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := cl.Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	echo := func(n int) {
		t.Helper()
		s, err := c.OpenStreamSync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		msg := bytes.Repeat([]byte{'q'}, n)
		go func() {
			s.Write(msg)
			s.Close()
		}()
		got, err := io.ReadAll(&s.RecvStream)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("echo of %d bytes: %d back, %v", n, len(got), err)
		}
	}
	fullSize := func(ep *Endpoint) int { return len(ep.txBufs) }
	echo(100)
	if n := fullSize(cl) + fullSize(srv); n != 0 {
		t.Errorf("%d full-size transmit buffers taken for a handshake and 100 bytes", n)
	}
	if len(cl.txSmallBufs) == 0 || len(srv.txSmallBufs) == 0 {
		t.Errorf("small transmit buffers kept: client %d, server %d; want some on each", len(cl.txSmallBufs), len(srv.txSmallBufs))
	}
	echo(4 << 20)
	if fullSize(cl) == 0 || fullSize(srv) == 0 {
		t.Errorf("full-size transmit buffers after 4 MiB each way: client %d, server %d; want some on each", fullSize(cl), fullSize(srv))
	}
}
