package wire

import "strconv"

// STREAM frame type bits (RFC 9000, 19.8).
const (
	streamFlagFin   = 0x01
	streamFlagLen   = 0x02
	streamFlagOff   = 0x04
	streamFlagsMask = 0x07
)

// StreamFrame is a STREAM frame (RFC 9000, 19.8).
type StreamFrame struct {
	StreamID uint64
	// Offset is the stream offset of Data. Append sets the OFF bit only
	// when it is non-zero.
	Offset uint64
	Fin    bool
	// OmitLength leaves out the Length field (LEN bit 0), so the data runs
	// to the end of the packet and the frame must be the packet's last.
	OmitLength bool
	// Data aliases the packet after Parse.
	Data []byte
}

// Type returns the frame type with the OFF, LEN and FIN bits f needs.
func (f StreamFrame) Type() uint64 {
	t := uint64(FrameTypeStreamBase)
	if f.Offset != 0 {
		t |= streamFlagOff
	}
	if !f.OmitLength {
		t |= streamFlagLen
	}
	if f.Fin {
		t |= streamFlagFin
	}
	return t
}

// HeaderLen returns the length of f's header (type, Stream ID, Offset and
// Length fields) when it carries dataLen bytes of data.
func (f StreamFrame) HeaderLen(dataLen int) int {
	n := 1 + VarintLen(f.StreamID)
	if f.Offset != 0 {
		n += VarintLen(f.Offset)
	}
	if !f.OmitLength {
		n += VarintLen(uint64(dataLen))
	}
	return n
}

// Len returns the encoded length of f.
func (f StreamFrame) Len() int { return f.HeaderLen(len(f.Data)) + len(f.Data) }

// MaxDataLen returns the most data bytes a frame with f's Stream ID, Offset
// and OmitLength can carry in available bytes, header included. It returns
// -1 if not even an empty frame fits. The caller also keeps Offset plus the
// data length within 2^62-1.
func (f StreamFrame) MaxDataLen(available int) int {
	fixed := 1 + VarintLen(f.StreamID)
	if f.Offset != 0 {
		fixed += VarintLen(f.Offset)
	}
	return fitData(available-fixed, !f.OmitLength)
}

// fitData returns the longest data that fits in room bytes, preceded by its
// varint length if withLen, or -1 if nothing fits.
func fitData(room int, withLen bool) int {
	if !withLen || room < 0 {
		return max(room, -1)
	}
	// Try each Length field size; a smaller one can win near a boundary,
	// e.g. 65 bytes hold 63 bytes with a 1-byte length, not 64 with 2.
	best := -1
	for _, size := range [...]int{1, 2, 4, 8} {
		d := room - size
		if d < 0 {
			break
		}
		if size < 8 {
			d = min(d, 1<<(8*size-2)-1)
		}
		best = max(best, d)
	}
	return best
}

// AppendHeader appends f's header for dataLen bytes of data; the caller
// appends the data next. f.Data is ignored. This lets the packer copy data
// straight from its send buffer into the packet.
func (f StreamFrame) AppendHeader(b []byte, dataLen int) []byte {
	b = append(b, byte(f.Type()))
	b = AppendVarint(b, f.StreamID)
	if f.Offset != 0 {
		b = AppendVarint(b, f.Offset)
	}
	if !f.OmitLength {
		b = AppendVarint(b, uint64(dataLen))
	}
	return b
}

// Append appends f to b.
func (f StreamFrame) Append(b []byte) []byte {
	return append(f.AppendHeader(b, len(f.Data)), f.Data...)
}

// Parse fills f from the STREAM frame at the start of b. Without a Length
// field the data runs to the end of b. Data past offset 2^62-1 is a
// FRAME_ENCODING_ERROR (RFC 9000, 19.8).
func (f *StreamFrame) Parse(b []byte) (int, error) {
	typ, n, err := expectType(b, FrameTypeStreamBase, FrameTypeStreamMax)
	if err != nil {
		return 0, err
	}
	id, m := ConsumeVarint(b[n:])
	if m < 0 {
		return 0, encodingError(typ, reasonTruncated)
	}
	n += m
	var off uint64
	if typ&streamFlagOff != 0 {
		off, m = ConsumeVarint(b[n:])
		if m < 0 {
			return 0, encodingError(typ, reasonTruncated)
		}
		n += m
	}
	length := uint64(len(b) - n)
	if typ&streamFlagLen != 0 {
		l, m := ConsumeVarint(b[n:])
		if m < 0 || l > uint64(len(b)-n-m) {
			return 0, encodingError(typ, reasonTruncated)
		}
		n += m
		length = l
	}
	if off+length > MaxVarint {
		return 0, encodingError(typ, reasonOffsetTooLarge)
	}
	end := n + int(length)
	f.StreamID = id
	f.Offset = off
	f.Fin = typ&streamFlagFin != 0
	f.OmitLength = typ&streamFlagLen == 0
	f.Data = b[n:end:end]
	return end, nil
}

// String describes f.
func (f StreamFrame) String() string {
	b := append(make([]byte, 0, 64), "STREAM"...)
	b = appendUintField(b, "id", f.StreamID)
	b = appendUintField(b, "off", f.Offset)
	b = append(b, " len="...)
	b = strconv.AppendInt(b, int64(len(f.Data)), 10)
	b = appendFlag(b, "fin", f.Fin)
	b = appendFlag(b, "nolen", f.OmitLength)
	return string(b)
}
