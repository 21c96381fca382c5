package wire

import "strconv"

// ConnectionCloseFrame is a CONNECTION_CLOSE frame (RFC 9000, 19.19).
type ConnectionCloseFrame struct {
	// Application selects type 0x1d, an application error; otherwise the
	// frame is type 0x1c and ErrorCode is a transport error code.
	Application bool
	ErrorCode   uint64
	// FrameType is the type of the frame that triggered a transport error,
	// 0 if unknown. Type 0x1d has no such field: Append ignores it and
	// Parse sets it to 0.
	FrameType uint64
	// Reason aliases the packet after Parse.
	Reason []byte
}

// Type returns FrameTypeConnectionCloseApp or FrameTypeConnectionClose.
func (f ConnectionCloseFrame) Type() uint64 {
	if f.Application {
		return FrameTypeConnectionCloseApp
	}
	return FrameTypeConnectionClose
}

// Len returns the encoded length of f.
func (f ConnectionCloseFrame) Len() int {
	n := 1 + VarintLen(f.ErrorCode) + VarintLen(uint64(len(f.Reason))) + len(f.Reason)
	if !f.Application {
		n += VarintLen(f.FrameType)
	}
	return n
}

// Append appends f to b.
func (f ConnectionCloseFrame) Append(b []byte) []byte {
	b = append(b, byte(f.Type()))
	b = AppendVarint(b, f.ErrorCode)
	if !f.Application {
		b = AppendVarint(b, f.FrameType)
	}
	b = AppendVarint(b, uint64(len(f.Reason)))
	return append(b, f.Reason...)
}

// Parse fills f from the CONNECTION_CLOSE frame at the start of b.
func (f *ConnectionCloseFrame) Parse(b []byte) (int, error) {
	typ, n, err := expectType(b, FrameTypeConnectionClose, FrameTypeConnectionCloseApp)
	if err != nil {
		return 0, err
	}
	code, m := ConsumeVarint(b[n:])
	if m < 0 {
		return 0, encodingError(typ, reasonTruncated)
	}
	n += m
	var frameType uint64
	if typ == FrameTypeConnectionClose {
		frameType, m = ConsumeVarint(b[n:])
		if m < 0 {
			return 0, encodingError(typ, reasonTruncated)
		}
		n += m
	}
	length, m := ConsumeVarint(b[n:])
	if m < 0 || length > uint64(len(b)-n-m) {
		return 0, encodingError(typ, reasonTruncated)
	}
	n += m
	end := n + int(length)
	f.Application = typ == FrameTypeConnectionCloseApp
	f.ErrorCode = code
	f.FrameType = frameType
	f.Reason = b[n:end:end]
	return end, nil
}

// String describes f.
func (f ConnectionCloseFrame) String() string {
	b := []byte("CONNECTION_CLOSE")
	b = appendFlag(b, "app", f.Application)
	b = appendUintField(b, "code", f.ErrorCode)
	if !f.Application {
		b = appendUintField(b, "frame_type", f.FrameType)
	}
	b = append(b, " reason="...)
	b = strconv.AppendQuote(b, string(f.Reason))
	return string(b)
}
