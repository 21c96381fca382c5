package streams

import "github.com/quicr/quicr/quic/internal/rangeset"

// SendBuffer holds the data written to the sending part of a stream until
// the peer acknowledges it (RFC 9000, 2.2 and 13.3: stream data lost in a
// packet is sent again in new frames). Offsets are stream offsets.
type SendBuffer struct {
	buf   []byte // buf[start:] holds offsets [base, written)
	start int
	base  uint64 // everything below base is acknowledged and dropped

	sent  uint64            // data below sent went out at least once
	acked rangeset.RangeSet // acknowledged ranges at or above base
	lost  rangeset.RangeSet // ranges to send again
	fin   finState          // the FIN bit's own progress
	reset bool              // the stream was reset: nothing more is sent
}

type finState uint8

const (
	finNone    finState = iota
	finPending          // the application closed the stream; FIN not yet sent
	finSent
	finAcked
)

// Written returns the total number of bytes written.
func (s *SendBuffer) Written() uint64 { return s.base + uint64(len(s.buf)-s.start) }

// Buffered returns the bytes held: written and not yet acknowledged.
func (s *SendBuffer) Buffered() int { return len(s.buf) - s.start }

// Sent returns the offset up to which data has been sent at least once.
func (s *SendBuffer) Sent() uint64 { return s.sent }

// Write appends p to the stream.
func (s *SendBuffer) Write(p []byte) {
	if s.start > 0 && cap(s.buf)-len(s.buf) < len(p) {
		// Reclaim the acknowledged prefix instead of growing.
		n := copy(s.buf, s.buf[s.start:])
		s.buf = s.buf[:n]
		s.start = 0
	}
	s.buf = append(s.buf, p...)
}

// Close marks the end of the stream: a FIN follows the written data.
func (s *SendBuffer) Close() {
	if s.fin == finNone {
		s.fin = finPending
	}
}

// Closed reports whether Close was called.
func (s *SendBuffer) Closed() bool { return s.fin != finNone }

// Reset discards everything: the stream was reset (RFC 9000, 3.1).
func (s *SendBuffer) Reset() {
	s.reset = true
	s.buf, s.start = nil, 0
	s.acked.Clear()
	s.lost.Clear()
}

// HasNewData reports whether unsent data or an unsent FIN waits, given that
// the peer allows sending up to offset limit (stream flow control).
func (s *SendBuffer) HasNewData(limit uint64) bool {
	if s.reset {
		return false
	}
	if s.sent < s.Written() && s.sent < limit {
		return true
	}
	return s.fin == finPending && s.sent == s.Written()
}

// HasData reports whether anything waits to be sent: lost data first, then
// new data below limit.
func (s *SendBuffer) HasData(limit uint64) bool {
	return !s.reset && (!s.lost.Empty() || s.HasNewData(limit))
}

// NextFrame returns the next chunk to put in a STREAM frame of at most
// maxLen data bytes: lost data first, then new data below limit (stream
// flow control; the caller also folds in connection credit). data aliases
// the buffer and is valid until the next Write. isNew reports whether the
// chunk extends Sent, so the caller can charge connection flow control.
func (s *SendBuffer) NextFrame(maxLen int, limit uint64) (off uint64, data []byte, fin bool, isNew bool) {
	if s.reset || maxLen < 0 {
		return 0, nil, false, false
	}
	written := s.Written()
	if !s.lost.Empty() {
		r := s.lost.At(s.lost.Len() - 1) // lowest lost range first
		end := min(r.End, r.Start+uint64(maxLen))
		s.lost.Remove(r.Start, end)
		if s.fin == finPending && end == written && s.sent == written {
			fin = true
			s.fin = finSent
		}
		return r.Start, s.slice(r.Start, end), fin, false
	}
	end := min(written, s.sent+uint64(maxLen), max(limit, s.sent))
	off = s.sent
	data = s.slice(off, end)
	s.sent = end
	if s.fin == finPending && end == written {
		fin = true
		s.fin = finSent
	}
	return off, data, fin, len(data) > 0
}

func (s *SendBuffer) slice(from, to uint64) []byte {
	i := s.start + int(from-s.base)
	return s.buf[i : i+int(to-from)]
}

// OnAcked records the acknowledgement of a STREAM frame. It reports whether
// every byte and the FIN are now acknowledged (RFC 9000, 3.1 "Data Recvd").
func (s *SendBuffer) OnAcked(off uint64, n int, fin bool) bool {
	if s.reset {
		return false
	}
	if fin {
		s.fin = finAcked
	}
	end := off + uint64(n)
	if end > s.base {
		s.acked.Add(max(off, s.base), end)
		// Ranges already acknowledged need no retransmission.
		s.lost.Remove(off, end)
	}
	if r, ok := s.acked.Min(); ok && r == s.base {
		newBase := s.acked.At(s.acked.Len() - 1).End
		s.start += int(newBase - s.base)
		s.base = newBase
		s.acked.RemoveBelow(newBase)
		if s.start == len(s.buf) {
			s.buf, s.start = s.buf[:0], 0
		}
	}
	return s.fin == finAcked && s.base == s.Written()
}

// OnLost records the loss of a STREAM frame: its unacknowledged bytes, and
// its FIN, are sent again (RFC 9000, 13.3).
func (s *SendBuffer) OnLost(off uint64, n int, fin bool) {
	if s.reset {
		return
	}
	if fin && s.fin == finSent {
		s.fin = finPending
	}
	start, end := max(off, s.base), off+uint64(n)
	if start >= end {
		return
	}
	s.lost.Add(start, end)
	for _, r := range s.acked.Ranges() {
		if r.Start >= end {
			break
		}
		s.lost.Remove(r.Start, r.End)
	}
}

// AllAcked reports whether all data and the FIN were acknowledged.
func (s *SendBuffer) AllAcked() bool {
	return s.fin == finAcked && s.base == s.Written()
}

// HasRetransmitData reports whether lost data waits to be sent again.
func (s *SendBuffer) HasRetransmitData() bool { return !s.reset && !s.lost.Empty() }

// NextOffset returns the offset the next NextFrame call starts at: the
// lowest lost byte, or else the first unsent one.
func (s *SendBuffer) NextOffset() uint64 {
	if !s.lost.Empty() {
		return s.lost.At(s.lost.Len() - 1).Start
	}
	return s.sent
}

// RequeueUnacked marks everything sent and not yet acknowledged for
// sending again, as a PTO probe may (RFC 9002, 6.2.4). A FIN already sent
// is queued again too.
func (s *SendBuffer) RequeueUnacked() {
	if s.reset || s.sent <= s.base {
		if s.fin == finSent {
			s.fin = finPending
		}
		return
	}
	s.lost.Add(s.base, s.sent)
	for _, r := range s.acked.Ranges() {
		s.lost.Remove(r.Start, r.End)
	}
	if s.fin == finSent {
		s.fin = finPending
	}
}
