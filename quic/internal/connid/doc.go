// Package connid manages a connection's connection IDs (RFC 9000, 5.1): the
// ones we issue to the peer (Local) and the ones the peer issued to us
// (Remote), with sequence numbers, stateless reset tokens, Retire Prior To
// and the active_connection_id_limit.
package connid

import "github.com/quicr/quicr/quic/internal/qerr"

// ResetToken is a stateless reset token (RFC 9000, 10.3).
type ResetToken [16]byte

func protocolViolation(reason string) error {
	return &qerr.TransportError{Code: qerr.ProtocolViolation, Reason: reason}
}
