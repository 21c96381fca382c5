package flow

import (
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// RecvWindow is the credit we grant the peer on one stream or on the
// connection. The advertised limit moves forward as the application consumes
// data; the window size grows (auto-tuning) when the application reads so
// fast that a whole window is consumed in a few round trips.
type RecvWindow struct {
	highest    uint64 // highest offset received (stream) or sum of them (connection)
	consumed   uint64 // bytes the application has read
	advertised uint64 // limit last advertised to the peer
	window     uint64 // current window size
	maxWindow  uint64 // ceiling for auto-tuning

	epochSet    bool
	epochStart  protocol.Time // when the current auto-tuning epoch started
	epochOffset uint64        // consumed at epochStart
}

// NewRecvWindow returns a window of the given initial size, growing up to
// maxWindow.
func NewRecvWindow(initial, maxWindow uint64) RecvWindow {
	if maxWindow < initial {
		maxWindow = initial
	}
	return RecvWindow{advertised: initial, window: initial, maxWindow: maxWindow}
}

// Limit returns the limit the peer must respect.
func (w *RecvWindow) Limit() uint64 { return w.advertised }

// Highest returns the highest offset received so far.
func (w *RecvWindow) Highest() uint64 { return w.highest }

// Window returns the current window size.
func (w *RecvWindow) Window() uint64 { return w.window }

var errFlowControl = &qerr.TransportError{Code: qerr.FlowControlError, Reason: "peer exceeded flow control limit"}

// Receive records that data up to offset end (stream) or a further n bytes
// (connection, via ReceiveMore) arrived. It fails with FLOW_CONTROL_ERROR if
// the peer went past the advertised limit (RFC 9000, 4.1).
func (w *RecvWindow) Receive(end uint64) error {
	if end > w.advertised {
		return errFlowControl
	}
	if end > w.highest {
		w.highest = end
	}
	return nil
}

// ReceiveMore adds n bytes to the connection-level total.
func (w *RecvWindow) ReceiveMore(n uint64) error {
	if n > w.advertised-w.highest {
		return errFlowControl
	}
	w.highest += n
	return nil
}

// Consume records that the application read n bytes (or that they were
// discarded, for a reset stream: RFC 9000, 4.5).
func (w *RecvWindow) Consume(n uint64) { w.consumed += n }

// ShouldUpdate reports whether a MAX_DATA or MAX_STREAM_DATA frame is worth
// sending: once more than half of the window has been consumed since the
// last advertisement (RFC 9000, 4.2 leaves the policy open; half a window
// keeps the peer from blocking while keeping updates rare).
func (w *RecvWindow) ShouldUpdate() bool {
	return w.advertised-w.consumed < w.window/2
}

// Update grows the window if the last window was consumed within a few
// round trips, advertises consumed+window, and returns the new limit.
// rtt is the smoothed RTT; now the current time.
func (w *RecvWindow) Update(now protocol.Time, rtt time.Duration) uint64 {
	w.autoTune(now, rtt)
	if limit := w.consumed + w.window; limit > w.advertised {
		w.advertised = limit
	}
	return w.advertised
}

// autoTune doubles the window when the application consumed a full window's
// worth in under four round trips: the window, not the application, limits
// throughput then (RFC 9000, 4.2 "autotuning mechanism").
func (w *RecvWindow) autoTune(now protocol.Time, rtt time.Duration) {
	if !w.epochSet {
		w.epochSet, w.epochStart, w.epochOffset = true, now, w.consumed
		return
	}
	if w.consumed-w.epochOffset < w.window/2 {
		return
	}
	if rtt > 0 && w.window < w.maxWindow && now.Sub(w.epochStart) < 4*rtt {
		w.window = min(2*w.window, w.maxWindow)
	}
	w.epochStart, w.epochOffset = now, w.consumed
}

// EnsureWindow raises the window to at least size (up to the maximum). The
// connection-level window uses it to stay ahead of a stream window that
// auto-tuning just grew.
func (w *RecvWindow) EnsureWindow(size uint64) {
	if size > w.window {
		w.window = min(size, w.maxWindow)
	}
}

// Unconsume takes back n bytes reported by Consume that the application did
// not take after all.
func (w *RecvWindow) Unconsume(n uint64) { w.consumed -= n }
