package core

import (
	"bytes"
	"crypto/tls"

	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/tparams"
)

// ticketParamsTag marks the session ticket extra that holds transport
// parameters: the server's, remembered for 0-RTT (RFC 9000, 7.4.1).
var ticketParamsTag = []byte("quicr-tp1")

// ticketParams returns the transport parameters stored in a session's
// extras, if any.
func ticketParams(s *tls.SessionState) (tparams.Parameters, bool) {
	for _, e := range s.Extra {
		if bytes.HasPrefix(e, ticketParamsTag) {
			p, err := tparams.Parse(e[len(ticketParamsTag):], true)
			return p, err == nil
		}
	}
	return tparams.Parameters{}, false
}

// withTicketParams replaces the transport parameters in a session's extras.
func withTicketParams(s *tls.SessionState, p *tparams.Parameters) {
	kept := s.Extra[:0]
	for _, e := range s.Extra {
		if !bytes.HasPrefix(e, ticketParamsTag) {
			kept = append(kept, e)
		}
	}
	s.Extra = append(kept, p.Append(append([]byte(nil), ticketParamsTag...), true))
}

// onStoreSession runs when a client receives a ticket: the server's
// transport parameters go with it, for 0-RTT next time.
func (c *Conn) onStoreSession(s *tls.SessionState) error {
	if c.havePeerParams {
		withTicketParams(s, &c.peerParams)
	}
	if err := c.tls.StoreSession(s); err != nil {
		return tlsError(err)
	}
	c.emit(Event{Kind: EventSessionTicket})
	return nil
}

// onResumeSession decides on 0-RTT when a session is resumed.
func (c *Conn) onResumeSession(s *tls.SessionState) {
	p, ok := ticketParams(s)
	if c.isClient {
		if !ok || !c.cfg.Allow0RTT || !s.EarlyData {
			s.EarlyData = false
			return
		}
		// Use the remembered limits for 0-RTT data (RFC 9000, 7.4.1).
		c.remembered = &p
		c.connSend.UpdateMax(p.InitialMaxData)
		c.openBidi.UpdateMax(p.InitialMaxStreamsBidi)
		c.openUni.UpdateMax(p.InitialMaxStreamsUni)
		c.peerParams = p
		return
	}
	// A server accepts 0-RTT only if enabled and if it would not reduce
	// any limit it granted with the ticket (RFC 9000, 7.4.1).
	current := c.makeLocalParams()
	if !c.cfg.Allow0RTT || !ok || reducesLimits(&current, &p) {
		s.EarlyData = false
	}
}

// reducesLimits reports whether now grants less than remembered did, in
// any of the parameters 0-RTT relies on (RFC 9000, 7.4.1).
func reducesLimits(now, remembered *tparams.Parameters) bool {
	return now.InitialMaxData < remembered.InitialMaxData ||
		now.InitialMaxStreamDataBidiLocal < remembered.InitialMaxStreamDataBidiLocal ||
		now.InitialMaxStreamDataBidiRemote < remembered.InitialMaxStreamDataBidiRemote ||
		now.InitialMaxStreamDataUni < remembered.InitialMaxStreamDataUni ||
		now.InitialMaxStreamsBidi < remembered.InitialMaxStreamsBidi ||
		now.InitialMaxStreamsUni < remembered.InitialMaxStreamsUni ||
		now.ActiveConnectionIDLimit < remembered.ActiveConnectionIDLimit ||
		now.MaxDatagramFrameSize < remembered.MaxDatagramFrameSize
}

// checkAccepted0RTT is the client's check once the server accepted 0-RTT:
// the server must not have reduced the remembered limits (RFC 9000,
// 7.4.1).
func (c *Conn) checkAccepted0RTT() error {
	if c.remembered == nil || c.zeroRTTRejected {
		return nil
	}
	if reducesLimits(&c.peerParams, c.remembered) {
		return &qerr.TransportError{Code: qerr.ProtocolViolation, Reason: "server reduced limits after accepting 0-RTT"}
	}
	return nil
}

// Can0RTT reports whether the client can send 0-RTT data now.
func (c *Conn) Can0RTT() bool { return c.isClient && c.zeroRTTSeal != nil && !c.zeroRTTRejected }
