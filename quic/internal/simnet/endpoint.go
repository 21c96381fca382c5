package simnet

import "github.com/quicr/quicr/quic/internal/protocol"

// Endpoint is a sans-IO endpoint the Network drives: a QUIC endpoint that
// owns many connections fits, since timers and transmits are per endpoint.
type Endpoint interface {
	// HandleDatagram delivers d at now. d.To is the endpoint's own
	// address; the endpoint may keep d.Data.
	HandleDatagram(now protocol.Time, d Datagram)
	// HandleTimeout fires the timers due at or before now.
	HandleTimeout(now protocol.Time)
	// PollTransmit returns the next datagram to send, if any. Its Data may
	// alias buf (the network copies it). A zero From means the node's own
	// address. The network calls it until ok is false after every input.
	// Endpoints that build GSO batches split them into datagrams here.
	PollTransmit(now protocol.Time, buf []byte) (d Datagram, ok bool)
	// NextTimeout returns when HandleTimeout should next run, or
	// protocol.Never.
	NextTimeout() protocol.Time
}
