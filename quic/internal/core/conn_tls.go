package core

import (
	"crypto/tls"
	"errors"
	"slices"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/tparams"
)

// maxCryptoBuffer bounds out-of-order CRYPTO data held per encryption level
// (RFC 9000, 7.5: at least 4096 bytes; beyond our bound,
// CRYPTO_BUFFER_EXCEEDED).
const maxCryptoBuffer = 64 << 10

// alertNoApplicationProtocol is TLS alert 120 (RFC 7301, 3.2).
const alertNoApplicationProtocol = 120

func levelSpace(l tls.QUICEncryptionLevel) protocol.Space {
	switch l {
	case tls.QUICEncryptionLevelInitial:
		return protocol.SpaceInitial
	case tls.QUICEncryptionLevelHandshake:
		return protocol.SpaceHandshake
	default:
		return protocol.SpaceAppData
	}
}

func spaceLevel(s protocol.Space) tls.QUICEncryptionLevel {
	switch s {
	case protocol.SpaceInitial:
		return tls.QUICEncryptionLevelInitial
	case protocol.SpaceHandshake:
		return tls.QUICEncryptionLevelHandshake
	default:
		return tls.QUICEncryptionLevelApplication
	}
}

// tlsError turns a crypto/tls error into CRYPTO_ERROR with its alert
// (RFC 9001, 4.8).
func tlsError(err error) error {
	var alert tls.AlertError
	code := qerr.CryptoError(80) // internal_error
	if errors.As(err, &alert) {
		code = qerr.CryptoError(uint8(alert))
	}
	return &qerr.TransportError{Code: code, Reason: err.Error()}
}

// processTLSEvents drains crypto/tls's events: new keys, handshake data to
// send, the peer's transport parameters and handshake completion.
func (c *Conn) processTLSEvents(now protocol.Time) error {
	for {
		e := c.tls.NextEvent()
		switch e.Kind {
		case tls.QUICNoEvent:
			return nil
		case tls.QUICSetReadSecret:
			if err := c.setReadSecret(e.Level, protect.Suite(e.Suite), e.Data); err != nil {
				return err
			}
			if c.tracer != nil {
				c.traceKey(now, levelSpace(e.Level), e.Level == tls.QUICEncryptionLevelEarly, false, 0, qlog.KeyTriggerTLS)
			}
		case tls.QUICSetWriteSecret:
			if err := c.setWriteSecret(e.Level, protect.Suite(e.Suite), e.Data); err != nil {
				return err
			}
			if c.tracer != nil {
				c.traceKey(now, levelSpace(e.Level), e.Level == tls.QUICEncryptionLevelEarly, true, 0, qlog.KeyTriggerTLS)
			}
		case tls.QUICWriteData:
			c.spaces[levelSpace(e.Level)].cryptoSend.Write(e.Data)
		case tls.QUICTransportParameters:
			if err := c.handlePeerParams(now, e.Data); err != nil {
				return err
			}
		case tls.QUICTransportParametersRequired:
			// Only a server's TLS asks (a client's parameters go in
			// before Start), with the ServerHello written and before it
			// signs: see conn_server_flight.go.
			if c.serverHelloFirst() {
				c.paramsDue = true
				continue
			}
			c.setLocalParams(now)
		case tls.QUICResumeSession:
			c.onResumeSession(e.SessionState)
		case tls.QUICStoreSession:
			if err := c.onStoreSession(e.SessionState); err != nil {
				return err
			}
		case tls.QUICRejectedEarlyData:
			c.reject0RTT(now)
		case tls.QUICHandshakeDone:
			if err := c.onHandshakeDone(now); err != nil {
				return err
			}
		case tls.QUICErrorEvent:
			return tlsError(e.Err)
		}
	}
}

// setLocalParams gives a server's TLS our transport parameters (RFC 9001,
// 8.2).
func (c *Conn) setLocalParams(now protocol.Time) {
	c.localParams = c.makeLocalParams()
	c.localParams.StatelessResetToken, c.localParams.HasStatelessResetToken = c.serverResetToken, true
	c.addPreferredAddress(&c.localParams)
	c.tls.SetTransportParameters(c.encodeLocalParams())
	if c.tracer != nil {
		c.traceParams(now, &c.localParams, true)
	}
}

