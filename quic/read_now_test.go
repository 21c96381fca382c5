package quic

import (
	"sync"
	"testing"
)

// TestReadNowBesideReader routes datagrams from the socket on another
// goroutine than the endpoint's reader, as a driver waiting for a
// server's flight does (readNow), all through echoes of many sizes: every
// datagram reaches its connection once and in one piece, whichever of
// the two read it.
func TestReadNowBesideReader(t *testing.T) {
	cl, srv, echo := echoPair(t, nil)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, ep := range []*Endpoint{cl, srv} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					ep.readNow()
				}
			}
		})
	}
	for _, n := range []int{1, 1000, 5000, 100 << 10, 1 << 20} {
		echo(n)
	}
	close(stop)
	wg.Wait()
	if cl.readNowGot.Load()+srv.readNowGot.Load() == 0 {
		t.Fatal("readNow routed no datagram: the test tried nothing")
	}
}
