package core

import "github.com/quicr/quicr/quic/internal/wire"

// frameLog is the compact record of the retransmittable frames a sent
// packet carried (x/net's packetWriter log, quinn's "retransmits"): one kind
// byte and a few varints per frame. When the packet is acknowledged or
// declared lost, the log is replayed to each frame's owner, which either
// forgets the frame or queues its content again (RFC 9000, 13.3: "lost
// frames, not packets, are retransmitted"). Frames that are never
// retransmitted (PADDING, PING, PATH_*, DATAGRAM) are not logged except
// where acknowledgement matters.
type frameLog []byte

// Record kinds.
const (
	logAck            byte = iota + 1 // largest acknowledged, so the ACK tracker can forget ranges
	logCrypto                         // offset, length
	logStream                         // stream ID, offset, length
	logStreamFin                      // stream ID, offset, length, with FIN
	logResetStream                    // stream ID
	logStopSending                    // stream ID
	logMaxData                        // -
	logMaxStreamData                  // stream ID
	logMaxStreamsBidi                 // -
	logMaxStreamsUni                  // -
	logDataBlocked                    // limit
	logStreamBlocked                  // stream ID
	logNewConnID                      // sequence number
	logRetireConnID                   // sequence number
	logHandshakeDone                  // -
	logNewToken                       // -
	logPing                           // - (ack-eliciting probe; nothing to resend)
	logDatagram                       // - (counted, never resent)
)

func (l *frameLog) add(kind byte)            { *l = append(*l, kind) }
func (l *frameLog) add1(kind byte, a uint64) { *l = wire.AppendVarint(append(*l, kind), a) }
func (l *frameLog) add2(kind byte, a, b uint64) {
	*l = wire.AppendVarint(wire.AppendVarint(append(*l, kind), a), b)
}
func (l *frameLog) add3(kind byte, a, b, c uint64) {
	*l = wire.AppendVarint(wire.AppendVarint(wire.AppendVarint(append(*l, kind), a), b), c)
}

// logRecord is one decoded record.
type logRecord struct {
	kind    byte
	a, b, c uint64
}

// argCount returns how many varints follow a record kind.
func argCount(kind byte) int {
	switch kind {
	case logStream, logStreamFin:
		return 3
	case logCrypto:
		return 2
	case logAck, logResetStream, logStopSending, logMaxStreamData, logDataBlocked,
		logStreamBlocked, logNewConnID, logRetireConnID:
		return 1
	}
	return 0
}

// next decodes the record at the start of b and returns the rest. The log
// is written only by this package, so it is well-formed.
func (l frameLog) next() (logRecord, frameLog) {
	r := logRecord{kind: l[0]}
	l = l[1:]
	var args [3]uint64
	for i := range argCount(r.kind) {
		v, n := wire.ConsumeVarint(l)
		args[i] = v
		l = l[n:]
	}
	r.a, r.b, r.c = args[0], args[1], args[2]
	return r, l
}
