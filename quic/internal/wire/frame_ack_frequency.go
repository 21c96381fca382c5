package wire

// AckFrequencyFrame is an ACK_FREQUENCY frame
// (draft-ietf-quic-ack-frequency, 4). Parse checks only the encoding: a
// Requested Max Ack Delay of 2^14 ms or more, or below the min_ack_delay
// sent, is a PROTOCOL_VIOLATION the caller detects.
type AckFrequencyFrame struct {
	Seq                   uint64
	AckElicitingThreshold uint64
	RequestedMaxAckDelay  uint64 // microseconds
	ReorderingThreshold   uint64
}

// Type returns FrameTypeAckFrequency.
func (AckFrequencyFrame) Type() uint64 { return FrameTypeAckFrequency }

// Len returns the encoded length of f.
func (f AckFrequencyFrame) Len() int {
	return VarintLen(FrameTypeAckFrequency) + VarintLen(f.Seq) + VarintLen(f.AckElicitingThreshold) +
		VarintLen(f.RequestedMaxAckDelay) + VarintLen(f.ReorderingThreshold)
}

// Append appends f to b.
func (f AckFrequencyFrame) Append(b []byte) []byte {
	b = AppendVarint(b, FrameTypeAckFrequency)
	b = AppendVarint(b, f.Seq)
	b = AppendVarint(b, f.AckElicitingThreshold)
	b = AppendVarint(b, f.RequestedMaxAckDelay)
	return AppendVarint(b, f.ReorderingThreshold)
}

// Parse fills f from the ACK_FREQUENCY frame at the start of b.
func (f *AckFrequencyFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeAckFrequency, FrameTypeAckFrequency, 4)
	if err != nil {
		return 0, err
	}
	f.Seq, f.AckElicitingThreshold, f.RequestedMaxAckDelay, f.ReorderingThreshold = v[0], v[1], v[2], v[3]
	return n, nil
}

// String describes f.
func (f AckFrequencyFrame) String() string {
	b := appendUintField([]byte("ACK_FREQUENCY"), "seq", f.Seq)
	b = appendUintField(b, "threshold", f.AckElicitingThreshold)
	b = appendUintField(b, "max_ack_delay_us", f.RequestedMaxAckDelay)
	b = appendUintField(b, "reordering", f.ReorderingThreshold)
	return string(b)
}

// ImmediateAckFrame is an IMMEDIATE_ACK frame
// (draft-ietf-quic-ack-frequency, 5): the receiver should acknowledge at once.
type ImmediateAckFrame struct{}

// Type returns FrameTypeImmediateAck.
func (ImmediateAckFrame) Type() uint64 { return FrameTypeImmediateAck }

// Len returns 1.
func (ImmediateAckFrame) Len() int { return 1 }

// Append appends the frame to b.
func (ImmediateAckFrame) Append(b []byte) []byte { return append(b, FrameTypeImmediateAck) }

// Parse checks that b starts with an IMMEDIATE_ACK frame.
func (*ImmediateAckFrame) Parse(b []byte) (int, error) {
	return parseTypeOnly(b, FrameTypeImmediateAck)
}

// String describes the frame.
func (ImmediateAckFrame) String() string { return "IMMEDIATE_ACK" }
