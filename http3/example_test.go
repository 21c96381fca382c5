package http3_test

import (
	"fmt"
	"io"
	"net/http"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/internal/fakequic"
)

// Example serves a handler and fetches from it over an in-memory QUIC
// connection; with a real QUIC adapter only the listener and the dial
// function change.
func Example() {
	l := fakequic.NewListener(fakequic.Config{})
	srv := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s over %s", r.URL.Path, r.Proto)
	})}
	go srv.Serve(l)
	defer srv.Close()

	tr := &http3.Transport{Dial: l.DialFunc()}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	resp, err := client.Get("https://example.com/world")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))
	// Output: 200 OK hello /world over HTTP/3.0
}
