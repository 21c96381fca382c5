package quic

import (
	"context"
	"crypto/rand"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestRobustEndpointCloseUnderLoad closes a server endpoint over real
// loopback while 10 connections with 4 streams each are mid-transfer
// through its echo handlers. Close returns promptly, every client stream
// operation fails instead of hanging (at the latest at the clients' idle
// timeout), and no goroutine of either endpoint or of the connections is
// left behind.
func TestRobustEndpointCloseUnderLoad(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	const conns, perConn, warm = 10, 4, 64 << 10
	srv, ctls := echoServer(t, nil)
	client, err := Listen("127.0.0.1:0", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	chunk := make([]byte, 16<<10)
	rand.Read(chunk)
	var wg sync.WaitGroup
	var warmed sync.WaitGroup
	var echoed, failed atomic.Int64
	for range conns {
		// The server's CONNECTION_CLOSE may be lost (loopback drops under
		// load too), and a closed endpoint sends no stateless reset: then
		// the client learns of the close by its idle timeout.
		c, err := client.Dial(ctx, srv.Addr().String(), ctls, &Config{MaxIdleTimeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for range perConn {
			s, err := c.OpenStreamSync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wg.Add(2)
			warmed.Add(1)
			go func() {
				defer wg.Done()
				for {
					if _, err := s.Write(chunk); err != nil {
						failed.Add(1)
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				buf := make([]byte, 32<<10)
				got, signalled := 0, false
				for {
					n, err := s.Read(buf)
					got += n
					echoed.Add(int64(n))
					if !signalled && got >= warm {
						warmed.Done()
						signalled = true
					}
					if err != nil {
						if !signalled {
							warmed.Done()
						}
						if err != io.EOF {
							failed.Add(1)
						}
						return
					}
				}
			}()
		}
	}
	warmed.Wait()
	before := echoed.Load()
	start := time.Now()
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server Close did not return within 10 s")
	}
	closeTook := time.Since(start)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("client streams still blocked 10 s after the server closed")
	}
	t.Logf("%d connections x %d streams, %d bytes echoed before Close; Close took %v, clients unblocked after %v; %d stream operations failed",
		conns, perConn, before, closeTook, time.Since(start), failed.Load())
	if failed.Load() == 0 {
		t.Error("no client stream noticed the close")
	}
	if err := client.Close(); err != nil {
		t.Errorf("client Close: %v", err)
	}
}
