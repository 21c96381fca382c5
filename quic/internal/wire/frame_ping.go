package wire

// PingFrame is a PING frame (RFC 9000, 19.2): it only elicits an ACK.
type PingFrame struct{}

// Type returns FrameTypePing.
func (PingFrame) Type() uint64 { return FrameTypePing }

// Len returns 1.
func (PingFrame) Len() int { return 1 }

// Append appends the frame to b.
func (PingFrame) Append(b []byte) []byte { return append(b, FrameTypePing) }

// Parse checks that b starts with a PING frame.
func (*PingFrame) Parse(b []byte) (int, error) { return parseTypeOnly(b, FrameTypePing) }

// String describes the frame.
func (PingFrame) String() string { return "PING" }

// parseTypeOnly parses a frame that consists of its type alone.
func parseTypeOnly(b []byte, typ uint64) (int, error) {
	_, n, err := expectType(b, typ, typ)
	return n, err
}
