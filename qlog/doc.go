// Package qlog writes qlog traces of QUIC connections (draft-ietf-quic-qlog-main-schema,
// draft-ietf-quic-qlog-quic-events) in the form the qvis visualiser draws:
// one JSON-SEQ .sqlog file per connection, a header carrying both the
// legacy qlog_version "0.3" and the newest-draft fields, qlog 0.3 event
// names (transport:packet_sent, recovery:metrics_updated, ...) and
// newest-draft event data.
//
// A connection holds a *ConnectionTracer, nil when tracing is off, and
// guards each call so that no event data is even built when it is:
//
//	if c.tracer != nil {
//		c.tracer.PacketSent(int64(now), &pkt)
//	}
//
// Events are formatted by hand into a reused buffer (no reflection) and
// written through a buffered writer; Close flushes it. TracerFactory,
// DirTracer and FromEnv produce tracers per connection from a QLOGDIR.
//
// The subpackages read traces back (qlogread), check them against the
// project's checklist (qlogcheck) and merge a client and a server trace
// into one qvis-ready .qlog file (qlogmerge).
package qlog
