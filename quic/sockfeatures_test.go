package quic

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"runtime"
	"testing"
	"time"
)

// transferOnce serves size random bytes on one stream and fetches them,
// returning the server and client endpoints' socket stats.
func transferOnce(t *testing.T, size int) (srvEP, cliEP *Endpoint) {
	t.Helper()
	stls, ctls := testTLS(t)
	srv, err := Listen("127.0.0.1:0", stls, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, size)
	rand.Read(data)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := srv.Accept(ctx)
		if err != nil {
			return
		}
		s, err := c.AcceptStream(ctx)
		if err != nil {
			return
		}
		io.Copy(io.Discard, &s.RecvStream)
		s.Write(data)
		s.Close()
	}()
	cli, err := Listen("127.0.0.1:0", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cli.Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.OpenStreamSync(ctx)
	s.Close()
	got, err := s.ReadToEnd(size + 1)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("transfer: %d bytes, %v", len(got), err)
	}
	<-done
	return srv, cli
}

// TestSocketFeaturesInUse shows GSO, GRO and ECN at work on Linux, and the
// same transfer with each switched off through the kill switches.
func TestSocketFeaturesInUse(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("GSO, GRO and ECN are Linux features; other systems use the portable path")
	}
	tests := []struct {
		name    string
		env     string
		wantGSO bool
		wantGRO bool
		wantECN bool
	}{
		{"all features", "", true, true, true},
		{"no GSO", "QUICR_DISABLE_GSO", false, false, true},
		{"no GRO", "QUICR_DISABLE_GRO", true, false, true},
		{"no ECN", "QUICR_DISABLE_ECN", true, true, false},
		{"no batching", "QUICR_DISABLE_BATCH", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(tt.env, "1")
			}
			srv, cli := transferOnce(t, 8<<20)
			ss, cs := srv.SocketStats(), cli.SocketStats()
			srv.Close()
			cli.Close()
			t.Logf("server %+v", ss)
			t.Logf("client %+v", cs)
			if (ss.GSOSends > 0) != tt.wantGSO {
				t.Errorf("server GSO sends %d, want GSO %v", ss.GSOSends, tt.wantGSO)
			}
			if (cs.GROReceives > 0) != tt.wantGRO {
				t.Errorf("client GRO receives %d, want GRO %v", cs.GROReceives, tt.wantGRO)
			}
			if (cs.ECNReceived > 0) != tt.wantECN || (ss.ECNReceived > 0) != tt.wantECN {
				t.Errorf("ECN-marked datagrams received: client %d, server %d; want ECN %v", cs.ECNReceived, ss.ECNReceived, tt.wantECN)
			}
		})
	}
}