func (c *Conn) setReadSecret(level tls.QUICEncryptionLevel, suite protect.Suite, secret []byte) error {
	switch level {
	case tls.QUICEncryptionLevelEarly:
		k, err := protect.NewKeys(suite, c.version, secret)
		if err != nil {
			return err
		}
		c.zeroRTTOpen = k
	case tls.QUICEncryptionLevelHandshake:
		k, err := protect.NewKeys(suite, c.version, secret)
		if err != nil {
			return err
		}
		c.spaces[protocol.SpaceHandshake].open = k
	case tls.QUICEncryptionLevelApplication:
		return c.oneRTT.SetReadSecret(suite, c.version, secret)
	}
	return nil
}

func (c *Conn) setWriteSecret(level tls.QUICEncryptionLevel, suite protect.Suite, secret []byte) error {
	switch level {
	case tls.QUICEncryptionLevelEarly:
		k, err := protect.NewKeys(suite, c.version, secret)
		if err != nil {
			return err
		}
		c.zeroRTTSeal = k
		c.attempted0RTT = true
	case tls.QUICEncryptionLevelHandshake:
		k, err := protect.NewKeys(suite, c.version, secret)
		if err != nil {
			return err
		}
		c.spaces[protocol.SpaceHandshake].seal = k
		c.loss.SetHasHandshakeKeys()
	case tls.QUICEncryptionLevelApplication:
		if err := c.oneRTT.SetWriteSecret(suite, c.version, secret); err != nil {
			return err
		}
		if c.isClient && c.zeroRTTSeal != nil {
			// 1-RTT keys replace 0-RTT keys for new packets (RFC 9001, 4.9.3).
			c.zeroRTTSeal = nil
		}
	}
	return nil
}

// handleCryptoFrame feeds CRYPTO data to TLS in order (RFC 9000, 19.6).
func (c *Conn) handleCryptoFrame(now protocol.Time, space protocol.Space, off uint64, data []byte) error {
	sp := &c.spaces[space]
	if !c.isClient && space == protocol.SpaceInitial && len(data) > 0 && off+uint64(len(data)) <= sp.cryptoRecv.ReadOffset() {
		c.resendFlightEarly() // the client's Initial again: RFC 9002, 6.2.3
	}
	if off+uint64(len(data)) > sp.cryptoRecv.ReadOffset()+maxCryptoBuffer {
		return &qerr.TransportError{Code: qerr.CryptoBufferExceeded, FrameType: 0x06, Reason: "too much out-of-order CRYPTO data"}
	}
	if err := sp.cryptoRecv.OnData(off, data, false); err != nil {
		return err
	}
	for {
		n := wholeMessages(&sp.cryptoRecv, &sp.cryptoPartEnd)
		if n == 0 {
			break
		}
		// TLS copies what it is given, so the buffer's own block goes to
		// it when the messages lie in one.
		data := sp.cryptoRecv.Peek()
		if uint64(len(data)) >= n {
			data = data[:n]
		} else {
			c.cryptoScratch = slices.Grow(c.cryptoScratch[:0], int(n))[:n]
			data = c.cryptoScratch[:sp.cryptoRecv.PeekAt(0, c.cryptoScratch)]
		}
		if !c.isClient && space == protocol.SpaceInitial {
			if dhe, known := clientHelloPSKModes(data); known {
				c.noTicket = !dhe
			}
		}
		err := c.tls.HandleData(spaceLevel(space), data)
		sp.cryptoRecv.Consume(int(n))
		if err != nil {
			return tlsError(err)
		}
	}
	return c.processTLSEvents(now)
}

// cryptoStreamChunk is how much of an incomplete handshake message
// wholeMessages lets wait before it hands TLS the data anyway.
const cryptoStreamChunk = 16 << 10

// wholeMessages returns how many in-order bytes of r to hand TLS now: the
// handshake messages that have arrived whole (RFC 8446, 4: a type byte and
// a 24-bit length, then the body). crypto/tls wakes its handshake goroutine
// at every HandleData, and one that finds half a message (a ClientHello or
// ServerHello with a post-quantum key share spans two packets) only goes
// back to sleep. A message so long that waiting for all of it would hold
// more than cryptoStreamChunk bytes (a large certificate chain) is handed
// over as it comes, so that what waits stays far below maxCryptoBuffer:
// *partEnd is then where that message ends, and until the read offset
// reaches it the bytes are its rest, not a header. Called until it
// returns 0, as the rest of such a message comes back alone.
func wholeMessages(r *streams.RecvBuffer, partEnd *uint64) uint64 {
	start, avail := r.ReadOffset(), r.Readable()
	if *partEnd > start {
		return min(*partEnd-start, avail)
	}
	var n uint64
	var hdr [4]byte
	for avail-n >= uint64(len(hdr)) {
		r.PeekAt(n, hdr[:])
		size := uint64(len(hdr)) + (uint64(hdr[1])<<16 | uint64(hdr[2])<<8 | uint64(hdr[3]))
		if avail-n >= size {
			n += size
			continue
		}
		if n == 0 && avail >= cryptoStreamChunk {
			*partEnd = start + size
			return avail
		}
		break
	}
	return n
}

