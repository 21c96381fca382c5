package quic

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/streams"
)

// streamState is the application side of one stream: the wake-up signals
// its readers and writers wait on, and their deadlines.
type streamState struct {
	c       *Conn
	id      streams.ID
	readCh  chan struct{}
	writeCh chan struct{}
	rd, wd  deadline
	// readErr is sticky once the read side ended (EOF, reset, stop), so
	// later reads repeat it after the core forgot the stream.
	readErr error
}

func (s *streamState) signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// A SendStream is the sending part of a stream.
type SendStream struct{ s *streamState }

// A RecvStream is the receiving part of a stream.
type RecvStream struct{ s *streamState }

// A Stream is a bidirectional stream: a SendStream and a RecvStream.
type Stream struct {
	SendStream
	RecvStream
}

// StreamID returns the stream's ID (RFC 9000, 2.1).
func (s *Stream) StreamID() int64 { return int64(s.SendStream.s.id) }

// SetDeadline sets both the read and the write deadline.
func (s *Stream) SetDeadline(t time.Time) error {
	s.SetReadDeadline(t)
	return s.SetWriteDeadline(t)
}

// StreamID returns the stream's ID.
func (s *SendStream) StreamID() int64 { return int64(s.s.id) }

// Write writes p to the stream, blocking while the send buffer is full.
// It fails if the stream was reset, the peer sent STOP_SENDING (a
// *StreamError), the deadline passed or the connection ended.
func (s *SendStream) Write(p []byte) (int, error) {
	st, c := s.s, s.s.c
	total := 0
	for {
		c.mu.Lock()
		n, err := c.core.StreamWrite(st.id, p)
		c.mu.Unlock()
		total += n
		p = p[n:]
		if n > 0 {
			c.wakeDriver()
		}
		if err != nil {
			return total, writeErr(err)
		}
		if len(p) == 0 {
			return total, nil
		}
		select {
		case <-st.writeCh:
		case <-c.closed:
			return total, c.err()
		case <-st.wd.wait():
			return total, errDeadline
		}
	}
}

func writeErr(err error) error {
	if errors.Is(err, core.ErrStreamClosed) {
		return errWriteClosed
	}
	return fromCore(err)
}

var errWriteClosed = errors.New("quic: write on closed or reset stream")

// Close ends the stream with a FIN after the data written so far, which
// is still delivered. It does not block.
func (s *SendStream) Close() error {
	c := s.s.c
	c.mu.Lock()
	err := c.core.StreamClose(s.s.id)
	c.mu.Unlock()
	c.wakeDriver()
	return fromCore(err)
}

// CancelWrite resets the stream with RESET_STREAM and code: unsent and
// unacknowledged data is dropped (RFC 9000, 3.1).
func (s *SendStream) CancelWrite(code StreamErrorCode) {
	c := s.s.c
	c.mu.Lock()
	c.core.StreamReset(s.s.id, uint64(code))
	c.mu.Unlock()
	c.wakeDriver()
}

// SetWriteDeadline sets the deadline for Write.
func (s *SendStream) SetWriteDeadline(t time.Time) error {
	s.s.wd.set(t)
	return nil
}

// Context returns the connection's context: done when the connection
// ends.
func (s *SendStream) Context() context.Context { return s.s.c.ctx }

// StreamID returns the stream's ID.
func (s *RecvStream) StreamID() int64 { return int64(s.s.id) }

// Read reads in-order data. At the end of the stream it returns io.EOF; if
// the peer reset the stream, a *StreamError.
func (s *RecvStream) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	st, c := s.s, s.s.c
	for {
		c.mu.Lock()
		if st.readErr != nil {
			c.mu.Unlock()
			return 0, st.readErr
		}
		n, err := c.core.StreamRead(st.id, p)
		if err != nil && !errors.Is(err, core.ErrConnClosed) {
			if !errors.Is(err, io.EOF) {
				err = fromCore(err)
			}
			st.readErr = err
		}
		c.mu.Unlock()
		if n > 0 {
			c.wakeDriver() // flow-control credit may be due
		}
		if n > 0 || err != nil {
			return n, fromCore(err)
		}
		if err := st.waitRead(); err != nil {
			return 0, err
		}
	}
}

func (st *streamState) waitRead() error {
	select {
	case <-st.readCh:
		return nil
	case <-st.c.closed:
		// One more read returns what is buffered, then the error.
		st.signal(st.readCh)
		return nil
	case <-st.rd.wait():
		return errDeadline
	}
}

// ReadUnordered copies the next chunk of received data into p, whatever
// its position in the stream, and returns its offset: data arrives as the
// network delivers it, with no head-of-line blocking. At the end it
// returns io.EOF. Don't mix it with Read on one stream.
func (s *RecvStream) ReadUnordered(p []byte) (offset int64, n int, err error) {
	st, c := s.s, s.s.c
	for {
		c.mu.Lock()
		if st.readErr != nil {
			c.mu.Unlock()
			return 0, 0, st.readErr
		}
		off, data, err := c.core.StreamReadUnordered(st.id)
		if err != nil && !errors.Is(err, core.ErrConnClosed) {
			if !errors.Is(err, io.EOF) {
				err = fromCore(err)
			}
			st.readErr = err
		}
		n = copy(p, data)
		if n < len(data) {
			// p was too small: the rest stays queued as a new chunk.
			c.core.StreamUnread(st.id, off+uint64(n), data[n:])
		}
		c.mu.Unlock()
		if n > 0 {
			c.wakeDriver()
			return int64(off), n, nil
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, 0, io.EOF
			}
			return 0, 0, fromCore(err)
		}
		if err := st.waitRead(); err != nil {
			return 0, 0, err
		}
	}
}

// ErrTooLarge is returned by ReadToEnd when the stream is longer than the
// limit.
var ErrTooLarge = errors.New("quic: stream data exceeds the limit")

// ReadToEnd reads the rest of the stream, from where Read stopped, up to
// limit bytes, using unordered reads so that no chunk waits for an earlier
// one. Do not mix it with ReadUnordered.
func (s *RecvStream) ReadToEnd(limit int) ([]byte, error) {
	st, c := s.s, s.s.c
	c.mu.Lock()
	base := int64(c.core.StreamReadOffset(st.id))
	c.mu.Unlock()
	buf := make([]byte, 0, min(limit, 64<<10))
	var chunk [4096]byte
	size := 0
	for {
		abs, n, err := s.ReadUnordered(chunk[:])
		if errors.Is(err, io.EOF) {
			return buf[:size], nil
		}
		if err != nil {
			return nil, err
		}
		off := abs - base
		if off < 0 {
			continue // read before ReadToEnd began
		}
		end := int(off) + n
		if end > limit {
			s.CancelRead(0)
			return nil, ErrTooLarge
		}
		if end > len(buf) {
			if end > cap(buf) {
				nb := make([]byte, end, max(2*cap(buf), end))
				copy(nb, buf)
				buf = nb
			}
			buf = buf[:end]
		}
		copy(buf[off:], chunk[:n])
		size = max(size, end)
	}
}

// CancelRead asks the peer to stop sending with STOP_SENDING and code;
// buffered and future data is discarded (RFC 9000, 3.5).
func (s *RecvStream) CancelRead(code StreamErrorCode) {
	c := s.s.c
	c.mu.Lock()
	c.core.StreamStopSending(s.s.id, uint64(code))
	c.mu.Unlock()
	c.wakeDriver()
}

// SetReadDeadline sets the deadline for Read.
func (s *RecvStream) SetReadDeadline(t time.Time) error {
	s.s.rd.set(t)
	return nil
}
