package wire

// PathChallengeFrame is a PATH_CHALLENGE frame (RFC 9000, 19.17).
type PathChallengeFrame struct {
	Data [8]byte
}

// Type returns FrameTypePathChallenge.
func (PathChallengeFrame) Type() uint64 { return FrameTypePathChallenge }

// Len returns 9.
func (PathChallengeFrame) Len() int { return 1 + 8 }

// Append appends f to b.
func (f PathChallengeFrame) Append(b []byte) []byte {
	return append(append(b, FrameTypePathChallenge), f.Data[:]...)
}

// Parse fills f from the PATH_CHALLENGE frame at the start of b.
func (f *PathChallengeFrame) Parse(b []byte) (int, error) {
	return parsePathData(b, FrameTypePathChallenge, &f.Data)
}

// String describes f.
func (f PathChallengeFrame) String() string {
	return string(appendHexField([]byte("PATH_CHALLENGE"), "data", f.Data[:]))
}

// PathResponseFrame is a PATH_RESPONSE frame (RFC 9000, 19.18): it echoes a
// PATH_CHALLENGE's data.
type PathResponseFrame struct {
	Data [8]byte
}

// Type returns FrameTypePathResponse.
func (PathResponseFrame) Type() uint64 { return FrameTypePathResponse }

// Len returns 9.
func (PathResponseFrame) Len() int { return 1 + 8 }

// Append appends f to b.
func (f PathResponseFrame) Append(b []byte) []byte {
	return append(append(b, FrameTypePathResponse), f.Data[:]...)
}

// Parse fills f from the PATH_RESPONSE frame at the start of b.
func (f *PathResponseFrame) Parse(b []byte) (int, error) {
	return parsePathData(b, FrameTypePathResponse, &f.Data)
}

// String describes f.
func (f PathResponseFrame) String() string {
	return string(appendHexField([]byte("PATH_RESPONSE"), "data", f.Data[:]))
}

// parsePathData parses the type and 8-byte Data field PATH_CHALLENGE and
// PATH_RESPONSE share.
func parsePathData(b []byte, typ uint64, data *[8]byte) (int, error) {
	_, n, err := expectType(b, typ, typ)
	if err != nil {
		return 0, err
	}
	if len(b)-n < len(data) {
		return 0, encodingError(typ, reasonTruncated)
	}
	return n + copy(data[:], b[n:]), nil
}
