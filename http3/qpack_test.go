package http3_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/internal/fakequic"
	"github.com/quicr/quicr/http3/qpack"
)

// TestQPACKBlockedStream sends a request whose HEADERS reference dynamic
// table entries before the encoder stream carries them: the server waits
// (RFC 9204, 2.2.1), then answers and acknowledges the section on its
// decoder stream (4.4.1).
func TestQPACKBlockedStream(t *testing.T) {
	srv := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Header.Get("X-Custom"))
	})}
	p := newRawClient(t, srv)
	p.control(nil)
	enc := qpack.NewEncoder(qpack.EncoderConfig{MaxTableCapacity: 4096, ShouldIndex: func(qpack.HeaderField) bool { return true }})
	enc.SetPeerSettings(4096, 16) // the Server's defaults
	var fields []qpack.HeaderField
	for i := 0; i+1 < len(getFields); i += 2 {
		fields = append(fields, qpack.HeaderField{Name: getFields[i], Value: getFields[i+1]})
	}
	fields = append(fields, qpack.HeaderField{Name: "x-custom", Value: "dynamic"})
	section := enc.EncodeFieldSection(nil, 0, fields)
	if enc.InsertCount() == 0 {
		t.Fatal("encoder inserted nothing")
	}
	s := p.request(frame(nil, 0x01, section), true)
	p.uni(append([]byte{0x02}, enc.AppendEncoderStream(nil)...))
	code, body := resetCode(s)
	if code != 0 || !strings.HasSuffix(string(body), "dynamic") {
		t.Fatalf("response: code %v body %q", http3.ErrCode(code), body)
	}
	// Find the server's decoder stream and apply what it says.
	buf := make([]byte, 256)
	for enc.KnownReceivedCount() < enc.InsertCount() {
		u, err := p.conn.AcceptUniStream(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := u.Read(buf[:1]); n != 1 || buf[0] != 0x03 {
			continue
		}
		for enc.KnownReceivedCount() < enc.InsertCount() {
			n, err := u.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			if err := enc.HandleDecoderStream(buf[:n]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestQPACKDynamicTableDisabled runs requests with the dynamic table off
// on one side and on by default on the other.
func TestQPACKDynamicTableDisabled(t *testing.T) {
	for _, capacity := range []int{-1, 0, 64} {
		l := fakequic.NewListener(fakequic.Config{})
		srv := &http3.Server{QPACKMaxTableCapacity: capacity, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Echo", r.Header.Get("X-Long"))
		})}
		go srv.Serve(l)
		tr := &http3.Transport{Dial: l.DialFunc(), QPACKMaxTableCapacity: -capacity}
		long := strings.Repeat("v", 100)
		for range 3 {
			req, _ := http.NewRequest("GET", "https://example.com/", nil)
			req.Header.Set("X-Long", long)
			resp, err := tr.RoundTrip(req)
			if err != nil {
				t.Fatalf("capacity %d: %v", capacity, err)
			}
			resp.Body.Close()
			if resp.Header.Get("X-Echo") != long {
				t.Fatalf("capacity %d: echo %q", capacity, resp.Header.Get("X-Echo"))
			}
		}
		tr.CloseIdleConnections()
		srv.Close()
	}
}

// TestStreamLimit: with two request streams allowed, many requests still
// complete as streams finish and credit returns.
func TestStreamLimit(t *testing.T) {
	l := fakequic.NewListener(fakequic.Config{MaxBidiStreams: 2})
	srv := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	})}
	go srv.Serve(l)
	defer srv.Close()
	tr := &http3.Transport{Dial: l.DialFunc()}
	defer tr.CloseIdleConnections()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			path := "/" + strings.Repeat("x", i)
			resp, err := tr.RoundTrip(mustRequest("GET", "https://example.com"+path))
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != path {
				t.Errorf("got %q, want %q", b, path)
			}
		})
	}
	wg.Wait()
	if l.Dials() != 1 {
		t.Fatalf("%d dials", l.Dials())
	}
}

func mustRequest(method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}
