package core

import (
	"errors"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/tparams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Tracing: every method here is called only when c.tracer is not nil, so a
// connection without a tracer pays one pointer comparison per event and
// nothing else (no allocation, no formatting).

var qlogPacketTypes = [...]qlog.PacketType{
	protocol.PacketInitial:            qlog.PacketTypeInitial,
	protocol.Packet0RTT:               qlog.PacketType0RTT,
	protocol.PacketHandshake:          qlog.PacketTypeHandshake,
	protocol.PacketRetry:              qlog.PacketTypeRetry,
	protocol.PacketVersionNegotiation: qlog.PacketTypeVersionNegotiation,
	protocol.Packet1RTT:               qlog.PacketType1RTT,
}

func qlogPacketType(t protocol.PacketType) qlog.PacketType {
	if int(t) < len(qlogPacketTypes) && qlogPacketTypes[t] != "" {
		return qlogPacketTypes[t]
	}
	return qlog.PacketTypeUnknown
}

// startTrace opens the connection's trace and logs connection_started.
func (c *Conn) startTrace(now protocol.Time) {
	if c.cfg.Tracer == nil {
		return
	}
	role := qlog.RoleServer
	if c.isClient {
		role = qlog.RoleClient
	}
	c.tracer = c.cfg.Tracer(role, c.odcid.Bytes())
	if c.tracer == nil {
		return
	}
	c.qlogFrames = make([]qlog.Frame, 0, 16)
	dcid := c.remoteCIDs.Current()
	c.tracer.ConnectionStarted(int64(now), c.path.local, c.path.remote, c.initialSCID.Bytes(), dcid.Bytes())
	c.tracer.ConnectionStateUpdated(int64(now), "", qlog.StateAttempted)
}

// traceParams logs parameters_set for one side.
func (c *Conn) traceParams(now protocol.Time, p *tparams.Parameters, local bool) {
	q := qlog.TransportParameters{
		Initiator:                      qlog.InitiatorRemote,
		DisableActiveMigration:         p.DisableActiveMigration,
		MaxIdleTimeout:                 p.MaxIdleTimeout,
		MaxUDPPayloadSize:              p.MaxUDPPayloadSize,
		AckDelayExponent:               uint64(p.AckDelayExponent),
		MaxAckDelay:                    p.MaxAckDelay,
		ActiveConnectionIDLimit:        p.ActiveConnectionIDLimit,
		InitialMaxData:                 p.InitialMaxData,
		InitialMaxStreamDataBidiLocal:  p.InitialMaxStreamDataBidiLocal,
		InitialMaxStreamDataBidiRemote: p.InitialMaxStreamDataBidiRemote,
		InitialMaxStreamDataUni:        p.InitialMaxStreamDataUni,
		InitialMaxStreamsBidi:          p.InitialMaxStreamsBidi,
		InitialMaxStreamsUni:           p.InitialMaxStreamsUni,
		MaxDatagramFrameSize:           p.MaxDatagramFrameSize,
		GreaseQUICBit:                  p.GreaseQUICBit,
	}
	if local {
		q.Initiator = qlog.InitiatorLocal
	}
	if p.HasOriginalDestinationConnectionID {
		q.OriginalDestinationConnectionID = p.OriginalDestinationConnectionID.Bytes()
	}
	if p.HasInitialSourceConnectionID {
		q.InitialSourceConnectionID = p.InitialSourceConnectionID.Bytes()
	}
	if p.HasRetrySourceConnectionID {
		q.RetrySourceConnectionID = p.RetrySourceConnectionID.Bytes()
	}
	if p.HasStatelessResetToken {
		q.StatelessResetToken = p.StatelessResetToken[:]
	}
	if p.HasVersionInformation {
		vi := &qlog.VersionInformation{Chosen: uint32(p.VersionInformation.Chosen)}
		for _, v := range p.VersionInformation.Available {
			vi.Available = append(vi.Available, uint32(v))
		}
		q.VersionInformation = vi
	}
	c.tracer.ParametersSet(int64(now), &q)
}

// qlogFramesOf describes the frames of a plaintext payload.
func (c *Conn) qlogFramesOf(payload []byte) []qlog.Frame {
	fs := c.qlogFrames[:0]
	for len(payload) > 0 {
		f, n, err := wire.ParseFrame(payload)
		if err != nil {
			break
		}
		payload = payload[n:]
		fs = append(fs, qlogFrame(f))
	}
	c.qlogFrames = fs
	return fs
}

// qlogFrame converts a parsed frame.
func qlogFrame(f wire.Frame) qlog.Frame {
	switch f := f.(type) {
	case *wire.PaddingFrame:
		return qlog.Frame{Type: qlog.FramePadding, Length: uint64(f.Len()), RawLength: uint64(f.Len())}
	case *wire.PingFrame:
		return qlog.Frame{Type: qlog.FramePing}
	case *wire.AckFrame:
		q := qlog.Frame{Type: qlog.FrameAck, AckDelay: time.Duration(f.AckDelay<<ackDelayExponent) * time.Microsecond,
			HasECN: f.ECN, ECT0: f.ECT0, ECT1: f.ECT1, CE: f.CE}
		for _, r := range f.Ranges {
			q.AckRanges = append(q.AckRanges, qlog.AckRange{Smallest: r.Smallest, Largest: r.Largest})
		}
		return q
	case *wire.StreamFrame:
		return qlog.Frame{Type: qlog.FrameStream, StreamID: f.StreamID, Offset: f.Offset, Length: uint64(len(f.Data)), Fin: f.Fin}
	case *wire.CryptoFrame:
		return qlog.Frame{Type: qlog.FrameCrypto, Offset: f.Offset, Length: uint64(len(f.Data))}
	case *wire.ResetStreamFrame:
		return qlog.Frame{Type: qlog.FrameResetStream, StreamID: f.StreamID, ErrorCode: f.ErrorCode, FinalSize: f.FinalSize}
	case *wire.StopSendingFrame:
		return qlog.Frame{Type: qlog.FrameStopSending, StreamID: f.StreamID, ErrorCode: f.ErrorCode}
	case *wire.NewTokenFrame:
		return qlog.Frame{Type: qlog.FrameNewToken, Token: f.Token}
	case *wire.MaxDataFrame:
		return qlog.Frame{Type: qlog.FrameMaxData, Maximum: f.Max}
	case *wire.MaxStreamDataFrame:
		return qlog.Frame{Type: qlog.FrameMaxStreamData, StreamID: f.StreamID, Maximum: f.Max}
	case *wire.MaxStreamsFrame:
		return qlog.Frame{Type: qlog.FrameMaxStreams, Maximum: f.Max, Unidirectional: !f.Bidi}
	case *wire.DataBlockedFrame:
		return qlog.Frame{Type: qlog.FrameDataBlocked, Maximum: f.Max}
	case *wire.StreamDataBlockedFrame:
		return qlog.Frame{Type: qlog.FrameStreamDataBlocked, StreamID: f.StreamID, Maximum: f.Max}
	case *wire.StreamsBlockedFrame:
		return qlog.Frame{Type: qlog.FrameStreamsBlocked, Maximum: f.Max, Unidirectional: !f.Bidi}
	case *wire.NewConnectionIDFrame:
		return qlog.Frame{Type: qlog.FrameNewConnectionID, SequenceNumber: f.Seq, RetirePriorTo: f.RetirePriorTo,
			ConnectionID: f.ConnID.Bytes(), StatelessResetToken: f.ResetToken[:]}
	case *wire.RetireConnectionIDFrame:
		return qlog.Frame{Type: qlog.FrameRetireConnectionID, SequenceNumber: f.Seq}
	case *wire.PathChallengeFrame:
		return qlog.Frame{Type: qlog.FramePathChallenge, Data: f.Data}
	case *wire.PathResponseFrame:
		return qlog.Frame{Type: qlog.FramePathResponse, Data: f.Data}
	case *wire.ConnectionCloseFrame:
		q := qlog.Frame{Type: qlog.FrameConnectionClose, ErrorCode: f.ErrorCode, Reason: string(f.Reason),
			TriggerFrameType: f.FrameType, ErrorSpace: qlog.ErrorSpaceTransport}
		if f.Application {
			q.ErrorSpace = qlog.ErrorSpaceApplication
		}
		return q
	case *wire.HandshakeDoneFrame:
		return qlog.Frame{Type: qlog.FrameHandshakeDone}
	case *wire.DatagramFrame:
		return qlog.Frame{Type: qlog.FrameDatagram, Length: uint64(len(f.Data))}
	}
	return qlog.Frame{Type: qlog.FrameUnknown, FrameTypeValue: f.Type()}
}

// tracePacket logs packet_sent or packet_received.
func (c *Conn) tracePacket(now protocol.Time, sent bool, pt protocol.PacketType, pn uint64, size int, payload []byte, dcid, scid protocol.ConnectionID) {
	p := qlog.Packet{
		Header: qlog.PacketHeader{PacketType: qlogPacketType(pt), PacketNumber: pn, DestConnectionID: dcid.Bytes()},
		Raw:    qlog.RawInfo{Length: uint64(size), PayloadLength: uint64(len(payload))},
		Frames: c.qlogFramesOf(payload),
	}
	if pt == protocol.Packet1RTT {
		if sent {
			p.Header.KeyPhase = c.oneRTT.WriteGeneration()
		} else {
			p.Header.KeyPhase = c.oneRTT.ReadGeneration()
		}
	} else {
		p.Header.Version = uint32(c.version)
		p.Header.SrcConnectionID = scid.Bytes()
	}
	if sent {
		c.tracer.PacketSent(int64(now), &p)
		c.traceMetrics(now)
	} else {
		c.tracer.PacketReceived(int64(now), &p)
	}
}

// traceDropped logs packet_dropped.
func (c *Conn) traceDropped(now protocol.Time, pt protocol.PacketType, size int, trigger qlog.DropTrigger) {
	h := qlog.PacketHeader{PacketType: qlogPacketType(pt), Protected: true}
	c.tracer.PacketDropped(int64(now), &h, qlog.RawInfo{Length: uint64(size)}, trigger, "")
}

// traceMetrics logs recovery:metrics_updated and
// congestion_state_updated when something changed.
func (c *Conn) traceMetrics(now protocol.Time) {
	m := c.loss.Metrics()
	if m != c.lastMetrics {
		c.lastMetrics = m
		q := qlog.Metrics{
			MinRTT: m.MinRTT, SmoothedRTT: m.SmoothedRTT, LatestRTT: m.LatestRTT, RTTVariance: m.RTTVariance,
			PTOCount: uint64(m.PTOCount), CongestionWindow: uint64(m.CongestionWindow), BytesInFlight: uint64(m.BytesInFlight),
			PacingRate: m.PacingRate,
		}
		if m.SSThresh > 0 {
			q.SSThresh = uint64(m.SSThresh)
		}
		c.tracer.MetricsUpdated(int64(now), &q)
	}
	if st := c.cc.State().String(); st != c.lastCCState {
		c.tracer.CongestionStateUpdated(int64(now), c.lastCCState, st, "")
		c.lastCCState = st
	}
}

// traceLost logs packet_lost.
func (c *Conn) traceLost(now protocol.Time, p recovery.SentPacket) {
	pt := protocol.PacketInitial
	switch p.Space {
	case protocol.SpaceHandshake:
		pt = protocol.PacketHandshake
	case protocol.SpaceAppData:
		pt = protocol.Packet1RTT
	}
	q := qlog.Packet{Header: qlog.PacketHeader{PacketType: qlogPacketType(pt), PacketNumber: p.PacketNumber}, Raw: qlog.RawInfo{Length: uint64(p.Size)}}
	c.tracer.PacketLost(int64(now), &q, "")
}

// traceState logs connection_state_updated.
func (c *Conn) traceState(now protocol.Time, s qlog.ConnectionState) {
	c.tracer.ConnectionStateUpdated(int64(now), c.lastQlogState, s)
	c.lastQlogState = s
}

// traceKey logs key_updated for a TLS secret or a key update.
func (c *Conn) traceKey(now protocol.Time, space protocol.Space, early, write bool, phase uint64, trigger qlog.KeyTrigger) {
	ours := write == c.isClient // the client's secrets are the ones the client writes
	var kt qlog.KeyType
	switch {
	case early && ours, early && !ours:
		kt = qlog.KeyClient0RTT
	case space == protocol.SpaceHandshake && ours:
		kt = qlog.KeyClientHandshake
	case space == protocol.SpaceHandshake:
		kt = qlog.KeyServerHandshake
	case ours:
		kt = qlog.KeyClient1RTT
	default:
		kt = qlog.KeyServer1RTT
	}
	c.tracer.KeyUpdated(int64(now), kt, phase, trigger)
}

// traceClosed logs connection_closed.
func (c *Conn) traceClosed(now protocol.Time, err error, local bool) {
	cc := qlog.ConnectionClose{Initiator: qlog.InitiatorRemote, Trigger: qlog.CloseError}
	if local {
		cc.Initiator = qlog.InitiatorLocal
	}
	var (
		te *qerr.TransportError
		pe *PeerClosedError
		ae *AppCloseError
		ve *VersionNegotiationError
	)
	switch {
	case errors.As(err, &ae):
		cc.ErrorSpace, cc.ErrorCode, cc.Reason, cc.Trigger = qlog.ErrorSpaceApplication, ae.Code, ae.Reason, qlog.CloseApplication
	case errors.As(err, &pe):
		cc.ErrorSpace, cc.ErrorCode, cc.Reason = qlog.ErrorSpaceTransport, pe.Code, pe.Reason
		if pe.Application {
			cc.ErrorSpace, cc.Trigger = qlog.ErrorSpaceApplication, qlog.CloseApplication
		}
	case errors.As(err, &te):
		cc.ErrorSpace, cc.ErrorCode, cc.Reason = qlog.ErrorSpaceTransport, uint64(te.Code), te.Reason
	case errors.As(err, &ve):
		cc.Trigger = qlog.CloseVersionMismatch
	case errors.Is(err, ErrIdleTimeout), errors.Is(err, ErrHandshakeTimeout):
		cc.Trigger = qlog.CloseIdleTimeout
	case errors.Is(err, ErrStatelessReset):
		cc.Trigger = qlog.CloseStatelessReset
	}
	c.tracer.ConnectionClosed(int64(now), &cc)
}
