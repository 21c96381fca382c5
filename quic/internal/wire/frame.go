package wire

// Frame is implemented by a pointer to each frame struct in this package.
// The receive loop switches on ParseFrameType and parses into concrete
// structs it owns; the interface serves tests, logging and tools.
type Frame interface {
	// Type returns the frame type the frame encodes with.
	Type() uint64
	// Len returns the exact encoded length.
	Len() int
	// Append appends the encoded frame to b.
	Append(b []byte) []byte
	// Parse fills the frame from b, which starts at the frame type, and
	// returns the bytes consumed. Byte slices in the frame alias b.
	Parse(b []byte) (int, error)
	// String describes the frame for logs and test failures.
	String() string
}

// ParseFrame parses the frame at the start of b into a newly allocated
// struct and returns it with the bytes consumed. It allocates, so the
// connection's receive path parses into its own structs instead.
func ParseFrame(b []byte) (Frame, int, error) {
	typ, _, err := ParseFrameType(b)
	if err != nil {
		return nil, 0, err
	}
	f := newFrame(typ)
	n, err := f.Parse(b)
	if err != nil {
		return nil, 0, err
	}
	return f, n, nil
}

// newFrame returns an empty frame struct for a known frame type.
func newFrame(typ uint64) Frame {
	if IsStreamFrameType(typ) {
		return new(StreamFrame)
	}
	switch typ {
	case FrameTypePadding:
		return new(PaddingFrame)
	case FrameTypePing:
		return new(PingFrame)
	case FrameTypeAck, FrameTypeAckECN:
		return new(AckFrame)
	case FrameTypeResetStream:
		return new(ResetStreamFrame)
	case FrameTypeStopSending:
		return new(StopSendingFrame)
	case FrameTypeCrypto:
		return new(CryptoFrame)
	case FrameTypeNewToken:
		return new(NewTokenFrame)
	case FrameTypeMaxData:
		return new(MaxDataFrame)
	case FrameTypeMaxStreamData:
		return new(MaxStreamDataFrame)
	case FrameTypeMaxStreamsBidi, FrameTypeMaxStreamsUni:
		return new(MaxStreamsFrame)
	case FrameTypeDataBlocked:
		return new(DataBlockedFrame)
	case FrameTypeStreamDataBlocked:
		return new(StreamDataBlockedFrame)
	case FrameTypeStreamsBlockedBidi, FrameTypeStreamsBlockedUni:
		return new(StreamsBlockedFrame)
	case FrameTypeNewConnectionID:
		return new(NewConnectionIDFrame)
	case FrameTypeRetireConnectionID:
		return new(RetireConnectionIDFrame)
	case FrameTypePathChallenge:
		return new(PathChallengeFrame)
	case FrameTypePathResponse:
		return new(PathResponseFrame)
	case FrameTypeConnectionClose, FrameTypeConnectionCloseApp:
		return new(ConnectionCloseFrame)
	case FrameTypeHandshakeDone:
		return new(HandshakeDoneFrame)
	case FrameTypeImmediateAck:
		return new(ImmediateAckFrame)
	case FrameTypeDatagram, FrameTypeDatagramLen:
		return new(DatagramFrame)
	case FrameTypeAckFrequency:
		return new(AckFrequencyFrame)
	}
	return nil
}
