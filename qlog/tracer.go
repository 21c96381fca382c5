package qlog

import (
	"bufio"
	"encoding/hex"
	"io"
	"sync"
	"time"
)

// Options tunes a tracer. The zero value is ready to use.
type Options struct {
	// Title is the header's title; "" gives "quicr <role>".
	Title string
	// WallClock returns the wall-clock time of the trace's first event,
	// written as reference_time.wall_clock_time; nil uses time.Now.
	WallClock func() time.Time
	// BufferSize is the write buffer size; 0 means 32 KiB.
	BufferSize int
}

// ConnectionTracer writes the qlog trace of one QUIC connection as a
// JSON-SEQ (.sqlog) file. All methods may be called from several
// goroutines, and on a nil *ConnectionTracer, where they do nothing.
//
// Every event method takes now, a monotonic time in nanoseconds on the
// caller's clock (the core's protocol.Time). The first event's now is
// time 0 of the trace; later events are written as milliseconds since
// then, never earlier than the event before (qvis re-sorts otherwise).
type ConnectionTracer struct {
	mu      sync.Mutex
	w       *bufio.Writer
	closer  io.Closer
	e       enc
	role    Role
	groupID string
	title   string
	clock   func() time.Time
	started bool
	start   int64 // now of the first event
	last    int64 // latest written time, relative to start
	metrics Metrics
	err     error
	closed  bool
}

// NewTracer returns a tracer writing to w. If w is also an io.Closer,
// Close closes it. odcid, the client's first Destination Connection ID,
// becomes the group_id that pairs the client and server traces.
func NewTracer(w io.Writer, role Role, odcid []byte, opts *Options) *ConnectionTracer {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BufferSize <= 0 {
		o.BufferSize = 32 << 10
	}
	if o.WallClock == nil {
		o.WallClock = time.Now
	}
	if o.Title == "" {
		o.Title = "quicr " + role.String()
	}
	t := &ConnectionTracer{
		w:       bufio.NewWriterSize(w, o.BufferSize),
		role:    role,
		groupID: hex.EncodeToString(odcid),
		title:   o.Title,
		clock:   o.WallClock,
		e:       enc{b: make([]byte, 0, 512)},
	}
	if c, ok := w.(io.Closer); ok {
		t.closer = c
	}
	return t
}

// header writes record 1 (qlog.md 1.3): the legacy qlog_version and
// qlog_format first, because qvis sniffs only the first 1024 characters,
// then the newest-draft fields.
func (t *ConnectionTracer) header(wall time.Time) {
	e := &t.e
	e.b = append(e.b[:0], 0x1e, '{')
	e.str("qlog_version", "0.3")
	e.str("qlog_format", "JSON-SEQ")
	e.str("file_schema", "urn:ietf:params:qlog:file:sequential")
	e.str("serialization_format", "application/qlog+json-seq")
	e.str("title", t.title)
	e.object("trace")
	e.object("vantage_point")
	e.str("type", t.role.String())
	e.end('}')
	e.object("common_fields")
	e.str("group_id", t.groupID)
	e.str("time_format", "relative_to_epoch")
	// A monotonic clock has no epoch (main schema, 7.1.1); the wall clock
	// reading lets tools align two traces.
	e.object("reference_time")
	e.str("clock_type", "monotonic")
	e.str("epoch", "unknown")
	e.key("wall_clock_time")
	e.b = append(e.b, '"')
	e.b = wall.UTC().AppendFormat(e.b, "2006-01-02T15:04:05.000000Z07:00")
	e.b = append(e.b, '"')
	e.end('}')
	e.end('}')
	e.array("event_schemas")
	e.sep()
	e.b = appendString(e.b, "urn:ietf:params:qlog:events:quic-13")
	e.end(']')
	e.end('}')
	e.b = append(e.b, '}', '\n')
	t.write()
}

// begin locks the tracer and starts the record of one event; it returns
// false (unlocked) once the tracer is closed or broken.
func (t *ConnectionTracer) begin(now int64, id eventID) bool {
	t.mu.Lock()
	if !t.beginLocked(now, id) {
		t.mu.Unlock()
		return false
	}
	return true
}

// beginLocked is begin with t.mu held; it leaves the lock alone.
func (t *ConnectionTracer) beginLocked(now int64, id eventID) bool {
	if t.closed || t.err != nil {
		return false
	}
	if !t.started {
		t.started = true
		t.start = now
		t.header(t.clock())
	}
	rel := now - t.start
	if rel < t.last {
		rel = t.last
	}
	t.last = rel
	e := &t.e
	e.b = append(e.b[:0], 0x1e, '{', '"', 't', 'i', 'm', 'e', '"', ':')
	e.b = appendMS(e.b, rel)
	e.str("name", eventNames[id].Legacy)
	e.object("data")
	return true
}

// finish closes the record, writes it and unlocks.
func (t *ConnectionTracer) finish() {
	t.e.b = append(t.e.b, '}', '}', '\n')
	t.write()
	t.mu.Unlock()
}

func (t *ConnectionTracer) write() {
	if t.err != nil {
		return
	}
	if _, err := t.w.Write(t.e.b); err != nil {
		t.err = err
	}
	// Keep a huge event (say, a thousand ACK ranges) from pinning its
	// buffer for the rest of the connection.
	if cap(t.e.b) > 64<<10 {
		t.e.b = make([]byte, 0, 512)
	}
}

// Flush writes buffered records to the underlying writer.
func (t *ConnectionTracer) Flush() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil && !t.closed {
		t.err = t.w.Flush()
	}
	return t.err
}

// Close flushes the trace and closes the underlying writer if it is an
// io.Closer. A trace without events still gets its header. Events logged
// after Close are dropped.
func (t *ConnectionTracer) Close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return t.err
	}
	t.closed = true
	if !t.started && t.err == nil {
		t.started = true
		t.header(t.clock())
	}
	if t.err == nil {
		t.err = t.w.Flush()
	}
	if t.closer != nil {
		if err := t.closer.Close(); err != nil && t.err == nil {
			t.err = err
		}
	}
	return t.err
}