// handlePeerParams validates and applies the peer's transport parameters
// (RFC 9000, 7.3, 7.4 and 18.2).
func (c *Conn) handlePeerParams(now protocol.Time, b []byte) error {
	p, err := tparams.Parse(b, c.isClient)
	if err != nil {
		return err
	}
	if err := c.authenticateConnIDs(&p); err != nil {
		return err
	}
	if !c.isClient && p.HasVersionInformation && p.VersionInformation.Chosen != c.version {
		// RFC 9368, 4: the client's Chosen Version must be the version of
		// the packets that carried it.
		return &qerr.TransportError{Code: qerr.VersionNegotiationError, Reason: "client's chosen version does not match"}
	}
	c.peerParams, c.havePeerParams = p, true
	if c.tracer != nil {
		c.traceParams(now, &c.peerParams, false)
	}
	if c.isClient {
		if err := c.checkServerVersionInformation(); err != nil {
			return err
		}
	} else if err := c.negotiateVersion(); err != nil {
		// The version must be settled before crypto/tls hands out the
		// Handshake secrets, which come next (RFC 9368, 2.3).
		return err
	}
	c.applyPeerParams(now)
	return nil
}

// authenticateConnIDs checks the connection IDs in the transport parameters
// against those seen in packet headers (RFC 9000, 7.3).
func (c *Conn) authenticateConnIDs(p *tparams.Parameters) error {
	if !p.HasInitialSourceConnectionID {
		return paramError("missing initial_source_connection_id")
	}
	if p.InitialSourceConnectionID != c.peerSCID {
		return violation("initial_source_connection_id does not match the Source Connection ID")
	}
	if !c.isClient {
		return nil
	}
	if !p.HasOriginalDestinationConnectionID {
		return paramError("missing original_destination_connection_id")
	}
	if p.OriginalDestinationConnectionID != c.odcid {
		return violation("original_destination_connection_id does not match")
	}
	switch {
	case c.gotRetry && !p.HasRetrySourceConnectionID:
		return paramError("missing retry_source_connection_id after Retry")
	case c.gotRetry && p.RetrySourceConnectionID != c.retrySCID:
		return violation("retry_source_connection_id does not match the Retry")
	case !c.gotRetry && p.HasRetrySourceConnectionID:
		return paramError("retry_source_connection_id without a Retry")
	}
	return nil
}

func paramError(reason string) error {
	return &qerr.TransportError{Code: qerr.TransportParameterError, Reason: reason}
}

func violation(reason string) error {
	return &qerr.TransportError{Code: qerr.ProtocolViolation, Reason: reason}
}

// applyPeerParams puts the peer's limits into effect.
func (c *Conn) applyPeerParams(now protocol.Time) {
	p := &c.peerParams
	c.idleTimeout = c.cfg.MaxIdleTimeout
	if p.MaxIdleTimeout > 0 && (c.idleTimeout == 0 || p.MaxIdleTimeout < c.idleTimeout) {
		c.idleTimeout = p.MaxIdleTimeout
	}
	c.connSend.UpdateMax(p.InitialMaxData)
	c.openBidi.UpdateMax(p.InitialMaxStreamsBidi)
	c.openUni.UpdateMax(p.InitialMaxStreamsUni)
	c.loss.SetPeerMaxAckDelay(p.MaxAckDelay)
	c.localCIDs.SetPeerLimit(p.ActiveConnectionIDLimit)
	if p.HasStatelessResetToken {
		c.remoteCIDs.SetInitialResetToken(p.StatelessResetToken)
		c.emit(Event{Kind: EventResetToken, Data: append([]byte(nil), p.StatelessResetToken[:]...)})
	}
	// Streams opened in 0-RTT get the new limits (RFC 9000, 7.4.1).
	for _, s := range c.streams {
		if s.hasSend {
			s.sendWindow.UpdateMax(c.peerStreamLimit(s.id))
		}
	}
}

// peerStreamLimit returns the peer's initial flow-control limit for data
// we send on stream id (RFC 9000, 18.2: the peer's "bidi_local" limit
// applies to the streams it opened, "bidi_remote" to the ones we opened).
func (c *Conn) peerStreamLimit(id streams.ID) uint64 {
	p := &c.peerParams
	switch {
	case id.Dir() == streams.Uni:
		return p.InitialMaxStreamDataUni
	case id.LocallyInitiated(c.isClient):
		return p.InitialMaxStreamDataBidiRemote
	default:
		return p.InitialMaxStreamDataBidiLocal
	}
}

