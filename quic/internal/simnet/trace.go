package simnet

import (
	"fmt"
	"net/netip"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// EventKind is the kind of a trace Event.
type EventKind uint8

// Event kinds.
const (
	EventSend    EventKind = iota // a node sent a datagram into the network
	EventDrop                     // the network dropped it (Reason says why)
	EventDeliver                  // a node received it
	EventTimeout                  // a node's timer fired
)

var eventKindNames = [...]string{"send", "drop", "deliver", "timeout"}

// Event is one entry of the network's trace.
type Event struct {
	Time     protocol.Time
	Kind     EventKind
	From, To netip.AddrPort // for EventTimeout, From is the node
	Len      int
	ECN      uint8
	Reason   DropReason
}

// String formats the event on one line.
func (e Event) String() string {
	k := eventKindNames[e.Kind]
	switch e.Kind {
	case EventTimeout:
		return fmt.Sprintf("%d %s %v", e.Time, k, e.From)
	case EventDrop:
		return fmt.Sprintf("%d %s %v->%v len=%d ecn=%d %v", e.Time, k, e.From, e.To, e.Len, e.ECN, e.Reason)
	}
	return fmt.Sprintf("%d %s %v->%v len=%d ecn=%d", e.Time, k, e.From, e.To, e.Len, e.ECN)
}
