// Package hq is HTTP/0.9 over QUIC as the QUIC interop runner uses it,
// with the ALPN token "hq-interop": the client sends "GET /<path>\r\n"
// and a FIN on a new bidirectional stream, and the server answers on the
// same stream with the raw bytes of the file and a FIN. There are no
// status lines or headers; a request the server cannot answer gets its
// stream reset.
package hq

// ALPN is the application protocol token of HTTP/0.9 over QUIC in the
// interop runner.
const ALPN = "hq-interop"