// onHandshakeDone runs when TLS finishes (RFC 9001, 4.1.1).
func (c *Conn) onHandshakeDone(now protocol.Time) error {
	c.handshakeDone = true
	if c.isClient && c.attempted0RTT && !c.zeroRTTRejected {
		c.used0RTT = true // 0-RTT keys were replaced by 1-RTT keys: accepted
	}
	if c.isClient {
		if err := c.checkAccepted0RTT(); err != nil {
			return err
		}
	}
	if c.tls.ConnectionState().NegotiatedProtocol == "" {
		return &qerr.TransportError{Code: qerr.CryptoError(alertNoApplicationProtocol), Reason: "no application protocol negotiated"}
	}
	if c.state == stateHandshake {
		c.state = stateEstablished
	}
	c.emit(Event{Kind: EventHandshakeDone})
	if c.tracer != nil {
		cs := c.tls.ConnectionState()
		c.tracer.ALPNInformation(int64(now), nil, nil, cs.NegotiatedProtocol)
		var vs []uint32
		for _, v := range c.cfg.Versions {
			vs = append(vs, uint32(v))
		}
		if c.isClient {
			c.tracer.VersionInformation(int64(now), vs, nil, uint32(c.version))
		} else {
			c.tracer.VersionInformation(int64(now), nil, vs, uint32(c.version))
		}
		c.traceState(now, qlog.StateHandshakeComplete)
	}
	if !c.isClient {
		// The server's handshake is confirmed when it completes
		// (RFC 9001, 4.1.2); it tells the client with HANDSHAKE_DONE.
		c.handshakeDoneSend = true
		c.confirmHandshake(now)
		if c.noTicket {
			return nil
		}
		opts := tls.QUICSessionTicketOptions{EarlyData: c.cfg.Allow0RTT}
		var extra tls.SessionState
		withTicketParams(&extra, &c.localParams)
		opts.Extra = extra.Extra
		if err := c.tls.SendSessionTicket(opts); err != nil {
			return tlsError(err)
		}
		if err := c.processTLSEvents(now); err != nil {
			return err
		}
	}
	return nil
}

// confirmHandshake discards the Handshake keys (RFC 9001, 4.9.2).
func (c *Conn) confirmHandshake(now protocol.Time) {
	if c.handshakeConfirmed {
		return
	}
	c.handshakeConfirmed = true
	c.loss.SetHandshakeConfirmed(now)
	c.issueConnIDs() // before a move to the preferred address, which may use them
	c.startPMTUD(now)
	c.startPreferredMigration(now)
	if c.tracer != nil {
		c.traceState(now, qlog.StateHandshakeConfirmed)
	}
	c.dropSpace(now, protocol.SpaceInitial)
	c.dropSpace(now, protocol.SpaceHandshake)
}

// dropSpace discards a packet number space's keys and recovery state
// (RFC 9001, 4.9; RFC 9002, 6.4).
func (c *Conn) dropSpace(now protocol.Time, s protocol.Space) {
	sp := &c.spaces[s]
	if sp.discarded {
		return
	}
	sp.discarded = true
	sp.seal, sp.open = nil, nil
	sp.cryptoSend.Reset()
	sp.cryptoRecv.Discard()
	c.loss.DiscardSpace(s, now, c)
	c.loss.ReleaseSpace(s)
	if c.tracer != nil {
		client, server := qlog.KeyClientInitial, qlog.KeyServerInitial
		if s == protocol.SpaceHandshake {
			client, server = qlog.KeyClientHandshake, qlog.KeyServerHandshake
		}
		c.tracer.KeyDiscarded(int64(now), client, 0, qlog.KeyTriggerTLS)
		c.tracer.KeyDiscarded(int64(now), server, 0, qlog.KeyTriggerTLS)
	}
}

// reject0RTT handles the server's refusal of 0-RTT: everything sent in
// 0-RTT packets is lost and goes again in 1-RTT (RFC 9001, 4.6.2).
func (c *Conn) reject0RTT(now protocol.Time) {
	c.zeroRTTRejected = true
	c.zeroRTTSeal = nil
	// Every 0-RTT packet is gone: their frames are queued again as if lost.
	c.loss.DiscardSpace(protocol.SpaceAppData, now, c)
	c.emit(Event{Kind: Event0RTTRejected})
}
