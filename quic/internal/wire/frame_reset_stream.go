package wire

// ResetStreamFrame is a RESET_STREAM frame (RFC 9000, 19.4): the sender
// abandons the sending part of a stream.
type ResetStreamFrame struct {
	StreamID  uint64
	ErrorCode uint64 // application protocol error code
	FinalSize uint64
}

// Type returns FrameTypeResetStream.
func (ResetStreamFrame) Type() uint64 { return FrameTypeResetStream }

// Len returns the encoded length of f.
func (f ResetStreamFrame) Len() int {
	return 1 + VarintLen(f.StreamID) + VarintLen(f.ErrorCode) + VarintLen(f.FinalSize)
}

// Append appends f to b.
func (f ResetStreamFrame) Append(b []byte) []byte {
	b = append(b, FrameTypeResetStream)
	b = AppendVarint(b, f.StreamID)
	b = AppendVarint(b, f.ErrorCode)
	return AppendVarint(b, f.FinalSize)
}

// Parse fills f from the RESET_STREAM frame at the start of b.
func (f *ResetStreamFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeResetStream, FrameTypeResetStream, 3)
	if err != nil {
		return 0, err
	}
	f.StreamID, f.ErrorCode, f.FinalSize = v[0], v[1], v[2]
	return n, nil
}

// String describes f.
func (f ResetStreamFrame) String() string {
	b := append(make([]byte, 0, 64), "RESET_STREAM"...)
	b = appendUintField(b, "id", f.StreamID)
	b = appendUintField(b, "code", f.ErrorCode)
	b = appendUintField(b, "final", f.FinalSize)
	return string(b)
}

// StopSendingFrame is a STOP_SENDING frame (RFC 9000, 19.5): the receiver
// asks the peer to stop sending on a stream.
type StopSendingFrame struct {
	StreamID  uint64
	ErrorCode uint64 // application protocol error code
}

// Type returns FrameTypeStopSending.
func (StopSendingFrame) Type() uint64 { return FrameTypeStopSending }

// Len returns the encoded length of f.
func (f StopSendingFrame) Len() int { return 1 + VarintLen(f.StreamID) + VarintLen(f.ErrorCode) }

// Append appends f to b.
func (f StopSendingFrame) Append(b []byte) []byte {
	b = append(b, FrameTypeStopSending)
	b = AppendVarint(b, f.StreamID)
	return AppendVarint(b, f.ErrorCode)
}

// Parse fills f from the STOP_SENDING frame at the start of b.
func (f *StopSendingFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeStopSending, FrameTypeStopSending, 2)
	if err != nil {
		return 0, err
	}
	f.StreamID, f.ErrorCode = v[0], v[1]
	return n, nil
}

// String describes f.
func (f StopSendingFrame) String() string {
	b := append(make([]byte, 0, 48), "STOP_SENDING"...)
	b = appendUintField(b, "id", f.StreamID)
	b = appendUintField(b, "code", f.ErrorCode)
	return string(b)
}
