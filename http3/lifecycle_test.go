package http3_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/internal/fakequic"
)

// TestShutdownGoAway: during Shutdown the in-flight request completes, and
// a new request goes to another connection (RFC 9114, 5.2).
func TestShutdownGoAway(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	l1 := fakequic.NewListener(fakequic.Config{})
	l2 := fakequic.NewListener(fakequic.Config{})
	srv1 := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		io.WriteString(w, "one")
	})}
	srv2 := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "two")
	})}
	goAwaySent := make(chan struct{})
	go func() {
		c, err := l1.Accept(context.Background())
		if err == nil {
			srv1.ServeConn(&spyConn{Conn: c, onControlWrite: func(n int) {
				if n == 2 { // the first write is the stream type and SETTINGS
					close(goAwaySent)
				}
			}})
		}
	}()
	go srv2.Serve(l2)
	defer srv2.Close()
	tr := &http3.Transport{Dial: multiDial(l1, l2)}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	get := func(path string) (string, error) {
		resp, err := client.Get("https://example.com" + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	slow := make(chan string, 1)
	go func() {
		b, err := get("/slow")
		if err != nil {
			b = err.Error()
		}
		slow <- b
	}()
	<-started
	shut := make(chan error, 1)
	go func() { shut <- srv1.Shutdown(context.Background()) }()
	<-goAwaySent
	// Whether this request races the GOAWAY (and is rejected, then retried)
	// or follows it, it must be served by the second server.
	if b, err := get("/new"); err != nil || b != "two" {
		t.Fatalf("request after GOAWAY: %q %v, want two", b, err)
	}
	close(release)
	if b := <-slow; b != "one" {
		t.Fatalf("in-flight request: %q, want one", b)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	c := l1.Clients()[0]
	<-c.Context().Done()
	if e := c.CloseError(); e.Code != uint64(http3.ErrCodeNoError) {
		t.Fatalf("first connection closed with %v", e)
	}
}

// TestGoAwayRetriesUnprocessed: a raw server accepts two requests, sends
// GOAWAY naming the second and answers only the first; the second is
// retried on a new connection.
func TestGoAwayRetriesUnprocessed(t *testing.T) {
	c1, s1 := fakequic.NewPair(fakequic.Config{})
	l2 := fakequic.NewListener(fakequic.Config{})
	srv2 := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "retried")
	})}
	go srv2.Serve(l2)
	defer srv2.Close()
	first := true
	tr := &http3.Transport{Dial: func(ctx context.Context, addr string, conf *tls.Config) (http3.Conn, error) {
		if first {
			first = false
			return c1, nil
		}
		return l2.DialFunc()(ctx, addr, conf)
	}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	raw := &rawPeer{t: t, conn: s1}
	ctrl := raw.control(nil)

	results := make(chan string, 2)
	for range 2 {
		go func() {
			resp, err := client.Post("https://example.com/", "text/plain", strings.NewReader("x"))
			if err != nil {
				results <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			results <- string(b)
		}()
	}
	var streams []http3.Stream
	for range 2 {
		s, err := s1.AcceptStream(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, s)
	}
	ctrl.Write(frame(nil, 0x07, varints(4)))
	var kept http3.Stream
	for _, s := range streams {
		if s.StreamID() == 0 {
			kept = s
		}
	}
	// Answer stream 0 (status 200, body "kept") after draining its request.
	io.Copy(io.Discard, kept)
	resp := headersFrame(":status", "200")
	kept.Write(append(resp, frame(nil, 0x00, []byte("kept"))...))
	kept.Close()
	got := map[string]bool{<-results: true, <-results: true}
	if !got["kept"] || !got["retried"] {
		t.Fatalf("results %v, want kept and retried", got)
	}
	if l2.Dials() != 1 {
		t.Fatalf("%d dials to the second server, want 1", l2.Dials())
	}
}

// TestEarlyData: with a 0-RTT connection, GET goes out at once while POST
// waits for the handshake (RFC 9114, 10.9).
func TestEarlyData(t *testing.T) {
	c, s := fakequic.NewPair(fakequic.Config{Early: true})
	srv := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Method)
	})}
	go srv.ServeConn(s)
	defer srv.Close()
	tr := &http3.Transport{Dial: func(context.Context, string, *tls.Config) (http3.Conn, error) { return c, nil }}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	resp, err := client.Get("https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "GET" || !resp.TLS.HandshakeComplete {
		t.Fatalf("GET in 0-RTT: %q", b)
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", "https://example.com/", strings.NewReader("x"))
	done := make(chan error, 1)
	go func() {
		_, err := client.Do(req)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, http3.ErrHandshakeIncomplete) {
		t.Fatalf("POST before handshake: %v, want ErrHandshakeIncomplete", err)
	}
	if bidi, _ := c.StreamsOpened(); bidi != 1 {
		t.Fatalf("%d request streams opened, want only the GET's", bidi)
	}
	c.CompleteHandshake()
	resp, err = client.Post("https://example.com/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "POST" {
		t.Fatalf("POST after handshake: %q", b)
	}
}

