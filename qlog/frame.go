package qlog

import "time"

// FrameType selects the QUIC frame a Frame describes.
type FrameType uint8

// Frame types, quic-events 8.13 (qlog.md 2.4).
const (
	FramePadding FrameType = iota + 1
	FramePing
	FrameAck
	FrameResetStream
	FrameResetStreamAt
	FrameStopSending
	FrameCrypto
	FrameNewToken
	FrameStream
	FrameMaxData
	FrameMaxStreamData
	FrameMaxStreams
	FrameDataBlocked
	FrameStreamDataBlocked
	FrameStreamsBlocked
	FrameNewConnectionID
	FrameRetireConnectionID
	FramePathChallenge
	FramePathResponse
	FrameConnectionClose
	FrameHandshakeDone
	FrameDatagram
	FrameUnknown
	numFrameTypes
)

var frameTypeNames = [numFrameTypes]string{
	FramePadding:            "padding",
	FramePing:               "ping",
	FrameAck:                "ack",
	FrameResetStream:        "reset_stream",
	FrameResetStreamAt:      "reset_stream_at",
	FrameStopSending:        "stop_sending",
	FrameCrypto:             "crypto",
	FrameNewToken:           "new_token",
	FrameStream:             "stream",
	FrameMaxData:            "max_data",
	FrameMaxStreamData:      "max_stream_data",
	FrameMaxStreams:         "max_streams",
	FrameDataBlocked:        "data_blocked",
	FrameStreamDataBlocked:  "stream_data_blocked",
	FrameStreamsBlocked:     "streams_blocked",
	FrameNewConnectionID:    "new_connection_id",
	FrameRetireConnectionID: "retire_connection_id",
	FramePathChallenge:      "path_challenge",
	FramePathResponse:       "path_response",
	FrameConnectionClose:    "connection_close",
	FrameHandshakeDone:      "handshake_done",
	FrameDatagram:           "datagram",
	FrameUnknown:            "unknown",
}

// String returns the qlog frame_type ("stream", "ack", ...).
func (t FrameType) String() string {
	if t == 0 || t >= numFrameTypes {
		return "unknown"
	}
	return frameTypeNames[t]
}

// FrameTypeNames returns every frame_type value the tracer writes.
func FrameTypeNames() []string {
	out := make([]string, 0, numFrameTypes-1)
	for _, n := range frameTypeNames[1:] {
		out = append(out, n)
	}
	return out
}

// AckRange is one acknowledged interval, both ends included.
type AckRange struct {
	Smallest, Largest uint64
}

// Frame describes one QUIC frame. It is a tagged union: Type says which of
// the fields are meaningful, the rest stay zero. A value type so a packet's
// frames can live in a caller-owned array without allocating.
type Frame struct {
	Type FrameType

	// Length is the frame's data length: STREAM, CRYPTO and DATAGRAM
	// payload bytes, or the number of PADDING bytes.
	Length uint64
	// RawLength is the whole frame's encoded size, logged as raw.length
	// for frames without data; 0 if not known. STREAM, CRYPTO and DATAGRAM
	// log Length there instead, as the drafts require.
	RawLength uint64

	StreamID uint64 // STREAM, RESET_STREAM(_AT), STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED
	Offset   uint64 // STREAM, CRYPTO
	Fin      bool   // STREAM

	// Maximum is MAX_DATA/MAX_STREAM_DATA/MAX_STREAMS's maximum and
	// DATA_BLOCKED/STREAM_DATA_BLOCKED/STREAMS_BLOCKED's limit.
	Maximum uint64
	// Unidirectional selects the stream type of MAX_STREAMS and STREAMS_BLOCKED.
	Unidirectional bool

	// ErrorSpace tells CONNECTION_CLOSE 0x1c (transport) from 0x1d
	// (application); RESET_STREAM and STOP_SENDING always carry application codes.
	ErrorSpace       ErrorSpace
	ErrorCode        uint64
	Reason           string // CONNECTION_CLOSE reason phrase
	TriggerFrameType uint64 // CONNECTION_CLOSE 0x1c frame type
	FinalSize        uint64 // RESET_STREAM(_AT)
	ReliableSize     uint64 // RESET_STREAM_AT

	AckDelay  time.Duration // ACK, already scaled by the ack delay exponent
	AckRanges []AckRange    // ACK, largest first as on the wire
	HasECN    bool          // ACK with ECN counts (type 0x03)
	ECT0      uint64
	ECT1      uint64
	CE        uint64

	SequenceNumber      uint64  // NEW_CONNECTION_ID, RETIRE_CONNECTION_ID
	RetirePriorTo       uint64  // NEW_CONNECTION_ID
	ConnectionID        []byte  // NEW_CONNECTION_ID
	StatelessResetToken []byte  // NEW_CONNECTION_ID (16 bytes)
	Data                [8]byte // PATH_CHALLENGE, PATH_RESPONSE
	Token               []byte  // NEW_TOKEN
	FrameTypeValue      uint64  // unknown frames: the frame type
}

