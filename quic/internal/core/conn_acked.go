package core

import (
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/streams"
)

// Conn implements recovery.Handler: the loss detector tells it the fate of
// each sent packet, and the packet's frame log is replayed to the frames'
// owners (RFC 9000, 13.3).
var _ recovery.Handler = (*Conn)(nil)

// OnPacketAcked handles a newly acknowledged packet.
func (c *Conn) OnPacketAcked(p recovery.SentPacket) {
	if p.Space == protocol.SpaceAppData && p.PacketNumber >= c.firstPhasePN {
		c.phaseAcked = true
	}
	if p.PMTUProbe {
		c.onPMTUProbeAcked(p.Size)
	}
	c.replay(p, true)
	c.recycleLog(p.Frames)
}

// OnPacketLost handles a packet declared lost: its frames are queued again
// where their content still matters.
func (c *Conn) OnPacketLost(p recovery.SentPacket) {
	c.stats.PacketsLost++
	if p.PMTUProbe {
		c.onPMTUProbeLost(p.Size)
	}
	if c.tracer != nil {
		c.traceLost(c.traceNow, p)
	}
	c.replay(p, false)
	c.recycleLog(p.Frames)
}

// OnPacketDiscarded handles a packet dropped with its space. Its frames are
// forgotten, except after a Retry or a 0-RTT rejection, where they must be
// sent again in the next attempt.
func (c *Conn) OnPacketDiscarded(p recovery.SentPacket) {
	if c.requeueDiscarded || (p.Space == protocol.SpaceAppData && c.zeroRTTRejected) {
		c.replay(p, false)
	}
	c.recycleLog(p.Frames)
}

func (c *Conn) recycleLog(l []byte) {
	if cap(l) > 0 && len(c.freeLogs) < 4096 {
		c.freeLogs = append(c.freeLogs, l[:0])
	}
}

// newLog returns an empty frame log, reusing a recycled buffer.
func (c *Conn) newLog() frameLog {
	if n := len(c.freeLogs); n > 0 {
		l := c.freeLogs[n-1]
		c.freeLogs = c.freeLogs[:n-1]
		return l
	}
	return make(frameLog, 0, 64)
}

// replay walks a packet's frame log, telling each owner whether its frame
// arrived (acked) or needs sending again (!acked).
func (c *Conn) replay(p recovery.SentPacket, acked bool) {
	l := frameLog(p.Frames)
	for len(l) > 0 {
		var r logRecord
		r, l = l.next()
		switch r.kind {
		case logAck:
			if acked {
				c.spaces[p.Space].ack.OnAckAcked(r.a)
			}
		case logCrypto:
			sp := &c.spaces[p.Space]
			if acked {
				sp.cryptoSend.OnAcked(r.a, int(r.b), false)
			} else if !sp.discarded || c.requeueDiscarded {
				sp.cryptoSend.OnLost(r.a, int(r.b), false)
			}
		case logStream, logStreamFin:
			c.replayStream(streams.ID(r.a), r.b, int(r.c), r.kind == logStreamFin, acked)
		case logResetStream:
			if s := c.streams[streams.ID(r.a)]; s != nil {
				if acked {
					c.setSendState(s, streams.SendResetRecvd)
					c.maybeFinishStream(s)
				} else {
					s.resetNeeded = true
					c.queueCtrl(s)
				}
			}
		case logStopSending:
			if s := c.streams[streams.ID(r.a)]; s != nil && !acked {
				s.stopNeeded = true
				c.queueCtrl(s)
			}
		case logMaxData:
			if !acked {
				c.maxDataNeeded = true
			}
		case logMaxStreamData:
			if s := c.streams[streams.ID(r.a)]; s != nil && !acked && s.recvState == streams.RecvRecv {
				s.maxDataNeeded = true
				c.queueCtrl(s)
			}
		case logMaxStreamsBidi:
			c.maxStreamsBidiNeeded = c.maxStreamsBidiNeeded || !acked
		case logMaxStreamsUni:
			c.maxStreamsUniNeeded = c.maxStreamsUniNeeded || !acked
		case logDataBlocked:
			if !acked && c.connSend.Max() == r.a {
				c.dataBlockedSent = false
			}
		case logStreamBlocked:
			if s := c.streams[streams.ID(r.a)]; s != nil && !acked {
				s.blockedSent = false
			}
		case logNewConnID:
			if !acked {
				c.localCIDs.OnLost(r.a)
			}
		case logRetireConnID:
			if acked {
				c.remoteCIDs.OnRetireAcked(r.a)
			} else {
				c.remoteCIDs.OnRetireLost(r.a)
			}
		case logHandshakeDone:
			if acked {
				c.handshakeDoneAcked = true
			} else if !c.handshakeDoneAcked {
				c.handshakeDoneSend = true
			}
		case logNewToken:
			if !acked {
				c.newTokenNeeded = true
			}
		}
	}
}

// replayStream handles the fate of one STREAM frame.
func (c *Conn) replayStream(id streams.ID, off uint64, n int, fin, acked bool) {
	s := c.streams[id]
	if s == nil || s.sendState >= streams.SendResetSent {
		return
	}
	if !acked {
		s.send.OnLost(off, n, fin)
		c.queueSend(s)
		return
	}
	if s.send.OnAcked(off, n, fin) {
		c.setSendState(s, streams.SendDataRecvd)
		c.streamEvent(s, evWritable)
		c.maybeFinishStream(s)
		return
	}
	if s.send.Buffered() < c.cfg.SendBufferSize {
		c.streamEvent(s, evWritable)
	}
}