// TestRequestCancel: cancelling a request resets its stream with
// H3_REQUEST_CANCELLED and the handler's context ends.
func TestRequestCancel(t *testing.T) {
	handlerDone := make(chan error, 1)
	started := make(chan struct{})
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
		handlerDone <- r.Context().Err()
	}))
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "https://example.com/", nil)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	<-started
	cancel()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Fatal("body read after cancel succeeded")
	}
	resp.Body.Close()
	if err := <-handlerDone; err == nil {
		t.Fatal("handler context not cancelled")
	}
}

// TestHandlerErrors: a panicking handler and a handler breaking its
// Content-Length reset the stream; the client sees an error, and the
// connection keeps working.
func TestHandlerErrors(t *testing.T) {
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/panic":
			panic(http.ErrAbortHandler)
		case "/short":
			w.Header().Set("Content-Length", "10")
			io.WriteString(w, "12345")
		default:
			io.WriteString(w, "fine")
		}
	}))
	for _, path := range []string{"/panic", "/short"} {
		resp, err := e.client.Get("https://example.com" + path)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("%s: no error", path)
		}
	}
	resp, err := e.client.Get("https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "fine" || e.l.Dials() != 1 {
		t.Fatalf("follow-up: %q after %d dials", b, e.l.Dials())
	}
}

// TestConnectionFailure: a request on a connection the peer closes reports
// the connection error.
func TestConnectionFailure(t *testing.T) {
	p := newRawServer(t)
	errc := make(chan error, 1)
	go func() {
		_, err := p.client.Get("https://example.com/")
		errc <- err
	}()
	if _, err := p.conn.AcceptStream(context.Background()); err != nil {
		t.Fatal(err)
	}
	p.conn.CloseWithError(uint64(http3.ErrCodeInternalError), "boom")
	err := <-errc
	var ae *fakequic.ApplicationError
	if !errors.As(err, &ae) || ae.Code != uint64(http3.ErrCodeInternalError) || !ae.Remote {
		t.Fatalf("error %v, want the remote close", err)
	}
}

func TestAltSvc(t *testing.T) {
	h := http3.SetAltSvc(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), 8443)
	w := &recorder{h: http.Header{}}
	h.ServeHTTP(w, &http.Request{ProtoMajor: 2})
	if got := w.h.Get("Alt-Svc"); got != `h3=":8443"; ma=86400` {
		t.Fatalf("Alt-Svc %q", got)
	}
	w = &recorder{h: http.Header{}}
	h.ServeHTTP(w, &http.Request{ProtoMajor: 3})
	if got := w.h.Get("Alt-Svc"); got != "" {
		t.Fatalf("Alt-Svc on HTTP/3: %q", got)
	}
}

type recorder struct{ h http.Header }

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(int)             {}

// spyConn reports writes on the first unidirectional stream it opens,
// which is the control stream.
type spyConn struct {
	http3.Conn
	onControlWrite func(n int)
	opened         bool
}

func (c *spyConn) OpenUniStreamSync(ctx context.Context) (http3.SendStream, error) {
	s, err := c.Conn.OpenUniStreamSync(ctx)
	if err != nil || c.opened {
		return s, err
	}
	c.opened = true
	return &spyStream{SendStream: s, onWrite: c.onControlWrite}, nil
}

type spyStream struct {
	http3.SendStream
	onWrite func(n int)
	n       int
}

func (s *spyStream) Write(b []byte) (int, error) {
	n, err := s.SendStream.Write(b)
	s.n++
	s.onWrite(s.n)
	return n, err
}

// TestIdleTimeout: an idle connection is shut down with GOAWAY and ends
// with H3_NO_ERROR.
func TestIdleTimeout(t *testing.T) {
	l := fakequic.NewListener(fakequic.Config{})
	srv := &http3.Server{IdleTimeout: time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	go srv.Serve(l)
	defer srv.Close()
	tr := &http3.Transport{Dial: l.DialFunc()}
	resp, err := tr.RoundTrip(mustRequest("GET", "https://example.com/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := l.Clients()[0]
	<-c.Context().Done()
	if e := c.CloseError(); e.Code != uint64(http3.ErrCodeNoError) {
		t.Fatalf("closed with %v", e)
	}
}
