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
	cl, srv, echo := echoPair(t, nil)
	echo(100)
	if n := cl.txFullMade.Load() + srv.txFullMade.Load(); n != 0 {
		t.Errorf("%d full-size transmit buffers made for a handshake and 100 bytes", n)
	}
	echo(4 << 20)
	if cl.txFullMade.Load() == 0 || srv.txFullMade.Load() == 0 {
		t.Errorf("full-size transmit buffers made for 4 MiB each way: client %d, server %d; want some on each", cl.txFullMade.Load(), srv.txFullMade.Load())
	}
}

// TestTransmitBuffersLargeDatagrams checks that a connection allowed
// datagrams larger than a small transmit buffer (PMTUD finds 16000 bytes
// on loopback) still sends everything: its flushes start in full-size
// buffers.
func TestTransmitBuffersLargeDatagrams(t *testing.T) {
	_, _, echo := echoPair(t, &Config{MaxUDPPayloadSize: 16000})
	for range 3 {
		echo(2 << 20)
	}
}

// echoPair connects a client endpoint to an echo server, both with conf,
// and returns them with a function that sends n bytes on a new stream and
// checks they come back within 10 s.
func echoPair(t *testing.T, conf *Config) (cl, srv *Endpoint, echo func(n int)) {
	srv, ctls := echoServer(t, conf)
	t.Cleanup(func() { srv.Close() })
	cl = listenClient(t, conf)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, err := cl.Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseWithError(0, "") })
	echo = func(n int) {
		t.Helper()
		s, err := c.OpenStreamSync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.SetReadDeadline(time.Now().Add(10 * time.Second))
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
	return cl, srv, echo
}
