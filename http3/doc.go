// Package http3 implements HTTP/3 (RFC 9114) with net/http's face: a
// Server that serves any http.Handler and a Transport that implements
// http.RoundTripper.
//
// HTTP/3 runs over QUIC, which this package reaches only through the
// interfaces in transport.go (Conn, Stream, Listener, DialFunc). A thin
// adapter plugs a QUIC implementation in; internal/fakequic is an in-memory
// one for tests. Field sections are compressed with QPACK (RFC 9204,
// package http3/qpack), dynamic table included.
//
// Server push is never enabled: no MAX_PUSH_ID is sent, so push streams
// and PUSH_PROMISE frames are errors. CONNECT tunnels are answered with
// 501.
//
// Serving:
//
//	srv := &http3.Server{Handler: mux}
//	go srv.Serve(listener) // listener: an http3.Listener from the QUIC adapter
//	...
//	srv.Shutdown(ctx) // GOAWAY, wait for in-flight requests
//
// Fetching:
//
//	client := &http.Client{Transport: &http3.Transport{Dial: dial}}
//	resp, err := client.Get("https://example.com/")
package http3
