// Package tparams encodes and decodes QUIC transport parameters (RFC 9000,
// 7.4 and 18) and the extensions quicr speaks: version_information (RFC
// 9368, 3), max_datagram_frame_size (RFC 9221, 3), min_ack_delay (QUIC
// acknowledgment frequency, 3) and grease_quic_bit (RFC 9287, 3).
//
// Parse validates every value; a violation is a *qerr.TransportError with
// code TRANSPORT_PARAMETER_ERROR.
package tparams

import (
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// StatelessResetTokenLen is the length of a stateless reset token (RFC 9000,
// 10.3).
const StatelessResetTokenLen = 16

// Parameters holds one endpoint's transport parameters. Durations carried in
// milliseconds (max_idle_timeout, max_ack_delay) or microseconds
// (min_ack_delay) on the wire are time.Durations here. Parameters without a
// natural absent value have a Has flag.
type Parameters struct {
	// OriginalDestinationConnectionID is sent only by servers (RFC 9000, 7.3).
	OriginalDestinationConnectionID    protocol.ConnectionID
	HasOriginalDestinationConnectionID bool
	// MaxIdleTimeout of 0 disables the idle timeout (RFC 9000, 10.1).
	MaxIdleTimeout time.Duration
	// StatelessResetToken is sent only by servers (RFC 9000, 10.3).
	StatelessResetToken    [StatelessResetTokenLen]byte
	HasStatelessResetToken bool
	MaxUDPPayloadSize      uint64
	InitialMaxData         uint64
	// InitialMaxStreamData* are per-stream flow control limits (RFC 9000,
	// 18.2): Local for streams the sender opens, Remote for those its peer
	// opens.
	InitialMaxStreamDataBidiLocal  uint64
	InitialMaxStreamDataBidiRemote uint64
	InitialMaxStreamDataUni        uint64
	InitialMaxStreamsBidi          uint64
	InitialMaxStreamsUni           uint64
	AckDelayExponent               uint8
	MaxAckDelay                    time.Duration
	DisableActiveMigration         bool
	// PreferredAddress is sent only by servers (RFC 9000, 9.6).
	PreferredAddress        PreferredAddress
	HasPreferredAddress     bool
	ActiveConnectionIDLimit uint64
	// InitialSourceConnectionID must be sent by both endpoints (RFC 9000,
	// 7.3).
	InitialSourceConnectionID    protocol.ConnectionID
	HasInitialSourceConnectionID bool
	// RetrySourceConnectionID is sent only by servers that sent a Retry.
	RetrySourceConnectionID    protocol.ConnectionID
	HasRetrySourceConnectionID bool
	// VersionInformation is the compatible version negotiation field of RFC
	// 9368, 3.
	VersionInformation    VersionInformation
	HasVersionInformation bool
	// MaxDatagramFrameSize of 0 means DATAGRAM frames are not supported
	// (RFC 9221, 3).
	MaxDatagramFrameSize uint64
	// MinAckDelay advertises support for ACK_FREQUENCY frames (QUIC
	// acknowledgment frequency, 3).
	MinAckDelay    time.Duration
	HasMinAckDelay bool
	// GreaseQUICBit says the sender accepts packets with the fixed bit
	// cleared (RFC 9287, 3).
	GreaseQUICBit bool
}

// PreferredAddress is the server's preferred_address (RFC 9000, 18.2). An
// address family the server does not offer is the zero netip.AddrPort, sent
// as all zeros.
type PreferredAddress struct {
	IPv4                netip.AddrPort
	IPv6                netip.AddrPort
	ConnectionID        protocol.ConnectionID
	StatelessResetToken [StatelessResetTokenLen]byte
}

// VersionInformation is the version_information parameter (RFC 9368, 3).
type VersionInformation struct {
	Chosen protocol.Version
	// Available is nil when empty.
	Available []protocol.Version
}

// Defaults that apply when a parameter is absent (RFC 9000, 18.2).
const (
	DefaultMaxUDPPayloadSize       = 65527
	DefaultAckDelayExponent        = 3
	DefaultMaxAckDelay             = 25 * time.Millisecond
	DefaultActiveConnectionIDLimit = 2
)

// Default returns the parameters an endpoint assumes for a peer that sends
// none: zero apart from the defaults of RFC 9000, 18.2.
func Default() Parameters {
	return Parameters{
		MaxUDPPayloadSize:       DefaultMaxUDPPayloadSize,
		AckDelayExponent:        DefaultAckDelayExponent,
		MaxAckDelay:             DefaultMaxAckDelay,
		ActiveConnectionIDLimit: DefaultActiveConnectionIDLimit,
	}
}
