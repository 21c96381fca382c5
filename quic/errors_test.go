package quic

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// TestConnectionErrors checks the error values an application sees when
// the peer closes the connection or resets streams, through errors.As and
// errors.Is.
func TestConnectionErrors(t *testing.T) {
	stls, ctls := testTLS(t)
	srv, err := Listen("127.0.0.1:0", stls, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	serverDone := make(chan error, 1)
	go func() {
		c, err := srv.Accept(ctx)
		if err != nil {
			serverDone <- err
			return
		}
		// Stream 0: reset by the server with code 7.
		s, err := c.AcceptStream(ctx)
		if err != nil {
			serverDone <- err
			return
		}
		s.CancelWrite(7)
		// Stream 4: the client stops reading with code 9; our writes fail.
		s2, err := c.AcceptStream(ctx)
		if err != nil {
			serverDone <- err
			return
		}
		var werr error
		for werr == nil {
			_, werr = s2.Write(make([]byte, 64<<10))
		}
		var se *StreamError
		if !errors.As(werr, &se) || se.Code != 9 || !se.Remote {
			serverDone <- werr
			return
		}
		c.CloseWithError(42, "bye")
		serverDone <- nil
	}()
	c, err := Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.OpenStreamSync(ctx)
	s.Write([]byte("x"))
	_, err = io.ReadAll(&s.RecvStream)
	var se *StreamError
	if !errors.As(err, &se) || se.Code != 7 || !se.Remote {
		t.Fatalf("read on a reset stream: %v, want a remote StreamError with code 7", err)
	}
	if !errors.Is(err, &StreamError{Code: 7, Remote: true}) {
		t.Error("errors.Is does not match the StreamError by code")
	}
	s2, _ := c.OpenStreamSync(ctx)
	s2.Write([]byte("y"))
	s2.CancelRead(9)
	if err := <-serverDone; err != nil {
		t.Fatalf("server: %v", err)
	}
	<-c.Context().Done()
	_, err = c.AcceptStream(ctx)
	var ae *ApplicationError
	if !errors.As(err, &ae) || ae.Code != 42 || ae.Reason != "bye" || !ae.Remote {
		t.Fatalf("after the peer's close: %v, want a remote ApplicationError 42 \"bye\"", err)
	}
	if !errors.Is(err, net.ErrClosed) {
		t.Error("connection error does not match net.ErrClosed")
	}
	if !errors.Is(context.Cause(c.Context()), &ApplicationError{Code: 42, Remote: true}) {
		t.Errorf("context cause %v", context.Cause(c.Context()))
	}
}

// TestDeadlines checks read and write deadlines.
func TestDeadlines(t *testing.T) {
	srv, ctls := echoServer(t, &Config{InitialStreamReceiveWindow: 16 << 10, MaxStreamReceiveWindow: 16 << 10})
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, srv.Addr().String(), ctls, &Config{StreamSendBuffer: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	s, _ := c.OpenStreamSync(ctx)
	s.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = s.Read(make([]byte, 10))
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read past the deadline: %v", err)
	}
	// Nobody reads the echo: the server's window and our send buffer fill,
	// and a write blocks until its deadline.
	s.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	var werr error
	for werr == nil {
		_, werr = s.Write(make([]byte, 64<<10))
	}
	if !errors.Is(werr, os.ErrDeadlineExceeded) {
		t.Fatalf("write past the deadline: %v", werr)
	}
}

// droppingConn is a PacketConn whose writes can be switched to vanish.
type droppingConn struct {
	net.PacketConn
	drop atomic.Bool
}

func (d *droppingConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if d.drop.Load() {
		return len(p), nil
	}
	return d.PacketConn.WriteTo(p, addr)
}

// TestTimeoutErrors checks the handshake and idle timeout errors.
func TestTimeoutErrors(t *testing.T) {
	stls, ctls := testTLS(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dc := &droppingConn{PacketConn: pc}
	// The wrapper hides the UDP socket: the portable I/O path is used.
	srv, err := NewEndpoint(dc, stls, &Config{MaxIdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	go func() {
		for {
			if _, err := srv.Accept(context.Background()); err != nil {
				return
			}
		}
	}()
	ctx := context.Background()
	c, err := Dial(ctx, srv.Addr().String(), ctls, &Config{MaxIdleTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	dc.drop.Store(true) // the server falls silent
	<-c.Context().Done()
	err = context.Cause(c.Context())
	var ie *IdleTimeoutError
	var ne net.Error
	if !errors.As(err, &ie) || !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("after the peer fell silent: %v, want IdleTimeoutError", err)
	}

	// A server that never answers: the handshake times out.
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	_, err = Dial(ctx, silent.LocalAddr().String(), ctls, &Config{HandshakeTimeout: 300 * time.Millisecond})
	var he *HandshakeTimeoutError
	if !errors.As(err, &he) {
		t.Fatalf("dial to a silent address: %v, want HandshakeTimeoutError", err)
	}
}
