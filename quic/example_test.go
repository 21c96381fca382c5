package quic_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"sync"

	"github.com/quicr/quicr/certs"
	"github.com/quicr/quicr/quic"
)

// exampleTLS returns a server config with a self-signed certificate and a
// client config that skips verification (examples only: verify in real
// code).
func exampleTLS() (server, client *tls.Config) {
	cert, err := certs.SelfSigned("localhost")
	if err != nil {
		log.Fatal(err)
	}
	server = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"echo"}}
	client = &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"echo"}}
	return server, client
}

// An echo server and a client that sends one message on one stream.
func Example_echo() {
	serverTLS, clientTLS := exampleTLS()
	ctx := context.Background()
	ep, err := quic.Listen("127.0.0.1:0", serverTLS, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer ep.Close()
	go func() {
		for {
			c, err := ep.Accept(ctx)
			if err != nil {
				return
			}
			go func() {
				for {
					s, err := c.AcceptStream(ctx)
					if err != nil {
						return
					}
					go func() {
						io.Copy(&s.SendStream, &s.RecvStream) // echo until FIN
						s.Close()
					}()
				}
			}()
		}
	}()

	c, err := quic.Dial(ctx, ep.Addr().String(), clientTLS, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseWithError(0, "bye")
	s, err := c.OpenStreamSync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	s.Write([]byte("hello, quicr"))
	s.Close() // FIN: the echo ends when our data does
	reply, err := s.ReadToEnd(1 << 10)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s (version %v)\n", reply, c.ConnectionState().Version)
	// Output: hello, quicr (version v1)
}

// Many streams at once: each waits for stream credit if the server's limit
// is reached (OpenStreamSync), and credit comes back as streams finish.
func Example_concurrentStreams() {
	serverTLS, clientTLS := exampleTLS()
	ctx := context.Background()
	ep, err := quic.Listen("127.0.0.1:0", serverTLS, &quic.Config{MaxIncomingStreams: 10})
	if err != nil {
		log.Fatal(err)
	}
	defer ep.Close()
	go func() {
		c, err := ep.Accept(ctx)
		if err != nil {
			return
		}
		for {
			s, err := c.AcceptStream(ctx)
			if err != nil {
				return
			}
			go func() {
				b, _ := io.ReadAll(&s.RecvStream)
				fmt.Fprintf(&s.SendStream, "%d bytes", len(b))
				s.Close()
			}()
		}
	}()
	c, err := quic.Dial(ctx, ep.Addr().String(), clientTLS, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.OpenStreamSync(ctx)
			if err != nil {
				log.Print(err)
				return
			}
			s.Write(make([]byte, i))
			s.Close()
			if _, err := io.ReadAll(&s.RecvStream); err == nil {
				mu.Lock()
				total++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Println(total, "streams answered")
	// Output: 100 streams answered
}

// Unreliable datagrams (RFC 9221), negotiated with EnableDatagrams.
func Example_datagrams() {
	serverTLS, clientTLS := exampleTLS()
	ctx := context.Background()
	conf := &quic.Config{EnableDatagrams: true}
	ep, err := quic.Listen("127.0.0.1:0", serverTLS, conf)
	if err != nil {
		log.Fatal(err)
	}
	defer ep.Close()
	go func() {
		c, err := ep.Accept(ctx)
		if err != nil {
			return
		}
		for {
			d, err := c.ReceiveDatagram(ctx)
			if err != nil {
				return
			}
			c.SendDatagram(append([]byte("echo: "), d...))
		}
	}()
	c, err := quic.Dial(ctx, ep.Addr().String(), clientTLS, conf)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	if err := c.SendDatagram([]byte("ping")); err != nil {
		log.Fatal(err)
	}
	d, err := c.ReceiveDatagram(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(d))
	// Output: echo: ping
}
