package quic

import (
	"context"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

// TestLoopbackRetryAndVersions runs handshakes over loopback that take a
// detour: a Retry (RFC 9000, 8.1.2; the runner's 'retry' case), compatible
// version negotiation to QUIC v2 (RFC 9368 and 9369; the 'v2' case), and
// incompatible version negotiation (RFC 9000, 6.2). Each echoes data, ends
// on the wanted version, and the client's qlog shows the detour.
func TestLoopbackRetryAndVersions(t *testing.T) {
	tests := []struct {
		name        string
		server      Config
		client      []Version
		wantVersion Version
		wantPacket  qlog.PacketType // received by the client; "" for none
	}{
		{"retry", Config{RequireAddressValidation: true}, nil, Version1, qlog.PacketTypeRetry},
		{"compatible v1 to v2", Config{Versions: []Version{Version2, Version1}}, []Version{Version1, Version2}, Version2, ""},
		{"v2 from the start", Config{Versions: []Version{Version2, Version1}}, []Version{Version2}, Version2, ""},
		{"compatible v2 to v1, the server's choice", Config{}, []Version{Version2, Version1}, Version1, ""},
		{"retry in v2", Config{RequireAddressValidation: true, Versions: []Version{Version2}}, []Version{Version2}, Version2, qlog.PacketTypeRetry},
		{"version negotiation to v1", Config{Versions: []Version{Version1}}, []Version{Version2, Version1}, Version1, qlog.PacketTypeVersionNegotiation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, ctls := echoServer(t, &tt.server)
			defer srv.Close()
			dir := t.TempDir()
			conf := &Config{Versions: tt.client, Tracer: qlog.DirTracer(dir)}
			cli := listenClient(t, conf)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			c, err := cli.Dial(ctx, srv.Addr().String(), ctls, conf)
			if err != nil {
				t.Fatal(err)
			}
			fetch(t, ctx, c, []byte("across the detour"))
			if v := c.ConnectionState().Version; v != tt.wantVersion {
				t.Errorf("version %#x, want %#x", uint32(v), uint32(tt.wantVersion))
			}
			c.CloseWithError(0, "")
			cli.Close() // flushes the trace

			counts, files := receivedPacketTypes(t, dir)
			for _, pt := range []qlog.PacketType{qlog.PacketTypeRetry, qlog.PacketTypeVersionNegotiation} {
				want := 0
				if pt == tt.wantPacket {
					want = 1
				}
				if counts[pt] != want {
					t.Errorf("client received %d %s packets, want %d (traces %v)", counts[pt], pt, want, files)
				}
			}
		})
	}
}

// receivedPacketTypes counts the packet_received events by packet type in
// the qlog traces in dir.
func receivedPacketTypes(t *testing.T, dir string) (map[qlog.PacketType]int, []string) {
	t.Helper()
	counts := map[qlog.PacketType]int{}
	var names []string
	for _, f := range readTraces(t, dir) {
		names = append(names, f.name)
		for _, e := range f.trace.Find("transport:packet_received") {
			if pt, ok := e.String("header.packet_type"); ok {
				counts[qlog.PacketType(pt)]++
			}
		}
	}
	return counts, names
}

// notifyingTokenStore signals each token stored.
type notifyingTokenStore struct {
	TokenStore
	stored chan struct{}
}

func (s *notifyingTokenStore) Put(key string, token []byte) {
	s.TokenStore.Put(key, token)
	select {
	case s.stored <- struct{}{}:
	default:
	}
}

// TestLoopbackNewToken: a server that validates every address hands out a
// NEW_TOKEN after the handshake; the client's token store offers it on the
// next connection, which skips the Retry (RFC 9000, 8.1.3).
func TestLoopbackNewToken(t *testing.T) {
	srv, ctls := echoServer(t, &Config{RequireAddressValidation: true})
	defer srv.Close()
	dir := t.TempDir()
	store := &notifyingTokenStore{NewLRUTokenStore(4, 2), make(chan struct{}, 4)}
	conf := &Config{TokenStore: store, Tracer: qlog.DirTracer(dir)}
	cli := listenClient(t, conf)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := range 2 {
		c, err := cli.Dial(ctx, srv.Addr().String(), ctls, conf)
		if err != nil {
			t.Fatal(err)
		}
		fetch(t, ctx, c, []byte("token"))
		if i == 0 {
			select {
			case <-store.stored:
			case <-ctx.Done():
				t.Fatal("no NEW_TOKEN reached the store")
			}
		}
		c.CloseWithError(0, "")
	}
	cli.Close()
	counts, files := receivedPacketTypes(t, dir)
	if len(files) != 2 || counts[qlog.PacketTypeRetry] != 1 {
		t.Errorf("%d traces with %d Retry packets; want 2 connections and a Retry for the first only", len(files), counts[qlog.PacketTypeRetry])
	}
}
