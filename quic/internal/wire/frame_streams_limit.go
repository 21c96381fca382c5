package wire

// maxStreamsLimit is the largest stream count MAX_STREAMS and
// STREAMS_BLOCKED can carry: stream IDs stop at 2^62-1 (RFC 9000, 19.11).
const maxStreamsLimit = 1 << 60

// MaxStreamsFrame is a MAX_STREAMS frame (RFC 9000, 19.11): the cumulative
// number of streams of one direction the peer may open.
type MaxStreamsFrame struct {
	Bidi bool // type 0x12 for bidirectional, 0x13 for unidirectional
	Max  uint64
}

// Type returns FrameTypeMaxStreamsBidi or FrameTypeMaxStreamsUni.
func (f MaxStreamsFrame) Type() uint64 {
	if f.Bidi {
		return FrameTypeMaxStreamsBidi
	}
	return FrameTypeMaxStreamsUni
}

// Len returns the encoded length of f.
func (f MaxStreamsFrame) Len() int { return 1 + VarintLen(f.Max) }

// Append appends f to b.
func (f MaxStreamsFrame) Append(b []byte) []byte {
	return AppendVarint(append(b, byte(f.Type())), f.Max)
}

// Parse fills f from the MAX_STREAMS frame at the start of b. A count over
// 2^60 is a FRAME_ENCODING_ERROR (RFC 9000, 19.11).
func (f *MaxStreamsFrame) Parse(b []byte) (int, error) {
	typ, v, n, err := parseVarintFields(b, FrameTypeMaxStreamsBidi, FrameTypeMaxStreamsUni, 1)
	if err != nil {
		return 0, err
	}
	if v[0] > maxStreamsLimit {
		return 0, encodingError(typ, reasonMaxStreams)
	}
	f.Bidi = typ == FrameTypeMaxStreamsBidi
	f.Max = v[0]
	return n, nil
}

// String describes f.
func (f MaxStreamsFrame) String() string {
	b := []byte("MAX_STREAMS uni")
	if f.Bidi {
		b = []byte("MAX_STREAMS bidi")
	}
	return string(appendUintField(b, "max", f.Max))
}

// StreamsBlockedFrame is a STREAMS_BLOCKED frame (RFC 9000, 19.14): the
// sender wants to open a stream beyond the limit Max.
type StreamsBlockedFrame struct {
	Bidi bool // type 0x16 for bidirectional, 0x17 for unidirectional
	Max  uint64
}

// Type returns FrameTypeStreamsBlockedBidi or FrameTypeStreamsBlockedUni.
func (f StreamsBlockedFrame) Type() uint64 {
	if f.Bidi {
		return FrameTypeStreamsBlockedBidi
	}
	return FrameTypeStreamsBlockedUni
}

// Len returns the encoded length of f.
func (f StreamsBlockedFrame) Len() int { return 1 + VarintLen(f.Max) }

// Append appends f to b.
func (f StreamsBlockedFrame) Append(b []byte) []byte {
	return AppendVarint(append(b, byte(f.Type())), f.Max)
}

// Parse fills f from the STREAMS_BLOCKED frame at the start of b. A count
// over 2^60 is a FRAME_ENCODING_ERROR, one of the two codes RFC 9000, 19.14
// allows.
func (f *StreamsBlockedFrame) Parse(b []byte) (int, error) {
	typ, v, n, err := parseVarintFields(b, FrameTypeStreamsBlockedBidi, FrameTypeStreamsBlockedUni, 1)
	if err != nil {
		return 0, err
	}
	if v[0] > maxStreamsLimit {
		return 0, encodingError(typ, reasonMaxStreams)
	}
	f.Bidi = typ == FrameTypeStreamsBlockedBidi
	f.Max = v[0]
	return n, nil
}

// String describes f.
func (f StreamsBlockedFrame) String() string {
	b := []byte("STREAMS_BLOCKED uni")
	if f.Bidi {
		b = []byte("STREAMS_BLOCKED bidi")
	}
	return string(appendUintField(b, "max", f.Max))
}
