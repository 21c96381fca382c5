package qpack

// DefaultShouldIndex is the insertion policy used when EncoderConfig leaves
// ShouldIndex nil. It keeps out of the dynamic table fields that rarely
// repeat, and fields whose values are secrets that compression could leak
// to a probing attacker (RFC 9204, 7.1.3).
func DefaultShouldIndex(f HeaderField) bool {
	if f.NeverIndex {
		return false
	}
	switch f.Name {
	case ":path", "content-length", "content-range", "date", "etag",
		"expires", "if-modified-since", "if-none-match", "if-range",
		"last-modified", "location", "age", "range",
		"authorization", "proxy-authorization", "cookie", "set-cookie":
		return false
	}
	return true
}
