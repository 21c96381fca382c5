package wire

// HandshakeDoneFrame is a HANDSHAKE_DONE frame (RFC 9000, 19.20): the server
// confirms the handshake to the client.
type HandshakeDoneFrame struct{}

// Type returns FrameTypeHandshakeDone.
func (HandshakeDoneFrame) Type() uint64 { return FrameTypeHandshakeDone }

// Len returns 1.
func (HandshakeDoneFrame) Len() int { return 1 }

// Append appends the frame to b.
func (HandshakeDoneFrame) Append(b []byte) []byte { return append(b, FrameTypeHandshakeDone) }

// Parse checks that b starts with a HANDSHAKE_DONE frame.
func (*HandshakeDoneFrame) Parse(b []byte) (int, error) {
	return parseTypeOnly(b, FrameTypeHandshakeDone)
}

// String describes the frame.
func (HandshakeDoneFrame) String() string { return "HANDSHAKE_DONE" }
