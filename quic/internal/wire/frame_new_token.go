package wire

// NewTokenFrame is a NEW_TOKEN frame (RFC 9000, 19.7): a token the client
// can present in a future connection's Initial packets.
type NewTokenFrame struct {
	// Token aliases the packet after Parse; it is never empty.
	Token []byte
}

// Type returns FrameTypeNewToken.
func (NewTokenFrame) Type() uint64 { return FrameTypeNewToken }

// Len returns the encoded length of f.
func (f NewTokenFrame) Len() int { return 1 + VarintLen(uint64(len(f.Token))) + len(f.Token) }

// Append appends f to b.
func (f NewTokenFrame) Append(b []byte) []byte {
	b = append(b, FrameTypeNewToken)
	b = AppendVarint(b, uint64(len(f.Token)))
	return append(b, f.Token...)
}

// Parse fills f from the NEW_TOKEN frame at the start of b. An empty token
// is a FRAME_ENCODING_ERROR (RFC 9000, 19.7).
func (f *NewTokenFrame) Parse(b []byte) (int, error) {
	_, n, err := expectType(b, FrameTypeNewToken, FrameTypeNewToken)
	if err != nil {
		return 0, err
	}
	length, m := ConsumeVarint(b[n:])
	if m < 0 || length > uint64(len(b)-n-m) {
		return 0, encodingError(FrameTypeNewToken, reasonTruncated)
	}
	if length == 0 {
		return 0, encodingError(FrameTypeNewToken, reasonEmptyToken)
	}
	n += m
	end := n + int(length)
	f.Token = b[n:end:end]
	return end, nil
}

// String describes f.
func (f NewTokenFrame) String() string {
	return string(appendHexField([]byte("NEW_TOKEN"), "token", f.Token))
}
