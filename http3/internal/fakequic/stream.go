package fakequic

import (
	"context"
	"time"
)

// Stream is a bidirectional stream, or one half of a unidirectional one
// (the unused pipe is nil).
type Stream struct {
	id   int64
	self side
	send *pipe
	recv *pipe
	ctx  context.Context
}

// StreamID returns the QUIC stream ID.
func (s *Stream) StreamID() int64 { return s.id }

// Read reads stream data; io.EOF after the peer's FIN.
func (s *Stream) Read(b []byte) (int, error) { return s.recv.read(b, s.self) }

// Write writes stream data, blocking while the peer's buffer is full.
func (s *Stream) Write(b []byte) (int, error) { return s.send.write(b, s.self) }

// Close sends FIN.
func (s *Stream) Close() error { return s.send.closeWrite() }

// CancelWrite resets the sending half.
func (s *Stream) CancelWrite(code uint64) { s.send.cancelWrite(code) }

// CancelRead stops the receiving half.
func (s *Stream) CancelRead(code uint64) { s.recv.cancelRead(code) }

// SetReadDeadline sets the read deadline.
func (s *Stream) SetReadDeadline(t time.Time) error { s.recv.setReadDeadline(t); return nil }

// SetWriteDeadline sets the write deadline.
func (s *Stream) SetWriteDeadline(t time.Time) error { s.send.setWriteDeadline(t); return nil }

// SetDeadline sets both deadlines.
func (s *Stream) SetDeadline(t time.Time) error {
	s.recv.setReadDeadline(t)
	s.send.setWriteDeadline(t)
	return nil
}

// Context is done when the sending half ends.
func (s *Stream) Context() context.Context { return s.ctx }
