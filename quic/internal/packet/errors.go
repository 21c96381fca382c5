package packet

// Error is a reason to discard an incoming packet without closing the
// connection (RFC 9000, 5.2). Errors are constants so that rejecting a packet
// never allocates.
type Error string

// Error implements error.
func (e Error) Error() string { return string(e) }

// Reasons a header does not parse.
const (
	ErrTruncated          Error = "packet: truncated header"
	ErrNotLongHeader      Error = "packet: not a long header"
	ErrNotShortHeader     Error = "packet: not a short header"
	ErrConnIDLen          Error = "packet: connection ID too long"
	ErrUnsupportedVersion Error = "packet: unsupported version"
	ErrFixedBit           Error = "packet: fixed bit is zero"
	ErrLength             Error = "packet: length field exceeds datagram"
	ErrVersionList        Error = "packet: version list length not a multiple of 4"
	ErrNotVersionNeg      Error = "packet: not a version negotiation packet"
)
