package hq

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/quicr/quicr/certs"
	"github.com/quicr/quicr/quic"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testServer serves root on a loopback endpoint and returns a connection
// to it. Everything is torn down when the test ends.
func testServer(t *testing.T, root string, conf *quic.Config) *quic.Conn {
	t.Helper()
	cert, err := certs.SelfSigned()
	if err != nil {
		t.Fatal(err)
	}
	ep, err := quic.Listen("127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{ALPN}}, conf)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		srv := &Server{Root: root, Logf: t.Logf}
		for {
			c, err := ep.Accept(ctx)
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				srv.ServeConn(ctx, c)
			}()
		}
	}()
	t.Cleanup(func() {
		cancel()
		ep.Close()
		wg.Wait()
	})
	dctx, dcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer dcancel()
	c, err := quic.Dial(dctx, ep.Addr().String(), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{ALPN}}, conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseWithError(0, "") })
	return c
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGetConcurrent(t *testing.T) {
	root := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	// Three rounds of these stay under the quic package's initial
	// connection flow-control window (768 KiB).
	sizes := []int{0, 1, 32, 1200, 16 << 10, 64 << 10, 160 << 10}
	files := map[string][]byte{}
	for i, n := range sizes {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("file-%d", i)
		if i == 3 {
			name = "sub/dir/" + name
		}
		files[name] = b
		writeFile(t, filepath.Join(root, name), b)
	}
	// Few streams, so that most Gets wait in OpenStreamSync for credit.
	c := testServer(t, root, &quic.Config{MaxIncomingStreams: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for round := range 3 {
		for name, want := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var buf bytes.Buffer
				path := "/" + name
				if round == 1 {
					path = name // the leading slash is optional
				}
				n, err := Get(ctx, c, path, &buf)
				if err != nil {
					t.Errorf("Get %s: %v", name, err)
					return
				}
				if n != int64(len(want)) || !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("Get %s: got %d bytes, want %d, or the content differs", name, n, len(want))
				}
			}()
		}
	}
	wg.Wait()
}

func TestGetRefused(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "www")
	writeFile(t, filepath.Join(root, "ok"), []byte("fine"))
	writeFile(t, filepath.Join(dir, "secret"), []byte("do not serve"))
	if err := os.Mkdir(filepath.Join(root, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "secret"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(root, "up")); err != nil {
		t.Fatal(err)
	}
	c := testServer(t, root, nil)
	tests := []struct {
		path string
		code quic.StreamErrorCode
	}{
		{"/missing", CodeNotFound},
		{"/emptydir", CodeNotFound},
		{"/../secret", CodeBadRequest},
		{"/ok/../../secret", CodeBadRequest},
		{"/", CodeBadRequest},
		{"/link", CodeNotFound},
		{"/up/secret", CodeNotFound},
		{"/has space", CodeBadRequest},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, tt := range tests {
		var buf bytes.Buffer
		_, err := Get(ctx, c, tt.path, &buf)
		var se *quic.StreamError
		if !errors.As(err, &se) || se.Code != tt.code || !se.Remote {
			t.Errorf("Get %q: err %v, want a remote reset with code %#x", tt.path, err, uint64(tt.code))
		}
		if buf.Len() != 0 {
			t.Errorf("Get %q: got %q", tt.path, buf.Bytes())
		}
	}
	// The connection still serves good requests.
	var buf bytes.Buffer
	if _, err := Get(ctx, c, "/ok", &buf); err != nil || buf.String() != "fine" {
		t.Errorf("Get /ok after refusals: %q, %v", buf.Bytes(), err)
	}
}

func TestGetContextCancelled(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "big"), make([]byte, 8<<20))
	c := testServer(t, root, nil)
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{n: 64 << 10, cancel: cancel}
	_, err := Get(ctx, c, "/big", w)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Get with a cancelled context: %v, want context.Canceled", err)
	}
}

// cancelAfter cancels a context once n bytes were written to it.
type cancelAfter struct {
	n      int
	cancel context.CancelFunc
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	w.n -= len(p)
	if w.n <= 0 {
		w.cancel()
	}
	return len(p), nil
}
