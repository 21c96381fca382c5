package fakequic

import (
	"errors"
	"strconv"
)

// StreamError is returned by operations on a reset or stopped stream. It
// implements http3.StreamErrorCoder, as a real transport's error would.
type StreamError struct {
	Code   uint64
	Remote bool
}

// Error implements error.
func (e *StreamError) Error() string {
	return "fakequic: stream reset with code 0x" + strconv.FormatUint(e.Code, 16) + remoteSuffix(e.Remote)
}

// StreamErrorCode implements http3.StreamErrorCoder.
func (e *StreamError) StreamErrorCode() (uint64, bool) { return e.Code, e.Remote }

// ApplicationError is the error of a connection closed with CloseWithError.
type ApplicationError struct {
	Code   uint64
	Remote bool
	Reason string
}

// Error implements error.
func (e *ApplicationError) Error() string {
	return "fakequic: connection closed with code 0x" + strconv.FormatUint(e.Code, 16) + remoteSuffix(e.Remote) + ": " + e.Reason
}

func remoteSuffix(remote bool) string {
	if remote {
		return " (remote)"
	}
	return ""
}

// ErrStreamLimit is returned by OpenStream and OpenUniStream when the
// peer's stream limit is reached.
var ErrStreamLimit = errors.New("fakequic: too many open streams")

var errWriteAfterClose = errors.New("fakequic: write on closed stream")
