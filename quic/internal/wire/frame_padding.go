package wire

import (
	"slices"
	"strconv"
)

// PaddingFrame is a run of PADDING frames (RFC 9000, 19.1), each a single
// zero byte, handled as one frame as qlog reports it.
type PaddingFrame struct {
	Length int // number of padding bytes
}

// Type returns FrameTypePadding.
func (f PaddingFrame) Type() uint64 { return FrameTypePadding }

// Len returns the number of padding bytes.
func (f PaddingFrame) Len() int { return max(f.Length, 0) }

// Append appends f.Length zero bytes to b.
func (f PaddingFrame) Append(b []byte) []byte {
	if f.Length <= 0 {
		return b
	}
	n := len(b)
	b = slices.Grow(b, f.Length)[:n+f.Length]
	clear(b[n:])
	return b
}

// Parse consumes the run of zero bytes at the start of b.
func (f *PaddingFrame) Parse(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, encodingError(0, reasonTruncated)
	}
	if b[0] != FrameTypePadding {
		return 0, encodingError(FrameTypePadding, reasonNotPadding)
	}
	n := 1
	for n < len(b) && b[n] == 0 {
		n++
	}
	f.Length = n
	return n, nil
}

// String describes f.
func (f PaddingFrame) String() string { return "PADDING len=" + strconv.Itoa(f.Length) }
