package quic_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"

	"github.com/quicr/quicr/quic"
)

// A client moves its connection to a new socket (say, after the network
// changed) with Endpoint.Rebind; the server validates the new address and
// the stream carries on.
func ExampleEndpoint_Rebind() {
	serverTLS, clientTLS := exampleTLS()
	ctx := context.Background()
	srv, err := quic.Listen("127.0.0.1:0", serverTLS, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	go func() {
		c, err := srv.Accept(ctx)
		if err != nil {
			return
		}
		s, err := c.AcceptStream(ctx)
		if err != nil {
			return
		}
		io.Copy(&s.SendStream, &s.RecvStream)
		s.Close()
	}()

	cli, err := quic.Listen("127.0.0.1:0", nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Close()
	c, err := cli.Dial(ctx, srv.Addr().String(), clientTLS, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer c.CloseWithError(0, "bye")
	s, err := c.OpenStreamSync(ctx)
	if err != nil {
		log.Fatal(err)
	}
	s.Write([]byte("before, "))
	buf := make([]byte, 8)
	if _, err := io.ReadFull(&s.RecvStream, buf); err != nil {
		log.Fatal(err)
	}

	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if err := cli.Rebind(pc); err != nil {
		log.Fatal(err)
	}
	s.Write([]byte("after"))
	s.Close()
	rest, err := s.ReadToEnd(1 << 10)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s%s\n", buf, rest)
	// Output: before, after
}
