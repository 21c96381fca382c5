package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// client is the client subprocess of one case.
type client struct {
	o    *options
	d    dialer
	addr *net.UDPAddr
	res  sideResult
	mu   sync.Mutex // guards res.Stats and res.Refused
	// openWait sums the time spent in OpenStreamSync, waiting for stream
	// credit (MAX_STREAMS) once the peer's limit is reached.
	openWait atomic.Int64
}

func runClient(o *options) error {
	st, err := newStack(o.stack, o.maxStreams)
	if err != nil {
		return err
	}
	der, err := base64.StdEncoding.DecodeString(o.cert)
	if err != nil {
		return fmt.Errorf("bad -cert: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("bad -cert: %v", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	// Both stacks verify the server's certificate, as a real client does.
	tc := &tls.Config{RootCAs: roots, ServerName: "localhost", NextProtos: []string{alpn}}
	addr, err := net.ResolveUDPAddr("udp", o.addr)
	if err != nil {
		return err
	}
	pc, err := openUDP("127.0.0.1:0")
	if err != nil {
		return err
	}
	d, err := st.client(pc, tc)
	if err != nil {
		return err
	}
	defer d.Close()
	c := &client{o: o, d: d, addr: addr, res: sideResult{Role: "client"}}
	c.res.Socket = inspectUDP(pc)
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	switch o.caseName {
	case caseDownload:
		err = c.download(ctx)
	case caseRR:
		err = c.requests(ctx)
	case caseHSSeq:
		err = c.handshakes(ctx, 1)
	case caseHSPar:
		err = c.handshakes(ctx, o.parallel)
	case caseIdle:
		err = c.idleConns(ctx)
	default:
		err = fmt.Errorf("unknown case %q", o.caseName)
	}
	if err != nil {
		return err
	}
	if o.caseName != caseIdle { // idleConns reports before it lets go
		c.res.SockStats = socketStatsOf(d)
		printResult(&c.res)
	}
	return nil
}

func (c *client) addStats(cn conn) {
	st := cn.Stats()
	c.mu.Lock()
	c.res.Stats.add(st)
	c.mu.Unlock()
}

// download fetches one body of -size bytes on one stream; the clock runs
// from the request to the end of the body.
func (c *client) download(ctx context.Context) error {
	cn, err := c.d.Dial(ctx, c.addr)
	if err != nil {
		return err
	}
	c.res.Conns = 1
	start := time.Now()
	str, err := cn.OpenStreamSync(ctx)
	if err != nil {
		return err
	}
	if _, err := str.Write(request(c.o.size, 0)); err != nil {
		return err
	}
	str.Close()
	n, err := readBody(str, make([]byte, chunkSize))
	if err != nil {
		return err
	}
	c.res.Elapsed = time.Since(start).Seconds()
	if n != c.o.size {
		return fmt.Errorf("got %d bytes, want %d", n, c.o.size)
	}
	c.res.Bytes, c.res.Ops = n, 1
	c.addStats(cn)
	return cn.Close()
}

// exchange makes one request on a new stream and reads the response.
func (c *client) exchange(ctx context.Context, cn conn, req, buf []byte) (int64, error) {
	t0 := time.Now()
	str, err := cn.OpenStreamSync(ctx)
	if err != nil {
		return 0, err
	}
	c.openWait.Add(int64(time.Since(t0)))
	if _, err := str.Write(req); err != nil {
		return 0, err
	}
	str.Close()
	n, err := readBody(str, buf)
	if err != nil {
		return n, err
	}
	if n != int64(c.o.respSize) {
		return n, fmt.Errorf("response of %d bytes, want %d", n, c.o.respSize)
	}
	return n, nil
}

// maxRefusals bounds the retries of one connection that the server
// refused.
const maxRefusals = 10

// dialExchange connects and makes one exchange. A server may refuse a
// connection under load (quic-go does when its accept queue is full); the
// client tries again, as a real one would, and counts the refusal.
func (c *client) dialExchange(ctx context.Context, req, buf []byte) (conn, error) {
	for try := 0; ; try++ {
		cn, err := c.d.Dial(ctx, c.addr)
		if err == nil {
			if _, err = c.exchange(ctx, cn, req, buf); err == nil {
				return cn, nil
			}
			cn.Close()
		}
		if try == maxRefusals || !strings.Contains(err.Error(), "CONNECTION_REFUSED") {
			return nil, err
		}
		c.mu.Lock()
		c.res.Refused++
		c.mu.Unlock()
	}
}

// requests makes -requests exchanges on one connection, -inflight at a
// time, each on its own stream.
func (c *client) requests(ctx context.Context) error {
	cn, err := c.d.Dial(ctx, c.addr)
	if err != nil {
		return err
	}
	c.res.Conns = 1
	req := request(int64(c.o.respSize), c.o.reqSize)
	var next, bytes atomic.Int64
	start := time.Now()
	err = parallel(c.o.inflight, func() error {
		buf := make([]byte, chunkSize)
		for next.Add(1) <= int64(c.o.requests) {
			n, err := c.exchange(ctx, cn, req, buf)
			if err != nil {
				return err
			}
			bytes.Add(n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.res.Elapsed = time.Since(start).Seconds()
	c.res.Ops, c.res.Bytes = c.o.requests, bytes.Load()
	// Per worker: the share of the run each one spent waiting for credit.
	c.res.OpenWait = time.Duration(c.openWait.Load()).Seconds() / float64(c.o.inflight)
	c.addStats(cn)
	return cn.Close()
}

// handshakes makes -conns connections, workers at a time, each with a full
// handshake, one exchange and a close.
func (c *client) handshakes(ctx context.Context, workers int) error {
	req := request(int64(c.o.respSize), c.o.reqSize)
	var next atomic.Int64
	start := time.Now()
	err := parallel(workers, func() error {
		buf := make([]byte, chunkSize)
		for next.Add(1) <= int64(c.o.conns) {
			cn, err := c.dialExchange(ctx, req, buf)
			if err != nil {
				return err
			}
			c.addStats(cn)
			cn.Close()
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.res.Elapsed = time.Since(start).Seconds()
	c.res.Ops, c.res.Conns = c.o.conns, c.o.conns
	return nil
}

// idleConns opens -idle connections, each with one exchange, samples
// memory with them open, reports, and holds them until stdin closes (after
// the server has sampled too).
func (c *client) idleConns(ctx context.Context) error {
	c.res.MemBefore = sampleMemory()
	req := request(int64(c.o.respSize), c.o.reqSize)
	conns := make([]conn, c.o.idle)
	var next atomic.Int64
	start := time.Now()
	err := parallel(c.o.parallel, func() error {
		buf := make([]byte, chunkSize)
		for {
			i := next.Add(1) - 1
			if i >= int64(len(conns)) {
				return nil
			}
			cn, err := c.dialExchange(ctx, req, buf)
			if err != nil {
				return err
			}
			conns[i] = cn
		}
	})
	if err != nil {
		return err
	}
	c.res.Elapsed = time.Since(start).Seconds()
	c.res.Ops, c.res.Conns = len(conns), len(conns)
	time.Sleep(settleTime)
	c.res.MemAfter = sampleMemory()
	if c.o.memProfile != "" { // the heap with the connections open
		if err := writeAllocProfile(c.o.memProfile + ".idle"); err != nil {
			return err
		}
	}
	c.res.SockStats = socketStatsOf(c.d)
	for _, cn := range conns {
		c.res.Stats.add(cn.Stats())
	}
	printResult(&c.res)
	io.Copy(io.Discard, os.Stdin)
	for _, cn := range conns {
		cn.Close()
	}
	return nil
}

// parallel runs f in n goroutines and returns the first error.
func parallel(n int, f func() error) error {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if err := f(); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}