// frame writes one frame object per quic-events 8.13 plus the top-level
// "length" that qvis reads on stream and crypto frames (qlog.md 2.4).
func (e *enc) frame(f *Frame) {
	e.elemObject()
	e.str("frame_type", f.Type.String())
	switch f.Type {
	case FramePadding:
		e.object("raw")
		e.uint("payload_length", f.Length)
		e.uintOpt("length", f.RawLength)
		e.end('}')
		e.end('}')
		return
	case FrameAck:
		e.ms("ack_delay", f.AckDelay)
		e.array("acked_ranges")
		for _, r := range f.AckRanges {
			e.sep()
			e.b = append(e.b, '[')
			e.elemUint(r.Smallest)
			if r.Largest != r.Smallest {
				e.elemUint(r.Largest)
			}
			e.b = append(e.b, ']')
		}
		e.end(']')
		if f.HasECN {
			e.uint("ect0", f.ECT0)
			e.uint("ect1", f.ECT1)
			e.uint("ce", f.CE)
		}
	case FrameResetStream, FrameResetStreamAt:
		e.uint("stream_id", f.StreamID)
		e.str("error", "unknown")
		e.uint("error_code", f.ErrorCode)
		e.uint("final_size", f.FinalSize)
		if f.Type == FrameResetStreamAt {
			e.uint("reliable_size", f.ReliableSize)
		}
	case FrameStopSending:
		e.uint("stream_id", f.StreamID)
		e.str("error", "unknown")
		e.uint("error_code", f.ErrorCode)
	case FrameCrypto:
		e.uint("offset", f.Offset)
		e.uint("length", f.Length)
		e.dataRaw(f.Length)
		e.end('}')
		return
	case FrameNewToken:
		e.object("token")
		e.object("raw")
		e.uint("length", uint64(len(f.Token)))
		e.hex("data", f.Token)
		e.end('}')
		e.end('}')
	case FrameStream:
		e.uint("stream_id", f.StreamID)
		e.uint("offset", f.Offset)
		e.uint("length", f.Length)
		e.bool("fin", f.Fin)
		e.dataRaw(f.Length)
		e.end('}')
		return
	case FrameMaxData:
		e.uint("maximum", f.Maximum)
	case FrameMaxStreamData:
		e.uint("stream_id", f.StreamID)
		e.uint("maximum", f.Maximum)
	case FrameMaxStreams:
		e.str("stream_type", streamTypeName(f.Unidirectional))
		e.uint("maximum", f.Maximum)
	case FrameDataBlocked:
		e.uint("limit", f.Maximum)
	case FrameStreamDataBlocked:
		e.uint("stream_id", f.StreamID)
		e.uint("limit", f.Maximum)
	case FrameStreamsBlocked:
		e.str("stream_type", streamTypeName(f.Unidirectional))
		e.uint("limit", f.Maximum)
	case FrameNewConnectionID:
		e.uint("sequence_number", f.SequenceNumber)
		e.uint("retire_prior_to", f.RetirePriorTo)
		e.uint("connection_id_length", uint64(len(f.ConnectionID)))
		e.hex("connection_id", f.ConnectionID)
		e.hexOpt("stateless_reset_token", f.StatelessResetToken)
	case FrameRetireConnectionID:
		e.uint("sequence_number", f.SequenceNumber)
	case FramePathChallenge, FramePathResponse:
		e.hex("data", f.Data[:])
	case FrameConnectionClose:
		space := f.ErrorSpace
		if space == "" {
			space = ErrorSpaceTransport
		}
		e.str("error_space", string(space))
		e.errorName("error", space, f.ErrorCode)
		// error_code always: qvis shows it and treats 0 as a clean close.
		e.uint("error_code", f.ErrorCode)
		e.str("reason", f.Reason)
		if space == ErrorSpaceTransport {
			e.uint("trigger_frame_type", f.TriggerFrameType)
		}
	case FrameDatagram:
		e.uint("length", f.Length)
		e.dataRaw(f.Length)
		e.end('}')
		return
	case FrameUnknown:
		e.uint("frame_type_bytes", f.FrameTypeValue)
	}
	if f.RawLength != 0 {
		e.object("raw")
		e.uint("length", f.RawLength)
		e.end('}')
	}
	e.end('}')
}

// dataRaw writes raw.length for the frames whose data length must be
// logged there (quic-events 8.13.7, 8.13.9); it equals the legacy
// top-level length qvis reads (qlog.md 2.4).
func (e *enc) dataRaw(dataLen uint64) {
	e.object("raw")
	e.uint("length", dataLen)
	e.end('}')
}

func streamTypeName(uni bool) string {
	if uni {
		return "unidirectional"
	}
	return "bidirectional"
}
