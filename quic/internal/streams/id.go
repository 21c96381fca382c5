// Package streams holds the stream-level machinery of a QUIC connection
// (RFC 9000, 2 and 3): stream IDs, the per-direction state machines, the
// send buffer that keeps data until it is acknowledged, the receive buffer
// that reassembles out-of-order data, and stream-count limits with credit
// re-issued as streams finish.
package streams

// ID is a stream ID (RFC 9000, 2.1). The two low bits say who opened the
// stream and whether it is unidirectional.
type ID uint64

// MaxStreamCount is the largest stream count a MAX_STREAMS frame or
// transport parameter may carry (RFC 9000, 4.6).
const MaxStreamCount = 1 << 60

// Dir is a stream's directionality.
type Dir uint8

// Directions.
const (
	Bidi Dir = iota
	Uni
)

// String returns the qlog name of the direction.
func (d Dir) String() string {
	if d == Uni {
		return "unidirectional"
	}
	return "bidirectional"
}

// NewID returns the ID of the num-th (0-based) stream of its kind.
func NewID(num uint64, clientInitiated bool, dir Dir) ID {
	id := ID(num << 2)
	if !clientInitiated {
		id |= 1
	}
	if dir == Uni {
		id |= 2
	}
	return id
}

// ClientInitiated reports whether a client opened the stream.
func (id ID) ClientInitiated() bool { return id&1 == 0 }

// Dir returns the stream's directionality.
func (id ID) Dir() Dir {
	if id&2 != 0 {
		return Uni
	}
	return Bidi
}

// Num returns the stream's index among the streams of its kind.
func (id ID) Num() uint64 { return uint64(id) >> 2 }

// LocallyInitiated reports whether the endpoint with the given role opened
// the stream.
func (id ID) LocallyInitiated(isClient bool) bool { return id.ClientInitiated() == isClient }

// CanSend reports whether the endpoint with the given role may send on the
// stream: not on a unidirectional stream the peer opened (RFC 9000, 2.1).
func (id ID) CanSend(isClient bool) bool { return id.Dir() == Bidi || id.LocallyInitiated(isClient) }

// CanReceive reports whether the endpoint may receive on the stream: not on
// a unidirectional stream it opened itself.
func (id ID) CanReceive(isClient bool) bool {
	return id.Dir() == Bidi || !id.LocallyInitiated(isClient)
}
