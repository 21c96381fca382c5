package quic

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"testing"
	"time"
)

// notifyingCache signals each stored ticket.
type notifyingCache struct {
	tls.ClientSessionCache
	stored chan struct{}
}

func (c *notifyingCache) Put(key string, cs *tls.ClientSessionState) {
	c.ClientSessionCache.Put(key, cs)
	if cs != nil {
		select {
		case c.stored <- struct{}{}:
		default:
		}
	}
}

// fetch opens a stream, sends msg and reads the echo.
func fetch(t *testing.T, ctx context.Context, c *Conn, msg []byte) {
	t.Helper()
	s, err := c.OpenStreamSync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Write(msg); err != nil {
		t.Fatal(err)
	}
	s.Close()
	got, err := io.ReadAll(&s.RecvStream)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo: %q, %v", got, err)
	}
}

func TestResumptionAnd0RTT(t *testing.T) {
	tests := []struct {
		name         string
		serverAllows bool
		want0RTT     bool
		wantResumed  bool
	}{
		{"0-RTT accepted", true, true, true},
		{"0-RTT refused, resumed", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, ctls := echoServer(t, &Config{Allow0RTT: tt.serverAllows})
			defer srv.Close()
			cache := &notifyingCache{tls.NewLRUClientSessionCache(4), make(chan struct{}, 4)}
			ctls.ClientSessionCache = cache
			conf := &Config{Allow0RTT: true}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			ep, err := Listen("127.0.0.1:0", nil, conf)
			if err != nil {
				t.Fatal(err)
			}
			defer ep.Close()

			c1, err := ep.Dial(ctx, srv.Addr().String(), ctls, conf)
			if err != nil {
				t.Fatal(err)
			}
			fetch(t, ctx, c1, []byte("first"))
			select {
			case <-cache.stored:
			case <-ctx.Done():
				t.Fatal("no session ticket")
			}
			c1.CloseWithError(0, "")

			c2, err := ep.DialEarly(ctx, srv.Addr().String(), ctls, conf)
			if err != nil {
				t.Fatal(err)
			}
			fetch(t, ctx, c2, []byte("second, maybe in 0-RTT"))
			<-c2.HandshakeComplete()
			st := c2.ConnectionState()
			if st.TLS.DidResume != tt.wantResumed || st.Used0RTT != tt.want0RTT {
				t.Errorf("resumed %v, 0-RTT %v; want %v, %v", st.TLS.DidResume, st.Used0RTT, tt.wantResumed, tt.want0RTT)
			}
			c2.CloseWithError(0, "")
		})
	}
}
