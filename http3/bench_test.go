package http3_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func BenchmarkRoundTripGet(b *testing.B) {
	e := newTestEnv(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	req, _ := http.NewRequest("GET", "https://example.com/bench", nil)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := e.tr.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func BenchmarkRoundTripPost64K(b *testing.B) {
	e := newTestEnv(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(w, r.Body)
	}))
	body := strings.Repeat("x", 64<<10)
	b.ReportAllocs()
	b.SetBytes(int64(2 * len(body)))
	for b.Loop() {
		req, _ := http.NewRequest("POST", "https://example.com/bench", strings.NewReader(body))
		resp, err := e.tr.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
