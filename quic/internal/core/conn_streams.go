package core

import (
	"errors"
	"io"

	"github.com/quicr/quicr/quic/internal/flow"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// StreamError reports that a stream part was ended abruptly: the peer reset
// the stream we read (RESET_STREAM) or asked us to stop writing
// (STOP_SENDING), or we did one of those ourselves.
type StreamError struct {
	StreamID streams.ID
	Code     uint64
	Remote   bool
}

func (e *StreamError) Error() string { return "quic: stream canceled" }

// Errors returned by stream commands.
var (
	ErrStreamClosed   = errors.New("quic: stream closed for writing")
	ErrNoStream       = errors.New("quic: no such stream")
	ErrWrongStreamDir = errors.New("quic: operation not possible on this stream's direction")
	ErrConnClosed     = errors.New("quic: connection closed")
)

// newStream creates the state for stream id.
func (c *Conn) newStream(id streams.ID) *stream {
	s := &stream{
		id:      id,
		hasSend: id.CanSend(c.isClient),
		hasRecv: id.CanReceive(c.isClient),
	}
	if s.hasSend {
		s.sendWindow = flow.NewSendWindow(c.peerStreamLimit(id))
	}
	if s.hasRecv {
		s.recvWindow = flow.NewRecvWindow(c.cfg.InitialStreamWindow, c.cfg.MaxStreamWindow)
		s.recv.Pool = c.blocks
	}
	c.streams[id] = s
	return s
}

// OpenStream opens a new stream of the given direction if the peer's
// limit allows (RFC 9000, 4.6). If not, ok is false and a STREAMS_BLOCKED
// frame goes out; EventStreamsAvailable tells when to try again.
func (c *Conn) OpenStream(dir streams.Dir) (id streams.ID, ok bool) {
	if c.state >= stateClosing {
		return 0, false
	}
	lim := &c.openBidi
	if dir == streams.Uni {
		lim = &c.openUni
	}
	if !lim.CanOpen() {
		if dir == streams.Uni {
			c.wantUni = true
		} else {
			c.wantBidi = true
		}
		return 0, false
	}
	id = streams.NewID(lim.Open(), c.isClient, dir)
	c.newStream(id)
	return id, true
}

// peerStream finds or opens the peer's stream id for a frame of type ft.
// It returns nil, nil for a stream that is already finished and forgotten.
func (c *Conn) peerStream(id streams.ID, ft uint64) (*stream, error) {
	if s, ok := c.streams[id]; ok {
		return s, nil
	}
	if id.LocallyInitiated(c.isClient) {
		lim := &c.openBidi
		if id.Dir() == streams.Uni {
			lim = &c.openUni
		}
		if id.Num() >= lim.Opened() {
			// RFC 9000, 19.8: a frame for a locally initiated stream we
			// have not opened is STREAM_STATE_ERROR.
			return nil, &qerr.TransportError{Code: qerr.StreamStateError, FrameType: ft, Reason: "frame for a stream not yet opened"}
		}
		return nil, nil // finished and forgotten
	}
	lim := &c.acceptBidi
	if id.Dir() == streams.Uni {
		lim = &c.acceptUni
	}
	from, to, err := lim.OnPeerStream(id.Num())
	if err != nil {
		te := *err.(*qerr.TransportError)
		te.FrameType = ft
		return nil, &te
	}
	if from == to {
		return nil, nil // finished and forgotten
	}
	// Opening a stream opens every lower-numbered one of its kind
	// (RFC 9000, 3.2).
	for n := from; n < to; n++ {
		sid := streams.NewID(n, !c.isClient, id.Dir())
		c.newStream(sid)
		c.emit(Event{Kind: EventStreamOpened, StreamID: sid})
	}
	return c.streams[id], nil
}

func streamStateError(ft uint64, reason string) error {
	return &qerr.TransportError{Code: qerr.StreamStateError, FrameType: ft, Reason: reason}
}

// handleStreamFrame processes a STREAM frame (RFC 9000, 19.8).
func (c *Conn) handleStreamFrame(f *wire.StreamFrame, ft uint64) error {
	id := streams.ID(f.StreamID)
	if !id.CanReceive(c.isClient) {
		return streamStateError(ft, "STREAM frame on a send-only stream")
	}
	s, err := c.peerStream(id, ft)
	if s == nil || err != nil {
		return err
	}
	end := f.Offset + uint64(len(f.Data))
	if err := c.chargeRecvFlow(s, end); err != nil {
		return err
	}
	if s.recvState >= streams.RecvDataRecvd {
		// Everything arrived already, or the stream was reset; the final
		// size still binds (RFC 9000, 4.5).
		if fs, known := s.recv.FinalSize(); known && (end > fs || f.Fin && end != fs) {
			return &qerr.TransportError{Code: qerr.FinalSizeError, FrameType: ft, Reason: "stream data beyond the final size"}
		}
		return nil
	}
	if err := s.recv.OnData(f.Offset, f.Data, f.Fin); err != nil {
		return withFrameType(err, ft)
	}
	if _, known := s.recv.FinalSize(); known && s.recvState == streams.RecvRecv {
		c.setRecvState(s, streams.RecvSizeKnown)
	}
	if s.recv.AllReceived() {
		c.setRecvState(s, streams.RecvDataRecvd)
	}
	if s.recv.Readable() > 0 || s.recvState == streams.RecvDataRecvd || s.recv.HasUnordered() {
		c.streamEvent(s, evReadable)
	}
	return nil
}

// chargeRecvFlow applies stream and connection flow control to data up to
// offset end (RFC 9000, 4.1).
func (c *Conn) chargeRecvFlow(s *stream, end uint64) error {
	prev := s.recvWindow.Highest()
	if err := s.recvWindow.Receive(end); err != nil {
		return err
	}
	if end > prev {
		if err := c.connRecv.ReceiveMore(end - prev); err != nil {
			return err
		}
	}
	return nil
}

func withFrameType(err error, ft uint64) error {
	var te *qerr.TransportError
	if errors.As(err, &te) {
		cp := *te
		cp.FrameType = ft
		return &cp
	}
	return err
}

// handleResetStream processes RESET_STREAM (RFC 9000, 19.4).
func (c *Conn) handleResetStream(f *wire.ResetStreamFrame) error {
	const ft = wire.FrameTypeResetStream
	id := streams.ID(f.StreamID)
	if !id.CanReceive(c.isClient) {
		return streamStateError(ft, "RESET_STREAM on a send-only stream")
	}
	s, err := c.peerStream(id, ft)
	if s == nil || err != nil {
		return err
	}
	if err := s.recv.OnReset(f.FinalSize); err != nil {
		return withFrameType(err, ft)
	}
	if err := c.chargeRecvFlow(s, f.FinalSize); err != nil {
		return err
	}
	if s.recvState >= streams.RecvDataRead {
		return nil
	}
	// Unread data will never be read: return its credit (RFC 9000, 4.5).
	c.connRecv.Consume(f.FinalSize - s.consumed)
	s.consumed = f.FinalSize
	s.recv.Discard()
	c.setRecvState(s, streams.RecvResetRecvd)
	s.peerResetCode = f.ErrorCode
	s.maxDataNeeded = false
	c.streamEvent(s, evReadable)
	c.maybeUpdateConnFlow()
	return nil
}

// handleStopSending processes STOP_SENDING (RFC 9000, 19.5): we answer
// with RESET_STREAM carrying the same code (RFC 9000, 3.5).
func (c *Conn) handleStopSending(f *wire.StopSendingFrame) error {
	const ft = wire.FrameTypeStopSending
	id := streams.ID(f.StreamID)
	if !id.CanSend(c.isClient) {
		return streamStateError(ft, "STOP_SENDING on a receive-only stream")
	}
	s, err := c.peerStream(id, ft)
	if s == nil || err != nil {
		return err
	}
	if s.stopRecvd {
		return nil
	}
	s.stopRecvd, s.stopCode = true, f.ErrorCode
	c.resetStream(s, f.ErrorCode)
	c.streamEvent(s, evWritable)
	return nil
}

// handleMaxStreamData processes MAX_STREAM_DATA (RFC 9000, 19.10).
func (c *Conn) handleMaxStreamData(f *wire.MaxStreamDataFrame) error {
	const ft = wire.FrameTypeMaxStreamData
	id := streams.ID(f.StreamID)
	if !id.CanSend(c.isClient) {
		return streamStateError(ft, "MAX_STREAM_DATA on a receive-only stream")
	}
	s, err := c.peerStream(id, ft)
	if s == nil || err != nil {
		return err
	}
	if s.sendWindow.UpdateMax(f.Max) {
		s.blockedSent = false
		c.queueSend(s)
	}
	return nil
}

// handleStreamDataBlocked processes STREAM_DATA_BLOCKED (RFC 9000, 19.13):
// it only tells us the peer waits; our updates do not depend on it.
func (c *Conn) handleStreamDataBlocked(f *wire.StreamDataBlockedFrame) error {
	const ft = wire.FrameTypeStreamDataBlocked
	id := streams.ID(f.StreamID)
	if !id.CanReceive(c.isClient) {
		return streamStateError(ft, "STREAM_DATA_BLOCKED on a send-only stream")
	}
	_, err := c.peerStream(id, ft)
	return err
}

// handleMaxStreams processes MAX_STREAMS (RFC 9000, 19.11).
func (c *Conn) handleMaxStreams(f *wire.MaxStreamsFrame) {
	lim, want := &c.openUni, &c.wantUni
	if f.Bidi {
		lim, want = &c.openBidi, &c.wantBidi
	}
	if lim.UpdateMax(f.Max) && *want {
		*want = false
		c.emit(Event{Kind: EventStreamsAvailable})
	}
}

// queueSend lists a stream as having something to send.
func (c *Conn) queueSend(s *stream) {
	if s.inSendQueue {
		return
	}
	s.inSendQueue = true
	if c.sendHead > 0 && c.sendHead >= len(c.sendQueue)/2 {
		// Reuse the consumed front instead of growing.
		n := copy(c.sendQueue, c.sendQueue[c.sendHead:])
		clear(c.sendQueue[n:])
		c.sendQueue = c.sendQueue[:n]
		c.sendHead = 0
	}
	c.sendQueue = append(c.sendQueue, s)
}

// queueCtrl lists a stream as owing a control frame.
func (c *Conn) queueCtrl(s *stream) {
	if !s.inCtrlQueue {
		s.inCtrlQueue = true
		c.ctrlQueue = append(c.ctrlQueue, s)
	}
}

// StreamWrite buffers as much of p as the stream's send buffer allows and
// returns how much it took. A short count means the buffer is full: wait
// for EventStreamWritable.
func (c *Conn) StreamWrite(id streams.ID, p []byte) (int, error) {
	s, err := c.sendStream(id)
	if err != nil {
		return 0, err
	}
	room := c.cfg.SendBufferSize - s.send.Buffered()
	n := min(len(p), max(room, 0))
	if n < len(p) {
		s.eventBits &^= evWritable
	}
	if n > 0 {
		s.send.Write(p[:n])
		c.queueSend(s)
	}
	return n, nil
}

// sendStream returns stream id's sending part, if it can still take data.
func (c *Conn) sendStream(id streams.ID) (*stream, error) {
	if c.state >= stateClosing {
		return nil, c.connError()
	}
	s, ok := c.streams[id]
	if !ok {
		return nil, ErrNoStream
	}
	if !s.hasSend {
		return nil, ErrWrongStreamDir
	}
	if s.stopRecvd {
		return nil, &StreamError{StreamID: id, Code: s.stopCode, Remote: true}
	}
	if s.sendState != streams.SendSend || s.send.Closed() {
		return nil, ErrStreamClosed
	}
	return s, nil
}

// StreamClose ends the stream's sending part with a FIN after the buffered
// data (RFC 9000, 3.1).
func (c *Conn) StreamClose(id streams.ID) error {
	s, err := c.sendStream(id)
	if err != nil {
		if errors.Is(err, ErrStreamClosed) {
			return nil
		}
		return err
	}
	s.send.Close()
	c.queueSend(s)
	return nil
}

// StreamReset abandons the stream's sending part with RESET_STREAM
// (RFC 9000, 3.1). Unsent and unacknowledged data is dropped.
func (c *Conn) StreamReset(id streams.ID, code uint64) {
	if s, ok := c.streams[id]; ok && s.hasSend {
		c.resetStream(s, code)
	}
}

func (c *Conn) resetStream(s *stream, code uint64) {
	if s.sendState == streams.SendDataRecvd || s.sendState >= streams.SendResetSent {
		return
	}
	c.setSendState(s, streams.SendResetSent)
	s.resetCode = code
	s.finalSize = s.send.Sent()
	s.send.Reset()
	s.resetNeeded = true
	c.queueCtrl(s)
	c.streamEvent(s, evWritable)
}

// StreamStopSending asks the peer to stop sending on the stream with
// STOP_SENDING (RFC 9000, 3.5); data that arrives is discarded.
func (c *Conn) StreamStopSending(id streams.ID, code uint64) {
	s, ok := c.streams[id]
	if !ok || !s.hasRecv || s.recvState >= streams.RecvDataRecvd {
		return
	}
	s.stopNeeded, s.ourStopCode = true, code
	// Nothing more will be read: return the credit for what is buffered.
	unread := s.recvWindow.Highest() - s.consumed
	c.connRecv.Consume(unread)
	s.consumed += unread
	s.recv.Discard()
	c.setRecvState(s, streams.RecvResetRead)
	c.queueCtrl(s)
	c.maybeFinishStream(s)
}

// StreamRead copies in-order data into p. At the end of the stream it
// returns io.EOF; after a RESET_STREAM, a *StreamError. n == 0 with no
// error means no data yet: wait for EventStreamReadable.
func (c *Conn) StreamRead(id streams.ID, p []byte) (int, error) {
	s, ok := c.streams[id]
	if !ok {
		return 0, ErrNoStream
	}
	if !s.hasRecv {
		return 0, ErrWrongStreamDir
	}
	s.eventBits &^= evReadable
	switch s.recvState {
	case streams.RecvResetRecvd, streams.RecvResetRead:
		c.setRecvState(s, streams.RecvResetRead)
		c.maybeFinishStream(s)
		return 0, &StreamError{StreamID: id, Code: s.peerResetCode, Remote: true}
	case streams.RecvDataRead:
		return 0, io.EOF
	}
	n := s.recv.Read(p)
	c.onConsumed(s, n)
	if s.recv.AtEOF() {
		// The stream's state may go now: report EOF with the last bytes.
		c.setRecvState(s, streams.RecvDataRead)
		c.maybeFinishStream(s)
		return n, io.EOF
	}
	if n == 0 && c.state >= stateClosing {
		return 0, c.connError()
	}
	return n, nil
}

// StreamReadUnordered returns the next received chunk of the stream and
// its offset, in any order; ok is false when nothing is ready. At the end
// it returns io.EOF.
func (c *Conn) StreamReadUnordered(id streams.ID) (off uint64, data []byte, err error) {
	s, ok := c.streams[id]
	if !ok {
		return 0, nil, ErrNoStream
	}
	if !s.hasRecv {
		return 0, nil, ErrWrongStreamDir
	}
	s.eventBits &^= evReadable
	switch s.recvState {
	case streams.RecvResetRecvd, streams.RecvResetRead:
		c.setRecvState(s, streams.RecvResetRead)
		c.maybeFinishStream(s)
		return 0, nil, &StreamError{StreamID: id, Code: s.peerResetCode, Remote: true}
	case streams.RecvDataRead:
		return 0, nil, io.EOF
	}
	off, data, got := s.recv.ReadUnordered()
	if got {
		c.onConsumed(s, len(data))
		return off, data, nil
	}
	if s.recv.AtEOF() {
		c.setRecvState(s, streams.RecvDataRead)
		c.maybeFinishStream(s)
		return 0, nil, io.EOF
	}
	if c.state >= stateClosing {
		return 0, nil, c.connError()
	}
	return 0, nil, nil
}

// StreamReadOffset returns how far the stream was read in order: the
// offset the next Read returns data from.
func (c *Conn) StreamReadOffset(id streams.ID) uint64 {
	s, ok := c.streams[id]
	if !ok || !s.hasRecv {
		return 0
	}
	return s.recv.ReadOffset()
}

// onConsumed returns flow-control credit for n bytes the application read.
func (c *Conn) onConsumed(s *stream, n int) {
	if n == 0 {
		return
	}
	s.consumed += uint64(n)
	s.recvWindow.Consume(uint64(n))
	c.connRecv.Consume(uint64(n))
	if s.recvState == streams.RecvRecv && s.recvWindow.ShouldUpdate() {
		s.maxDataNeeded = true
		c.queueCtrl(s)
	}
	c.maybeUpdateConnFlow()
}

// maybeUpdateConnFlow schedules MAX_DATA when enough was consumed.
func (c *Conn) maybeUpdateConnFlow() {
	if c.connRecv.ShouldUpdate() {
		c.maxDataNeeded = true
	}
}

// maybeFinishStream forgets a stream whose both parts are done and gives
// the peer credit for a new one (RFC 9000, 4.6).
func (c *Conn) maybeFinishStream(s *stream) {
	if !s.sendDone() || !s.recvDone() || s.wantsCtrl() {
		return
	}
	if _, ok := c.streams[s.id]; !ok {
		return
	}
	delete(c.streams, s.id)
	// Buffers go back to the connection's pool at once.
	s.recv.Discard()
	s.send = streams.SendBuffer{}
	c.emit(Event{Kind: EventStreamDone, StreamID: s.id})
	if s.id.LocallyInitiated(c.isClient) {
		return
	}
	if s.id.Dir() == streams.Uni {
		c.acceptUni.OnClosed()
		c.maxStreamsUniNeeded = c.maxStreamsUniNeeded || c.acceptUni.ShouldUpdate()
	} else {
		c.acceptBidi.OnClosed()
		c.maxStreamsBidiNeeded = c.maxStreamsBidiNeeded || c.acceptBidi.ShouldUpdate()
	}
}

// StreamExists reports whether the connection still has state for id.
func (c *Conn) StreamExists(id streams.ID) bool {
	_, ok := c.streams[id]
	return ok
}

// CanOpenStream reports whether OpenStream would succeed for dir.
func (c *Conn) CanOpenStream(dir streams.Dir) bool {
	if dir == streams.Uni {
		return c.openUni.CanOpen()
	}
	return c.openBidi.CanOpen()
}

// StreamUnread returns the unread tail of a chunk from
// StreamReadUnordered, and the flow-control credit charged for it.
func (c *Conn) StreamUnread(id streams.ID, off uint64, rest []byte) {
	s, ok := c.streams[id]
	if !ok || len(rest) == 0 {
		return
	}
	s.recv.Unread(off, off+uint64(len(rest)))
	s.consumed -= uint64(len(rest))
	s.recvWindow.Unconsume(uint64(len(rest)))
	c.connRecv.Unconsume(uint64(len(rest)))
}

// requeueConnBlocked puts back in the send queue the streams that left it
// for lack of connection credit, when MAX_DATA brings more (RFC 9000,
// 19.9).
func (c *Conn) requeueConnBlocked() {
	for _, s := range c.connBlocked {
		s.connBlocked = false
		if s.hasSend && s.send.HasNewData(s.sendWindow.Max()) {
			c.queueSend(s)
		}
	}
	clear(c.connBlocked)
	c.connBlocked = c.connBlocked[:0]
}
