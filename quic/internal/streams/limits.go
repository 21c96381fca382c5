package streams

import "github.com/quicr/quicr/quic/internal/qerr"

// OpenLimit counts the streams of one direction that we open, against the
// peer's MAX_STREAMS limit (RFC 9000, 4.6).
type OpenLimit struct {
	opened    uint64 // streams opened so far
	max       uint64 // the peer's cumulative limit
	blockedAt uint64 // limit+1 at which STREAMS_BLOCKED was last sent
}

// NewOpenLimit starts with the peer's initial_max_streams_bidi or _uni.
func NewOpenLimit(initial uint64) OpenLimit { return OpenLimit{max: initial} }

// CanOpen reports whether another stream may be opened now.
func (l *OpenLimit) CanOpen() bool { return l.opened < l.max }

// Open takes the next stream number; the caller checked CanOpen.
func (l *OpenLimit) Open() uint64 {
	n := l.opened
	l.opened++
	return n
}

// Opened returns how many streams have been opened.
func (l *OpenLimit) Opened() uint64 { return l.opened }

// Max returns the peer's limit.
func (l *OpenLimit) Max() uint64 { return l.max }

// UpdateMax applies a MAX_STREAMS frame; smaller values are ignored
// (RFC 9000, 4.6). It reports whether new streams became available.
func (l *OpenLimit) UpdateMax(max uint64) bool {
	if max <= l.max {
		return false
	}
	l.max = max
	return true
}

// ShouldSendBlocked reports whether a STREAMS_BLOCKED frame is due: the
// application wants a stream and none is left at this limit (RFC 9000, 4.6).
func (l *OpenLimit) ShouldSendBlocked(want bool) bool {
	return want && l.opened == l.max && l.blockedAt != l.max+1
}

// MarkBlockedSent records that STREAMS_BLOCKED at the current limit was sent.
func (l *OpenLimit) MarkBlockedSent() { l.blockedAt = l.max + 1 }

// AcceptLimit counts the streams of one direction that the peer opens, and
// re-issues credit as they finish so that the peer can keep `window`
// streams open at a time over the whole life of the connection.
type AcceptLimit struct {
	opened     uint64 // streams the peer opened (largest number + 1)
	closed     uint64 // streams that finished
	advertised uint64 // limit last advertised
	window     uint64 // concurrent streams allowed
	frameType  uint64 // the STREAM frame type for error reports
}

// NewAcceptLimit starts with the limit we advertise in our transport
// parameters.
func NewAcceptLimit(window uint64) AcceptLimit {
	return AcceptLimit{advertised: window, window: window}
}

var errStreamLimit = &qerr.TransportError{Code: qerr.StreamLimitError, Reason: "peer opened a stream beyond the limit"}

// OnPeerStream handles a frame for the peer's stream number num. It returns
// the range [from, to) of stream numbers this frame implicitly opens (RFC
// 9000, 3.2: opening a stream opens every lower-numbered one of its kind),
// empty if num is already open. Beyond the limit it fails with
// STREAM_LIMIT_ERROR (RFC 9000, 4.6).
func (l *AcceptLimit) OnPeerStream(num uint64) (from, to uint64, err error) {
	if num >= l.advertised {
		return 0, 0, errStreamLimit
	}
	if num < l.opened {
		return l.opened, l.opened, nil
	}
	from, to = l.opened, num+1
	l.opened = to
	return from, to, nil
}

// IsOpened reports whether the peer has opened stream number num.
func (l *AcceptLimit) IsOpened(num uint64) bool { return num < l.opened }

// OnClosed records that one of the peer's streams finished, freeing credit.
func (l *AcceptLimit) OnClosed() { l.closed++ }

// ShouldUpdate reports whether a MAX_STREAMS frame is worth sending: the
// credit freed since the last one reached a tenth of the window, so the
// peer rarely waits for it.
func (l *AcceptLimit) ShouldUpdate() bool {
	return l.closed+l.window-l.advertised >= max(1, l.window/10)
}

// Update advertises the new limit and returns it.
func (l *AcceptLimit) Update() uint64 {
	if n := min(l.closed+l.window, MaxStreamCount); n > l.advertised {
		l.advertised = n
	}
	return l.advertised
}

// Advertised returns the limit last advertised, to re-send a lost
// MAX_STREAMS frame with the current value.
func (l *AcceptLimit) Advertised() uint64 { return l.advertised }
