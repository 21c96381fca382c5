package wire

// MaxDataFrame is a MAX_DATA frame (RFC 9000, 19.9): the connection-level
// flow control limit.
type MaxDataFrame struct {
	Max uint64
}

// Type returns FrameTypeMaxData.
func (MaxDataFrame) Type() uint64 { return FrameTypeMaxData }

// Len returns the encoded length of f.
func (f MaxDataFrame) Len() int { return 1 + VarintLen(f.Max) }

// Append appends f to b.
func (f MaxDataFrame) Append(b []byte) []byte {
	return AppendVarint(append(b, FrameTypeMaxData), f.Max)
}

// Parse fills f from the MAX_DATA frame at the start of b.
func (f *MaxDataFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeMaxData, FrameTypeMaxData, 1)
	if err != nil {
		return 0, err
	}
	f.Max = v[0]
	return n, nil
}

// String describes f.
func (f MaxDataFrame) String() string {
	return string(appendUintField([]byte("MAX_DATA"), "max", f.Max))
}

// MaxStreamDataFrame is a MAX_STREAM_DATA frame (RFC 9000, 19.10): a
// stream's flow control limit.
type MaxStreamDataFrame struct {
	StreamID uint64
	Max      uint64
}

// Type returns FrameTypeMaxStreamData.
func (MaxStreamDataFrame) Type() uint64 { return FrameTypeMaxStreamData }

// Len returns the encoded length of f.
func (f MaxStreamDataFrame) Len() int { return 1 + VarintLen(f.StreamID) + VarintLen(f.Max) }

// Append appends f to b.
func (f MaxStreamDataFrame) Append(b []byte) []byte {
	b = AppendVarint(append(b, FrameTypeMaxStreamData), f.StreamID)
	return AppendVarint(b, f.Max)
}

// Parse fills f from the MAX_STREAM_DATA frame at the start of b.
func (f *MaxStreamDataFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeMaxStreamData, FrameTypeMaxStreamData, 2)
	if err != nil {
		return 0, err
	}
	f.StreamID, f.Max = v[0], v[1]
	return n, nil
}

// String describes f.
func (f MaxStreamDataFrame) String() string {
	b := appendUintField([]byte("MAX_STREAM_DATA"), "id", f.StreamID)
	return string(appendUintField(b, "max", f.Max))
}

// DataBlockedFrame is a DATA_BLOCKED frame (RFC 9000, 19.12): the sender is
// blocked by connection-level flow control at Max.
type DataBlockedFrame struct {
	Max uint64
}

// Type returns FrameTypeDataBlocked.
func (DataBlockedFrame) Type() uint64 { return FrameTypeDataBlocked }

// Len returns the encoded length of f.
func (f DataBlockedFrame) Len() int { return 1 + VarintLen(f.Max) }

// Append appends f to b.
func (f DataBlockedFrame) Append(b []byte) []byte {
	return AppendVarint(append(b, FrameTypeDataBlocked), f.Max)
}

// Parse fills f from the DATA_BLOCKED frame at the start of b.
func (f *DataBlockedFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeDataBlocked, FrameTypeDataBlocked, 1)
	if err != nil {
		return 0, err
	}
	f.Max = v[0]
	return n, nil
}

// String describes f.
func (f DataBlockedFrame) String() string {
	return string(appendUintField([]byte("DATA_BLOCKED"), "max", f.Max))
}

// StreamDataBlockedFrame is a STREAM_DATA_BLOCKED frame (RFC 9000, 19.13):
// the sender is blocked by a stream's flow control at Max.
type StreamDataBlockedFrame struct {
	StreamID uint64
	Max      uint64
}

// Type returns FrameTypeStreamDataBlocked.
func (StreamDataBlockedFrame) Type() uint64 { return FrameTypeStreamDataBlocked }

// Len returns the encoded length of f.
func (f StreamDataBlockedFrame) Len() int { return 1 + VarintLen(f.StreamID) + VarintLen(f.Max) }

// Append appends f to b.
func (f StreamDataBlockedFrame) Append(b []byte) []byte {
	b = AppendVarint(append(b, FrameTypeStreamDataBlocked), f.StreamID)
	return AppendVarint(b, f.Max)
}

// Parse fills f from the STREAM_DATA_BLOCKED frame at the start of b.
func (f *StreamDataBlockedFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeStreamDataBlocked, FrameTypeStreamDataBlocked, 2)
	if err != nil {
		return 0, err
	}
	f.StreamID, f.Max = v[0], v[1]
	return n, nil
}

// String describes f.
func (f StreamDataBlockedFrame) String() string {
	b := appendUintField([]byte("STREAM_DATA_BLOCKED"), "id", f.StreamID)
	return string(appendUintField(b, "max", f.Max))
}
