// Package quic is a QUIC transport (RFC 9000, 9001, 9002; QUIC version 2,
// RFC 9369; datagrams, RFC 9221) over UDP.
//
// An Endpoint owns one UDP socket and can dial and accept connections on
// it at the same time, so two peers can connect to each other from the
// sockets they already have. A Conn carries streams, opened up to the
// peer's limit and accepted as the peer opens them, and unreliable
// datagrams. Streams are io.Reader and io.Writer values with deadlines and
// cancellation.
//
// # Goroutines
//
// Each Endpoint runs one reader goroutine. It reads batches of datagrams
// from the socket (with GRO where the kernel has it), finds the connection
// each one belongs to by its Destination Connection ID, and hands it to
// that connection's bounded inbound queue; when the queue is full the
// datagram is dropped, as the network might have. Datagrams that belong to
// no connection are answered right there: Version Negotiation, Retry or a
// stateless reset. One exception: a client connection that has just read
// a ServerHello sent ahead of the rest of the server's flight reads the
// socket once itself, so that the flight, which usually arrives while TLS
// works on the ServerHello, is answered in the same step.
//
// Each Conn runs one driver goroutine. The protocol state machine
// (internal/core) sits behind a mutex that the driver and the application
// share. The driver feeds it received datagrams and timer expiries, writes
// what it produces to the socket (in GSO batches where available), wakes
// the application goroutines that wait on streams, and sleeps until the
// next datagram, timer or wake-up. Application calls lock the mutex, apply
// the command and wake the driver; they never do network I/O themselves.
// Blocking calls wait on per-stream signals together with their context,
// deadline and the connection's end.
//
// Endpoint.Close closes every connection with CONNECTION_CLOSE and returns
// once all goroutines have exited: no goroutine outlives it.
//
// # Resumption
//
// A server sends one session ticket per connection, after the handshake,
// and only to a client that offers resumption in its ClientHello (the
// psk_dhe_ke mode, RFC 8446, 4.2.9): a crypto/tls client does when its
// tls.Config has a ClientSessionCache, which is also where Dial and
// DialEarly look for a ticket to resume with.
//
// # Closing
//
// SendStream.Close sends a FIN after all data written so far; the data is
// still delivered (retransmitted if lost) while the connection lives.
// CancelWrite resets the stream at once and drops unsent data. When the
// connection closes, data not yet acknowledged is lost: close the
// connection only after the peer has confirmed what it needed.
package quic
