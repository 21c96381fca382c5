package core

import (
	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/flow"
	"github.com/quicr/quicr/quic/internal/streams"
)

// stream is one stream's state inside the connection: the sending part
// (buffer, peer's flow-control limit, RFC 9000 3.1 state) and the receiving
// part (reassembly, our flow-control window, RFC 9000 3.2 state), plus the
// control frames each side owes the peer.
type stream struct {
	id      streams.ID
	hasSend bool
	hasRecv bool

	// Sending part.
	send        streams.SendBuffer
	sendWindow  flow.SendWindow
	sendState   streams.SendState
	resetCode   uint64 // our RESET_STREAM error code
	resetNeeded bool   // RESET_STREAM to send (again)
	stopCode    uint64 // the peer's STOP_SENDING code, if stopRecvd
	stopRecvd   bool
	blockedSent bool   // STREAM_DATA_BLOCKED at the current limit went out
	finalSize   uint64 // the final size sent in RESET_STREAM
	inSendQueue bool   // listed in conn.sendQueue
	connBlocked bool   // listed in conn.connBlocked

	// Receiving part.
	recv          streams.RecvBuffer
	recvWindow    flow.RecvWindow
	recvState     streams.RecvState
	peerResetCode uint64 // the peer's RESET_STREAM code
	stopNeeded    bool   // STOP_SENDING to send (again)
	ourStopCode   uint64
	maxDataNeeded bool   // MAX_STREAM_DATA to send (again)
	inCtrlQueue   bool   // listed in conn.ctrlQueue
	finReported   bool   // the application saw EOF or the reset
	consumed      uint64 // bytes read by the application (or discarded)

	// eventBits collects what the application should be told (streamReadable...).
	eventBits uint8
}

// Stream event bits reported through Conn.PollEvent.
const (
	evReadable uint8 = 1 << iota
	evWritable
)

// wantsSend reports whether the stream has STREAM data or a FIN to send now,
// given connection-level credit.
func (s *stream) wantsSend(connCredit uint64) bool {
	if !s.hasSend || s.sendState != streams.SendSend && s.sendState != streams.SendDataSent {
		return false
	}
	if s.send.HasRetransmitData() {
		return true
	}
	limit := s.sendWindow.Max()
	if connCredit == 0 {
		// Only a FIN with no new data can go without connection credit.
		return s.send.HasNewData(s.send.Sent())
	}
	return s.send.HasNewData(limit)
}

// wantsCtrl reports whether the stream owes the peer a control frame.
func (s *stream) wantsCtrl() bool {
	return s.resetNeeded || s.stopNeeded || s.maxDataNeeded
}

// sendDone reports whether the sending part is in a terminal state.
func (s *stream) sendDone() bool { return !s.hasSend || s.sendState.Terminal() }

// recvDone reports whether the receiving part is in a terminal state.
func (s *stream) recvDone() bool { return !s.hasRecv || s.recvState.Terminal() }

// setSendState moves the sending part to st, tracing the change.
func (c *Conn) setSendState(s *stream, st streams.SendState) {
	if s.sendState == st {
		return
	}
	if c.tracer != nil {
		c.tracer.StreamStateUpdated(int64(c.traceNow), uint64(s.id), qlog.StreamSideSending,
			qlog.StreamState(s.sendState.String()), qlog.StreamState(st.String()), "")
	}
	s.sendState = st
}

// setRecvState moves the receiving part to st, tracing the change.
func (c *Conn) setRecvState(s *stream, st streams.RecvState) {
	if s.recvState == st {
		return
	}
	if c.tracer != nil {
		c.tracer.StreamStateUpdated(int64(c.traceNow), uint64(s.id), qlog.StreamSideReceiving,
			qlog.StreamState(s.recvState.String()), qlog.StreamState(st.String()), "")
	}
	s.recvState = st
}
