package qpack

// EncoderInstructionType identifies an encoder-stream instruction
// (RFC 9204, 4.3).
type EncoderInstructionType uint8

// Encoder instruction types (RFC 9204, 4.3.1 to 4.3.4).
const (
	// SetDynamicTableCapacity changes the table capacity (4.3.1).
	SetDynamicTableCapacity EncoderInstructionType = iota + 1
	// InsertWithNameReference inserts a value under a table entry's name (4.3.2).
	InsertWithNameReference
	// InsertWithLiteralName inserts a literal name and value (4.3.3).
	InsertWithLiteralName
	// Duplicate re-inserts an existing dynamic entry (4.3.4).
	Duplicate
)

// EncoderInstruction is one instruction on the encoder stream.
type EncoderInstruction struct {
	Type EncoderInstructionType
	// Capacity is the new table capacity (SetDynamicTableCapacity).
	Capacity uint64
	// Static selects the static table for the name (InsertWithNameReference).
	Static bool
	// Index is the name index (InsertWithNameReference: static, or relative
	// to the newest entry) or the relative index to copy (Duplicate).
	Index uint64
	// Name is the literal name (InsertWithLiteralName).
	Name string
	// Value is the value of an inserted entry (both insert types).
	Value string
}

// AppendEncoderInstruction appends the wire form of in to dst. With huffman
// set, strings use Huffman coding where it is shorter.
func AppendEncoderInstruction(dst []byte, in EncoderInstruction, huffman bool) []byte {
	switch in.Type {
	case SetDynamicTableCapacity:
		return appendInt(dst, 0x20, 5, in.Capacity)
	case InsertWithNameReference:
		var t byte
		if in.Static {
			t = 0x40
		}
		dst = appendInt(dst, 0x80|t, 6, in.Index)
		return appendString(dst, 0, 8, in.Value, huffman)
	case InsertWithLiteralName:
		dst = appendString(dst, 0x40, 6, in.Name, huffman)
		return appendString(dst, 0, 8, in.Value, huffman)
	case Duplicate:
		return appendInt(dst, 0x00, 5, in.Index)
	}
	return dst
}

// parseEncoderInstruction reads one instruction from b. It returns the
// bytes consumed, or, when b ends mid-instruction, minus the least total
// length that could complete it. Strings longer than maxLen fail. scratch
// is reused for string decoding and returned.
func parseEncoderInstruction(b []byte, maxLen uint64, scratch []byte) (EncoderInstruction, int, []byte, error) {
	var in EncoderInstruction
	if len(b) == 0 {
		return in, -1, scratch, nil
	}
	var n int
	var err error
	switch c := b[0]; {
	case c&0x80 != 0:
		in.Type = InsertWithNameReference
		in.Static = c&0x40 != 0
		if in.Index, n, err = parseInt(b, 6); err != nil || n == 0 {
			return in, -(len(b) + 1), scratch, err
		}
	case c&0x40 != 0:
		in.Type = InsertWithLiteralName
		var m int
		scratch, m, err = readString(scratch[:0], b, 6, maxLen)
		if err != nil || m < 0 {
			return in, m, scratch, err
		}
		in.Name = string(scratch)
		n = m
	case c&0x20 != 0:
		in.Type = SetDynamicTableCapacity
		if in.Capacity, n, err = parseInt(b, 5); err != nil || n == 0 {
			return in, -(len(b) + 1), scratch, err
		}
		return in, n, scratch, nil
	default:
		in.Type = Duplicate
		if in.Index, n, err = parseInt(b, 5); err != nil || n == 0 {
			return in, -(len(b) + 1), scratch, err
		}
		return in, n, scratch, nil
	}
	scratch, m, err := readString(scratch[:0], b[n:], 8, maxLen)
	if err != nil {
		return in, 0, scratch, err
	}
	if m < 0 {
		return in, m - n, scratch, nil
	}
	in.Value = string(scratch)
	return in, n + m, scratch, nil
}

// EncoderStreamParser splits encoder-stream bytes into instructions,
// buffering at most one partial instruction between calls.
type EncoderStreamParser struct {
	maxLen  uint64
	buf     []byte // unparsed bytes of a partial instruction
	need    int    // least len(buf) worth retrying a parse at
	scratch []byte
}

// NewEncoderStreamParser returns a parser that rejects string literals
// longer than maxStringLen, which bounds its buffer.
func NewEncoderStreamParser(maxStringLen uint64) *EncoderStreamParser {
	return &EncoderStreamParser{maxLen: maxStringLen}
}

// Parse feeds the next chunk of the stream, calling handle for each
// complete instruction in order. It stops at the first error from parsing
// (a QPACK_ENCODER_STREAM_ERROR) or from handle.
func (p *EncoderStreamParser) Parse(b []byte, handle func(EncoderInstruction) error) error {
	if len(p.buf) > 0 {
		p.buf = append(p.buf, b...)
		if len(p.buf) < p.need {
			return nil
		}
		b = p.buf
	}
	need := 0
	for len(b) > 0 {
		in, n, scratch, err := parseEncoderInstruction(b, p.maxLen, p.scratch)
		p.scratch = scratch
		if err != nil {
			p.buf = p.buf[:0]
			return newError(ErrEncoderStream, err.Error())
		}
		if n < 0 {
			need = -n
			break
		}
		b = b[n:]
		if err := handle(in); err != nil {
			p.buf = p.buf[:0]
			return err
		}
	}
	// b is empty or a partial instruction, possibly aliasing p.buf.
	p.buf = append(p.buf[:0], b...)
	p.need = need
	return nil
}

// Buffered returns the number of bytes of a partial instruction held.
func (p *EncoderStreamParser) Buffered() int { return len(p.buf) }
