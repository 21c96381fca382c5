package quic

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogcheck"
	"github.com/quicr/quicr/qlog/qlogread"
)

// TestQlogLoopback writes QLOGDIR-style traces of a loopback transfer with
// a key update and checks both with the validator.
func TestQlogLoopback(t *testing.T) {
	dir := t.TempDir()
	conf := &Config{Tracer: qlog.DirTracer(dir)}
	stls, ctls := testTLS(t)
	srv, err := Listen("127.0.0.1:0", stls, conf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
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
	cli, err := Listen("127.0.0.1:0", nil, conf)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cli.Dial(ctx, srv.Addr().String(), ctls, conf)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.OpenStreamSync(ctx)
	// A first round trip of data, echoed back, acknowledges packets of the
	// first key phase: then a key update is allowed (RFC 9001, 6.1).
	if _, err := s.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(&s.RecvStream, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := c.InitiateKeyUpdate(); err != nil {
		t.Fatalf("key update: %v", err)
	}
	s.Write(make([]byte, 1<<20))
	s.Close()
	if _, err := io.ReadFull(&s.RecvStream, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	c.CloseWithError(0, "done")
	// Closing both endpoints ends every connection and flushes the traces.
	cli.Close()
	srv.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.sqlog"))
	if len(files) != 2 {
		t.Fatalf("trace files %v, want a client and a server trace", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range qlogcheck.Check(filepath.Base(f), b) {
			if !p.Warning {
				t.Errorf("%s: %v", filepath.Base(f), p)
			}
		}
		tr, err := qlogread.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range []string{"security:key_updated", "connectivity:connection_closed", "transport:packet_sent"} {
			if tr.Find(ev) == nil {
				t.Errorf("%s: no %s event", filepath.Base(f), ev)
			}
		}
	}
}

// BenchmarkTracing compares a 100 MB transfer with tracing off and on.
func BenchmarkTracing(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "off"
		if on {
			name = "on"
		}
		b.Run(name, func(b *testing.B) {
			conf := &Config{}
			if on {
				dir := b.TempDir()
				conf.Tracer = qlog.DirTracer(dir)
			}
			stls, ctls := testTLS(b)
			srv, err := Listen("127.0.0.1:0", stls, conf)
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			const size = 100 << 20
			chunk := make([]byte, 1<<20)
			go func() {
				c, err := srv.Accept(context.Background())
				if err != nil {
					return
				}
				for {
					s, err := c.AcceptStream(context.Background())
					if err != nil {
						return
					}
					go func() {
						io.Copy(io.Discard, &s.RecvStream)
						for left := size; left > 0; left -= len(chunk) {
							if _, err := s.Write(chunk); err != nil {
								return
							}
						}
						s.Close()
					}()
				}
			}()
			ctx := context.Background()
			c, err := Dial(ctx, srv.Addr().String(), ctls, conf)
			if err != nil {
				b.Fatal(err)
			}
			defer c.CloseWithError(0, "")
			buf := make([]byte, 1<<20)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				s, _ := c.OpenStreamSync(ctx)
				s.Close()
				if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{&s.RecvStream}, buf); err != nil || n != size {
					b.Fatalf("%d bytes: %v", n, err)
				}
			}
		})
	}
}
