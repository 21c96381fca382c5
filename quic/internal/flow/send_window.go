package flow

// SendWindow tracks the limit a peer advertised for data we send, on one
// stream (MAX_STREAM_DATA) or on the connection (MAX_DATA).
type SendWindow struct {
	max       uint64 // highest limit the peer advertised
	sent      uint64 // highest offset (stream) or sum of offsets (connection) sent
	blockedAt uint64 // limit at which we last reported being blocked, plus one
}

// NewSendWindow returns a window with the peer's initial limit from its
// transport parameters (RFC 9000, 18.2).
func NewSendWindow(initial uint64) SendWindow {
	return SendWindow{max: initial}
}

// UpdateMax raises the limit; smaller values are ignored (RFC 9000, 4.1:
// "A sender MUST ignore any MAX_STREAM_DATA or MAX_DATA frames that do not
// increase flow control limits."). It reports whether the limit grew.
func (w *SendWindow) UpdateMax(max uint64) bool {
	if max <= w.max {
		return false
	}
	w.max = max
	return true
}

// Max returns the peer's current limit.
func (w *SendWindow) Max() uint64 { return w.max }

// Sent returns how much of the window has been used.
func (w *SendWindow) Sent() uint64 { return w.sent }

// Available returns the credit left.
func (w *SendWindow) Available() uint64 { return w.max - w.sent }

// Consume records n more bytes sent. The caller never sends more than
// Available.
func (w *SendWindow) Consume(n uint64) {
	if n > w.max-w.sent {
		panic("flow: sent beyond the peer's limit")
	}
	w.sent += n
}

// ShouldSendBlocked reports whether a DATA_BLOCKED or STREAM_DATA_BLOCKED
// frame is due: the sender is blocked and has not yet reported it at this
// limit (RFC 9000, 4.1). The caller reports through MarkBlockedSent once the
// frame is queued, and again after its loss.
func (w *SendWindow) ShouldSendBlocked() bool {
	return w.sent == w.max && w.blockedAt != w.max+1
}

// MarkBlockedSent records that a blocked frame at the current limit was sent.
func (w *SendWindow) MarkBlockedSent() { w.blockedAt = w.max + 1 }

// BlockedLost lets a lost blocked frame be sent again if the limit has not
// moved since (RFC 9000, 13.3).
func (w *SendWindow) BlockedLost(limit uint64) {
	if w.blockedAt == limit+1 {
		w.blockedAt = 0
	}
}
