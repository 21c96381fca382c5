package qpack

// DecoderInstructionType identifies a decoder-stream instruction
// (RFC 9204, 4.4).
type DecoderInstructionType uint8

// Decoder instruction types (RFC 9204, 4.4.1 to 4.4.3).
const (
	// SectionAcknowledgment reports a decoded field section (4.4.1).
	SectionAcknowledgment DecoderInstructionType = iota + 1
	// StreamCancellation reports an abandoned stream (4.4.2).
	StreamCancellation
	// InsertCountIncrement acknowledges received inserts (4.4.3).
	InsertCountIncrement
)

// DecoderInstruction is one instruction on the decoder stream.
type DecoderInstruction struct {
	Type DecoderInstructionType
	// StreamID is the stream of SectionAcknowledgment and StreamCancellation.
	StreamID uint64
	// Increment is the InsertCountIncrement value.
	Increment uint64
}

// AppendDecoderInstruction appends the wire form of in to dst.
func AppendDecoderInstruction(dst []byte, in DecoderInstruction) []byte {
	switch in.Type {
	case SectionAcknowledgment:
		return appendInt(dst, 0x80, 7, in.StreamID)
	case StreamCancellation:
		return appendInt(dst, 0x40, 6, in.StreamID)
	case InsertCountIncrement:
		return appendInt(dst, 0x00, 6, in.Increment)
	}
	return dst
}

// parseDecoderInstruction reads one instruction from b, returning the bytes
// consumed, or 0 when b ends mid-instruction.
func parseDecoderInstruction(b []byte) (DecoderInstruction, int, error) {
	var in DecoderInstruction
	if len(b) == 0 {
		return in, 0, nil
	}
	var n int
	var err error
	switch c := b[0]; {
	case c&0x80 != 0:
		in.Type = SectionAcknowledgment
		in.StreamID, n, err = parseInt(b, 7)
	case c&0x40 != 0:
		in.Type = StreamCancellation
		in.StreamID, n, err = parseInt(b, 6)
	default:
		in.Type = InsertCountIncrement
		in.Increment, n, err = parseInt(b, 6)
	}
	return in, n, err
}

// maxDecoderInstructionLen bounds a decoder instruction: parseInt fails
// on the eleventh byte, so at most ten bytes are ever pending.
const maxDecoderInstructionLen = 11

// DecoderStreamParser splits decoder-stream bytes into instructions,
// buffering at most one partial instruction (ten bytes) between calls.
type DecoderStreamParser struct {
	buf [maxDecoderInstructionLen]byte
	n   int
}

// Parse feeds the next chunk of the stream, calling handle for each
// complete instruction in order. It stops at the first error from parsing
// (a QPACK_DECODER_STREAM_ERROR) or from handle.
func (p *DecoderStreamParser) Parse(b []byte, handle func(DecoderInstruction) error) error {
	for p.n > 0 && len(b) > 0 {
		// Complete the buffered instruction a byte at a time; it is short.
		p.buf[p.n] = b[0]
		p.n++
		b = b[1:]
		in, n, err := parseDecoderInstruction(p.buf[:p.n])
		if err != nil {
			p.n = 0
			return newError(ErrDecoderStream, err.Error())
		}
		if n == 0 {
			continue
		}
		p.n = 0
		if err := handle(in); err != nil {
			return err
		}
	}
	for len(b) > 0 {
		in, n, err := parseDecoderInstruction(b)
		if err != nil {
			return newError(ErrDecoderStream, err.Error())
		}
		if n == 0 {
			p.n = copy(p.buf[:], b)
			return nil
		}
		b = b[n:]
		if err := handle(in); err != nil {
			return err
		}
	}
	return nil
}
