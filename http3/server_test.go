package http3_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/qpack"
)

func TestGetAndPost(t *testing.T) {
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("read body: %v", err)
		}
		w.Header().Set("X-Method", r.Method)
		w.Header().Set("X-Proto", r.Proto)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s %s %s len=%d body=%s", r.Method, r.Host, r.URL.RequestURI(), r.ContentLength, b)
	}))
	tests := []struct {
		method, url, body, want string
	}{
		{"GET", "https://example.com/a?b=c", "", "GET example.com /a?b=c len=-1 body="},
		{"POST", "https://example.com:8443/post", "hello", "POST example.com:8443 /post len=5 body=hello"},
		{"PUT", "https://example.com/put", "", "PUT example.com /put len=0 body="},
	}
	for _, tt := range tests {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		}
		req, _ := http.NewRequest(tt.method, tt.url, body)
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.method, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: read: %v", tt.method, err)
		}
		if resp.StatusCode != http.StatusCreated || string(b) != tt.want || resp.Header.Get("X-Method") != tt.method || resp.Proto != "HTTP/3.0" {
			t.Errorf("%s: %d %q %v, want 201 %q", tt.method, resp.StatusCode, b, resp.Header, tt.want)
		}
		if resp.ContentLength != int64(len(tt.want)) {
			t.Errorf("%s: ContentLength %d, want %d", tt.method, resp.ContentLength, len(tt.want))
		}
	}
	// example.com:443 and example.com:8443 are two origins.
	if n := e.l.Dials(); n != 2 {
		t.Errorf("%d connections dialled, want 2", n)
	}
}

func TestLargeBodies(t *testing.T) {
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			t.Errorf("server read: %v", err)
		}
		w.Header().Set("X-Sum", fmt.Sprintf("%x", h.Sum(nil)))
		w.Header().Set("X-Len", strconv.FormatInt(n, 10))
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		w.Write(pattern(size))
	}))
	for _, size := range []int{0, 1, 16 << 10, 16<<10 + 1, 3 << 20} {
		body := pattern(size)
		sum := sha256.Sum256(body)
		resp, err := e.client.Post("https://example.com/?size="+strconv.Itoa(size), "application/octet-stream", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("size %d: read: %v", size, err)
		}
		if resp.Header.Get("X-Sum") != fmt.Sprintf("%x", sum) || resp.Header.Get("X-Len") != strconv.Itoa(size) {
			t.Errorf("size %d: server saw len %s sum %s", size, resp.Header.Get("X-Len"), resp.Header.Get("X-Sum"))
		}
		if !bytes.Equal(got, body) {
			t.Errorf("size %d: response body differs (len %d)", size, len(got))
		}
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

func TestConcurrentRequests(t *testing.T) {
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Path", r.URL.Path)
		io.WriteString(w, strings.Repeat(r.URL.Path, 100))
	}))
	const n = 100
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			path := "/" + strconv.Itoa(i)
			resp, err := e.client.Get("https://example.com" + path)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err != nil || string(b) != strings.Repeat(path, 100) || resp.Header.Get("X-Path") != path {
				t.Errorf("%s: %q %v", path, b, err)
			}
		})
	}
	wg.Wait()
	if d := e.l.Dials(); d != 1 {
		t.Errorf("%d connections, want 1", d)
	}
}

func TestTrailers(t *testing.T) {
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Trailer["X-Req-Trailer"]; !ok {
			t.Errorf("declared request trailer missing before body: %v", r.Trailer)
		}
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Trailer", "X-Declared")
		w.WriteHeader(200)
		w.Write(b)
		w.(http.Flusher).Flush()
		w.Header().Set("X-Declared", "d:"+r.Trailer.Get("X-Req-Trailer"))
		w.Header().Set(http.TrailerPrefix+"X-Prefixed", "p")
	}))
	req, _ := http.NewRequest("POST", "https://example.com/", io.NopCloser(strings.NewReader("body")))
	req.Trailer = http.Header{"X-Req-Trailer": nil}
	done := make(chan struct{})
	req.Body = &trailerSetter{r: strings.NewReader("body"), set: func() { req.Trailer.Set("X-Req-Trailer", "rt"); close(done) }}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || string(b) != "body" {
		t.Fatalf("body %q %v", b, err)
	}
	<-done
	if got := resp.Trailer.Get("X-Declared"); got != "d:rt" {
		t.Errorf("X-Declared trailer %q, want d:rt (trailers %v)", got, resp.Trailer)
	}
	if got := resp.Trailer.Get("X-Prefixed"); got != "p" {
		t.Errorf("X-Prefixed trailer %q, want p", got)
	}
}

// trailerSetter sets the request trailer when the body hits EOF, as
// net/http allows.
type trailerSetter struct {
	r   io.Reader
	set func()
}

func (s *trailerSetter) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err == io.EOF && s.set != nil {
		s.set()
		s.set = nil
	}
	return n, err
}

func (s *trailerSetter) Close() error { return nil }

func TestHeadAndStatus(t *testing.T) {
	e := newTestEnv(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nocontent":
			w.WriteHeader(http.StatusNoContent)
			if _, err := w.Write([]byte("x")); err != http.ErrBodyNotAllowed {
				t.Errorf("write after 204: %v", err)
			}
		case "/early":
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusTeapot)
		default:
			w.Header().Set("Content-Length", "5")
			io.WriteString(w, "hello")
		}
	}))
	tests := []struct {
		method, path string
		status       int
		cl           int64
		body         string
	}{
		{"HEAD", "/", 200, 5, ""},
		{"GET", "/", 200, 5, "hello"},
		{"GET", "/nocontent", 204, -1, ""},
		{"GET", "/early", 418, 0, ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, "https://example.com"+tt.path, nil)
		resp, err := e.client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.method, tt.path, err)
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != tt.status || resp.ContentLength != tt.cl || string(b) != tt.body {
			t.Errorf("%s %s: %d cl=%d %q %v, want %d cl=%d %q", tt.method, tt.path, resp.StatusCode, resp.ContentLength, b, err, tt.status, tt.cl, tt.body)
		}
	}
}

func TestRequestHeaderTooLarge(t *testing.T) {
	srv := &http3.Server{MaxHeaderBytes: 1024, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	p := newRawClient(t, srv)
	p.control(nil)
	code, b := resetCode(p.request(headersFrame(append(getFields, "x-big", strings.Repeat("b", 2000))...), true))
	if code != 0 || len(b) < 2 || b[0] != 0x01 {
		t.Fatalf("code %v, response %x", http3.ErrCode(code), b)
	}
	dec := qpack.NewDecoder(qpack.DecoderConfig{})
	fields, _, err := dec.DecodeFieldSection(0, b[2:2+int(b[1])], nil)
	if err != nil || len(fields) == 0 || fields[0].Value != "431" {
		t.Fatalf("response fields %v %v, want :status 431", fields, err)
	}
}
