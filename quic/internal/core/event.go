package core

import (
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/streams"
)

// EventKind says what an Event reports.
type EventKind uint8

// Events the I/O layer acts on.
const (
	// EventHandshakeDone: the handshake completed; streams may be used.
	EventHandshakeDone EventKind = iota + 1
	// EventStreamOpened: the peer opened StreamID.
	EventStreamOpened
	// EventStreamReadable: data, EOF or a reset is ready on StreamID.
	EventStreamReadable
	// EventStreamWritable: StreamID accepts writes again, or its sending
	// part ended (stopped by the peer, or all data acknowledged).
	EventStreamWritable
	// EventStreamDone: StreamID is finished both ways and forgotten.
	EventStreamDone
	// EventStreamsAvailable: the peer granted credit for new streams.
	EventStreamsAvailable
	// EventDatagram: a DATAGRAM frame arrived (read with ReadDatagram).
	EventDatagram
	// EventConnIDIssued: route packets to ConnID to this connection.
	EventConnIDIssued
	// EventConnIDRetired: stop routing ConnID to this connection.
	EventConnIDRetired
	// Event0RTTRejected: the server rejected 0-RTT; data sent in it is
	// being re-sent in 1-RTT packets.
	Event0RTTRejected
	// EventResetToken: Data is a stateless reset token of the peer; a
	// datagram ending in it goes to this connection (RFC 9000, 10.3.1).
	EventResetToken
	// EventSessionTicket: the client stored a session ticket; a later
	// connection can resume (and maybe use 0-RTT).
	EventSessionTicket
	// EventNewToken: the server sent a NEW_TOKEN token (Data) for the
	// client's next connection (RFC 9000, 8.1.3).
	EventNewToken
	// EventClosed: the connection ended (Err says why); it lingers in
	// the closing or draining state until EventDrained.
	EventClosed
	// EventDrained: every timer is done; the connection can be freed.
	EventDrained
)

// Event is one thing the I/O layer must act on.
type Event struct {
	Kind     EventKind
	StreamID streams.ID
	ConnID   protocol.ConnectionID
	Data     []byte
	Err      error
}

func (c *Conn) emit(e Event) { c.events = append(c.events, e) }

// PollEvent returns the next pending event.
func (c *Conn) PollEvent() (Event, bool) {
	if c.eventHead >= len(c.events) {
		c.events, c.eventHead = c.events[:0], 0
		return Event{}, false
	}
	e := c.events[c.eventHead]
	c.events[c.eventHead] = Event{}
	c.eventHead++
	return e, true
}

// streamEvent reports a stream event once until the application reacts.
func (c *Conn) streamEvent(s *stream, bit uint8) {
	if s.eventBits&bit != 0 {
		return
	}
	s.eventBits |= bit
	kind := EventStreamReadable
	if bit == evWritable {
		kind = EventStreamWritable
	}
	c.emit(Event{Kind: kind, StreamID: s.id})
}
