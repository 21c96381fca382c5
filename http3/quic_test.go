package http3

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/quicr/quicr/certs"
	"github.com/quicr/quicr/quic"
)

// TestOverQUIC runs the HTTP/3 server and Transport over quicr's quic
// package on loopback: GET, a large POST echoed back, trailers, and 100
// concurrent requests on one connection.
func TestOverQUIC(t *testing.T) {
	cert, err := certs.SelfSigned("localhost")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s over %s", r.URL.Query().Get("n"), r.Proto)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Sum")
		n, _ := io.Copy(w, r.Body)
		w.Header().Set("X-Sum", fmt.Sprint(n))
	})
	ep, err := quic.Listen("127.0.0.1:0", ConfigureTLS(&tls.Config{Certificates: []tls.Certificate{cert}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Handler: mux}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(NewListener(ep)) }()
	tr := &Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	client := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	base := "https://" + ep.Addr().String()

	resp, err := client.Get(base + "/hello?n=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello 1 over HTTP/3.0" || resp.StatusCode != 200 {
		t.Fatalf("GET: %d %q", resp.StatusCode, body)
	}

	data := make([]byte, 3<<20)
	rand.Read(data)
	resp, err = client.Post(base+"/echo", "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(body, data) || resp.Trailer.Get("X-Sum") != fmt.Sprint(len(data)) {
		t.Fatalf("POST echo: %d bytes, trailer %q", len(body), resp.Trailer.Get("X-Sum"))
	}

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(fmt.Sprintf("%s/hello?n=%d", base, i))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if want := fmt.Sprintf("hello %d over HTTP/3.0", i); string(b) != want {
				errs <- fmt.Errorf("request %d: %q", i, b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	ep.Close()
	<-served
}
