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
	srv, ctls := echoServer(t, conf)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cli := listenClient(t, conf)
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
	files := readTraces(t, dir)
	if len(files) != 2 {
		t.Fatalf("%d trace files, want a client and a server trace", len(files))
	}
	for _, f := range files {
		for _, p := range qlogcheck.Check(f.name, f.raw) {
			if !p.Warning {
				t.Errorf("%s: %v", f.name, p)
			}
		}
		for _, ev := range []string{"security:key_updated", "connectivity:connection_closed", "transport:packet_sent"} {
			if f.trace.Find(ev) == nil {
				t.Errorf("%s: no %s event", f.name, ev)
			}
		}
	}
}

// traceFile is one qlog file a test's Tracer wrote.
type traceFile struct {
	name  string // base name: <odcid>_<role>.sqlog
	raw   []byte
	trace *qlogread.Trace
}

// readTraces reads and parses every .sqlog file in dir.
func readTraces(t testing.TB, dir string) []traceFile {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*.sqlog"))
	var files []traceFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := qlogread.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		files = append(files, traceFile{name: filepath.Base(p), raw: b, trace: tr})
	}
	return files
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
			const size = 100 << 20
			srv, ctls := downloadServer(b, conf, size)
			defer srv.Close()
			runDownloads(b, context.Background(), srv.Addr().String(), ctls, conf, size)
		})
	}
}
