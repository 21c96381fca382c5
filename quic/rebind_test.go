package quic

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

// TestLoopbackRebind: a client endpoint moves to a new socket in the
// middle of a transfer (active migration, RFC 9000, 9.2). The data arrives
// intact, the server ends up sending to the new address after validating
// it, and the client changed its connection ID on the new path (9.5).
func TestLoopbackRebind(t *testing.T) {
	dir := t.TempDir()
	conf := &Config{Tracer: qlog.DirTracer(dir)}
	stls, ctls := testTLS(t)
	srv, err := Listen("127.0.0.1:0", stls, conf)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	accepted := make(chan *Conn, 1)
	go func() {
		c, err := srv.Accept(ctx)
		if err != nil {
			return
		}
		accepted <- c
		s, err := c.AcceptStream(ctx)
		if err != nil {
			return
		}
		io.Copy(&s.SendStream, &s.RecvStream)
		s.Close()
	}()
	cli := listenClient(t, conf)
	c, err := cli.Dial(ctx, srv.Addr().String(), ctls, conf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenStreamSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 1<<20)
	rand.Read(data)
	got := make([]byte, 2*len(data))
	if _, err := s.Write(data); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(&s.RecvStream, got[:len(data)]); err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	newAddr := pc.LocalAddr().String()
	if err := cli.Rebind(pc); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(data); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := io.ReadFull(&s.RecvStream, got[len(data):]); err != nil {
		t.Fatalf("after rebind: %v", err)
	}
	if !bytes.Equal(got[:len(data)], data) || !bytes.Equal(got[len(data):], data) {
		t.Fatal("echo differs")
	}
	sc := <-accepted
	if ra := sc.RemoteAddr().String(); ra != newAddr {
		t.Errorf("server sends to %s, want the new socket %s", ra, newAddr)
	}
	if la := cli.Addr().String(); la != newAddr {
		t.Errorf("client endpoint on %s, want %s", la, newAddr)
	}
	c.CloseWithError(0, "")
	cli.Close()
	srv.Close()

	// Each side sent a PATH_CHALLENGE (the client probing its new path,
	// the server validating the client's new address), and the client's
	// 1-RTT packets used two connection IDs.
	files := readTraces(t, dir)
	for _, f := range files {
		challenges, dcids := 0, map[string]bool{}
		for _, e := range f.trace.Find("transport:packet_sent") {
			if pt, _ := e.String("header.packet_type"); pt == "1RTT" {
				d, _ := e.String("header.dcid")
				dcids[d] = true
			}
			if slices.Contains(e.FrameTypes(), "path_challenge") {
				challenges++
			}
		}
		if challenges == 0 {
			t.Errorf("%s: no PATH_CHALLENGE sent", f.name)
		}
		if strings.HasSuffix(f.name, "_client.sqlog") && len(dcids) < 2 {
			t.Errorf("%s: 1-RTT packets used connection IDs %v, want a new one after the rebind", f.name, dcids)
		}
	}
	if len(files) != 2 {
		t.Errorf("%d traces, want a client and a server trace", len(files))
	}
}

// TestLoopbackRebindMigrationDisabled: the server set
// disable_active_migration, so a client whose socket changed may send
// nothing from it (RFC 9000, 9): its connection ends at once with
// *MigrationDisabledError, and the endpoint still dials from the new
// socket.
func TestLoopbackRebindMigrationDisabled(t *testing.T) {
	srv, ctls := echoServer(t, &Config{DisableActiveMigration: true})
	defer srv.Close()
	cli := listenClient(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := cli.Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	fetch(t, ctx, c, []byte("before")) // the round trip confirms the handshake
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Rebind(pc); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Context().Done():
	case <-ctx.Done():
		t.Fatal("the connection outlived the rebind")
	}
	var mde *MigrationDisabledError
	if err := context.Cause(c.Context()); !errors.As(err, &mde) {
		t.Fatalf("connection ended with %v, want *MigrationDisabledError", err)
	}
	c2, err := cli.Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatalf("dial from the new socket: %v", err)
	}
	fetch(t, ctx, c2, []byte("after"))
}
