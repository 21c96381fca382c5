package main

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/quicr/quicr/certs"
)

// settleTime lets the last handshakes' follow-up packets (HANDSHAKE_DONE,
// NEW_CONNECTION_ID, session tickets, their ACKs) pass before the idle
// case samples memory.
const settleTime = time.Second

// server is the server subprocess: an HTTP/0.9 server that answers each
// request stream with the size of body it names, until its stdin closes.
type server struct {
	st     stack
	expect int    // the idle case: sample memory once this many are open
	heapAt string // the idle case: write a heap profile here when sampling

	mu      sync.Mutex
	res     sideResult
	live    map[conn]struct{} // connections still open, for their stats
	printed bool
}

func runServer(o *options) error {
	st, err := newStack(o.stack, o.maxStreams)
	if err != nil {
		return err
	}
	cert, err := certs.SelfSigned()
	if err != nil {
		return err
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{alpn}}
	pc, err := openUDP("127.0.0.1:0")
	if err != nil {
		return err
	}
	ln, err := st.listen(pc, tc)
	if err != nil {
		return err
	}
	s := &server{st: st, res: sideResult{Role: "server"}, live: make(map[conn]struct{})}
	if o.caseName == caseIdle {
		s.expect = o.idle
		if o.memProfile != "" {
			s.heapAt = o.memProfile + ".idle"
		}
	}
	s.res.Socket = inspectUDP(pc)
	s.res.MemBefore = sampleMemory()
	fmt.Printf("READY %s %s\n", pc.LocalAddr(), base64.StdEncoding.EncodeToString(cert.Certificate[0]))

	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(io.Discard, os.Stdin) // the parent closes stdin to stop us
		cancel()
	}()
	go s.acceptLoop(ctx, ln)
	<-ctx.Done()
	s.mu.Lock()
	s.res.SockStats = socketStatsOf(ln)
	s.mu.Unlock()
	s.report()
	ln.Close()
	return nil
}

// acceptors is the number of goroutines calling Accept: quic-go refuses a
// handshaken connection when its accept queue (32) is full, which one
// starved accepting goroutine on two cores can let happen under 64
// parallel handshakes.
const acceptors = 4

func (s *server) acceptLoop(ctx context.Context, ln listener) {
	for range acceptors {
		go func() {
			for {
				c, err := ln.Accept(ctx)
				if err != nil {
					return
				}
				s.mu.Lock()
				s.res.Conns++
				s.live[c] = struct{}{}
				full := s.res.Conns == s.expect
				s.mu.Unlock()
				if full {
					go s.sampleIdle(ln)
				}
				go s.serveConn(c)
			}
		}()
	}
}

// sampleIdle reports the memory with all idle connections open.
func (s *server) sampleIdle(ln listener) {
	time.Sleep(settleTime)
	m := sampleMemory()
	if s.heapAt != "" {
		if err := writeAllocProfile(s.heapAt); err != nil {
			log.Print(err)
		}
	}
	s.mu.Lock()
	s.res.MemAfter = m
	s.res.SockStats = socketStatsOf(ln)
	s.mu.Unlock()
	s.report()
}

// report prints the RESULT line, once, counting the connections still
// open as they are now.
func (s *server) report() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.printed {
		return
	}
	s.printed = true
	r := s.res
	for c := range s.live {
		r.Stats.add(c.Stats())
	}
	printResult(&r)
}

func (s *server) serveConn(c conn) {
	for {
		str, err := c.AcceptStream(context.Background())
		if err != nil {
			break
		}
		go serveStream(str)
	}
	st := c.Stats()
	s.mu.Lock()
	s.res.Stats.add(st)
	delete(s.live, c)
	s.mu.Unlock()
}

func serveStream(str stream) {
	req, err := io.ReadAll(io.LimitReader(str, maxRequest))
	if err != nil {
		log.Printf("server: reading request: %v", err)
		return
	}
	size, err := parseRequest(req)
	if err != nil {
		log.Printf("server: %v", err)
		str.Close()
		return
	}
	if err := writeBody(str, size); err != nil {
		log.Printf("server: writing body: %v", err)
		return
	}
	str.Close()
}
