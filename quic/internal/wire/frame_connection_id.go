package wire

import "github.com/quicr/quicr/quic/internal/protocol"

// StatelessResetTokenLen is the length of a stateless reset token
// (RFC 9000, 10.3).
const StatelessResetTokenLen = 16

// NewConnectionIDFrame is a NEW_CONNECTION_ID frame (RFC 9000, 19.15).
type NewConnectionIDFrame struct {
	Seq           uint64
	RetirePriorTo uint64
	ConnID        protocol.ConnectionID // 1 to 20 bytes
	ResetToken    [StatelessResetTokenLen]byte
}

// Type returns FrameTypeNewConnectionID.
func (NewConnectionIDFrame) Type() uint64 { return FrameTypeNewConnectionID }

// Len returns the encoded length of f.
func (f NewConnectionIDFrame) Len() int {
	return 1 + VarintLen(f.Seq) + VarintLen(f.RetirePriorTo) + 1 + f.ConnID.Len() + StatelessResetTokenLen
}

// Append appends f to b.
func (f NewConnectionIDFrame) Append(b []byte) []byte {
	b = append(b, FrameTypeNewConnectionID)
	b = AppendVarint(b, f.Seq)
	b = AppendVarint(b, f.RetirePriorTo)
	b = append(b, byte(f.ConnID.Len()))
	b = append(b, f.ConnID.Bytes()...)
	return append(b, f.ResetToken[:]...)
}

// Parse fills f from the NEW_CONNECTION_ID frame at the start of b. A
// connection ID length outside 1-20 and Retire Prior To above the sequence
// number are FRAME_ENCODING_ERRORs (RFC 9000, 19.15).
func (f *NewConnectionIDFrame) Parse(b []byte) (int, error) {
	const typ = FrameTypeNewConnectionID
	_, v, n, err := parseVarintFields(b, typ, typ, 2)
	if err != nil {
		return 0, err
	}
	if n >= len(b) {
		return 0, encodingError(typ, reasonTruncated)
	}
	cidLen := int(b[n])
	n++
	if cidLen < 1 || cidLen > protocol.MaxConnIDLen {
		return 0, encodingError(typ, reasonConnIDLength)
	}
	if len(b)-n < cidLen+StatelessResetTokenLen {
		return 0, encodingError(typ, reasonTruncated)
	}
	if v[1] > v[0] {
		return 0, encodingError(typ, reasonRetirePriorTo)
	}
	f.Seq, f.RetirePriorTo = v[0], v[1]
	f.ConnID = protocol.NewConnectionID(b[n : n+cidLen])
	n += cidLen
	n += copy(f.ResetToken[:], b[n:])
	return n, nil
}

// String describes f.
func (f NewConnectionIDFrame) String() string {
	b := appendUintField([]byte("NEW_CONNECTION_ID"), "seq", f.Seq)
	b = appendUintField(b, "retire_prior_to", f.RetirePriorTo)
	b = appendHexField(b, "cid", f.ConnID.Bytes())
	b = appendHexField(b, "token", f.ResetToken[:])
	return string(b)
}

// RetireConnectionIDFrame is a RETIRE_CONNECTION_ID frame (RFC 9000, 19.16).
type RetireConnectionIDFrame struct {
	Seq uint64
}

// Type returns FrameTypeRetireConnectionID.
func (RetireConnectionIDFrame) Type() uint64 { return FrameTypeRetireConnectionID }

// Len returns the encoded length of f.
func (f RetireConnectionIDFrame) Len() int { return 1 + VarintLen(f.Seq) }

// Append appends f to b.
func (f RetireConnectionIDFrame) Append(b []byte) []byte {
	return AppendVarint(append(b, FrameTypeRetireConnectionID), f.Seq)
}

// Parse fills f from the RETIRE_CONNECTION_ID frame at the start of b.
func (f *RetireConnectionIDFrame) Parse(b []byte) (int, error) {
	_, v, n, err := parseVarintFields(b, FrameTypeRetireConnectionID, FrameTypeRetireConnectionID, 1)
	if err != nil {
		return 0, err
	}
	f.Seq = v[0]
	return n, nil
}

// String describes f.
func (f RetireConnectionIDFrame) String() string {
	return string(appendUintField([]byte("RETIRE_CONNECTION_ID"), "seq", f.Seq))
}
