package qlog

// Role is the vantage point of a trace (main schema, 6).
type Role uint8

const (
	// RoleClient is the endpoint that initiates the connection.
	RoleClient Role = iota
	// RoleServer is the endpoint that accepts it.
	RoleServer
)

// String returns "client" or "server", the vantage_point type.
func (r Role) String() string {
	if r == RoleServer {
		return "server"
	}
	return "client"
}

// The string-typed enums below hold the exact qlog spelling. Their zero
// value "" means "not logged" wherever the field is optional.

// PacketType is a qlog PacketType (quic-events, 8.6).
type PacketType string

// Packet types.
const (
	PacketTypeInitial            PacketType = "initial"
	PacketTypeHandshake          PacketType = "handshake"
	PacketType0RTT               PacketType = "0RTT"
	PacketType1RTT               PacketType = "1RTT"
	PacketTypeRetry              PacketType = "retry"
	PacketTypeVersionNegotiation PacketType = "version_negotiation"
	PacketTypeStatelessReset     PacketType = "stateless_reset"
	PacketTypeUnknown            PacketType = "unknown"
)

// isLong reports whether packets of this type carry a long header and so
// a version and both connection IDs.
func (t PacketType) isLong() bool {
	switch t {
	case PacketTypeInitial, PacketTypeHandshake, PacketType0RTT, PacketTypeRetry, PacketTypeVersionNegotiation:
		return true
	}
	return false
}

// hasPacketNumber reports whether the header carries a packet number.
func (t PacketType) hasPacketNumber() bool {
	switch t {
	case PacketTypeInitial, PacketTypeHandshake, PacketType0RTT, PacketType1RTT:
		return true
	}
	return false
}

// PacketNumberSpace is a qlog PacketNumberSpace (quic-events, 8.7).
type PacketNumberSpace string

// Packet number spaces.
const (
	SpaceInitial         PacketNumberSpace = "initial"
	SpaceHandshake       PacketNumberSpace = "handshake"
	SpaceApplicationData PacketNumberSpace = "application_data"
)

// Initiator says which side caused an event.
type Initiator string

// Initiators.
const (
	InitiatorLocal  Initiator = "local"
	InitiatorRemote Initiator = "remote"
)

// ConnectionState is a connection_state_updated state (quic-events, 5.5).
type ConnectionState string

// Connection states: the base set, then the granular one.
const (
	StateAttempted          ConnectionState = "attempted"
	StateHandshakeStarted   ConnectionState = "handshake_started"
	StateHandshakeComplete  ConnectionState = "handshake_complete"
	StateClosed             ConnectionState = "closed"
	StatePeerValidated      ConnectionState = "peer_validated"
	StateEarlyWrite         ConnectionState = "early_write"
	StateHandshakeConfirmed ConnectionState = "handshake_confirmed"
	StateClosing            ConnectionState = "closing"
	StateDraining           ConnectionState = "draining"
)

// CloseTrigger is the connection_closed trigger.
type CloseTrigger string

// Close triggers.
const (
	CloseIdleTimeout     CloseTrigger = "idle_timeout"
	CloseApplication     CloseTrigger = "application"
	CloseError           CloseTrigger = "error"
	CloseVersionMismatch CloseTrigger = "version_mismatch"
	CloseStatelessReset  CloseTrigger = "stateless_reset"
	CloseAborted         CloseTrigger = "aborted"
	CloseUnspecified     CloseTrigger = "unspecified"
)

// ErrorSpace says whether an error code is a transport or an application
// error; "" on ConnectionClose means the close carried no error code.
type ErrorSpace string

// Error spaces.
const (
	ErrorSpaceTransport   ErrorSpace = "transport"
	ErrorSpaceApplication ErrorSpace = "application"
)

// PacketTrigger says why a packet was sent (or, for keys_available, why it
// is processed only now).
type PacketTrigger string

// Packet sent triggers (RFC 9002 sections in quic-events, 6.6).
const (
	SentRetransmitReordered PacketTrigger = "retransmit_reordered"
	SentRetransmitTimeout   PacketTrigger = "retransmit_timeout"
	SentPTOProbe            PacketTrigger = "pto_probe"
	SentRetransmitCrypto    PacketTrigger = "retransmit_crypto"
	SentCCBandwidthProbe    PacketTrigger = "cc_bandwidth_probe"
	// ReceivedKeysAvailable is the packet_received trigger for a packet
	// that was buffered until its keys arrived.
	ReceivedKeysAvailable PacketTrigger = "keys_available"
)

// DropTrigger says why a packet was dropped.
type DropTrigger string

// Packet dropped triggers.
const (
	DropInternalError     DropTrigger = "internal_error"
	DropRejected          DropTrigger = "rejected"
	DropUnsupported       DropTrigger = "unsupported"
	DropInvalid           DropTrigger = "invalid"
	DropDuplicate         DropTrigger = "duplicate"
	DropConnectionUnknown DropTrigger = "connection_unknown"
	DropDecryptionFailure DropTrigger = "decryption_failure"
	DropKeyUnavailable    DropTrigger = "key_unavailable"
	DropGeneral           DropTrigger = "general"
)

// BufferTrigger says why a packet was buffered.
type BufferTrigger string

// Packet buffered triggers.
const (
	BufferBackpressure    BufferTrigger = "backpressure"
	BufferKeysUnavailable BufferTrigger = "keys_unavailable"
)

// LossTrigger says how loss detection declared a packet lost.
type LossTrigger string

// Packet lost triggers (RFC 9002, 6.1 and 6.2.4).
const (
	LostReorderingThreshold LossTrigger = "reordering_threshold"
	LostTimeThreshold       LossTrigger = "time_threshold"
	LostPTOExpired          LossTrigger = "pto_expired"
)

// StreamState is a stream_state_updated state (quic-events, 6.13).
type StreamState string

// Stream states: base, then RFC 9000 section 3 ones.
const (
	StreamIdle             StreamState = "idle"
	StreamOpen             StreamState = "open"
	StreamClosed           StreamState = "closed"
	StreamHalfClosedLocal  StreamState = "half_closed_local"
	StreamHalfClosedRemote StreamState = "half_closed_remote"
	StreamReady            StreamState = "ready"
	StreamSend             StreamState = "send"
	StreamDataSent         StreamState = "data_sent"
	StreamResetSent        StreamState = "reset_sent"
	StreamResetReceived    StreamState = "reset_received"
	StreamReceive          StreamState = "receive"
	StreamSizeKnown        StreamState = "size_known"
	StreamDataRead         StreamState = "data_read"
	StreamResetRead        StreamState = "reset_read"
	StreamDataReceived     StreamState = "data_received"
	StreamDestroyed        StreamState = "destroyed"
)

// StreamSide selects the send or receive half of a stream.
type StreamSide string

// Stream sides.
const (
	StreamSideSending   StreamSide = "sending"
	StreamSideReceiving StreamSide = "receiving"
)

// KeyType names a secret (quic-events, 8.11).
type KeyType string

// Key types.
const (
	KeyServerInitial   KeyType = "server_initial_secret"
	KeyClientInitial   KeyType = "client_initial_secret"
	KeyServerHandshake KeyType = "server_handshake_secret"
	KeyClientHandshake KeyType = "client_handshake_secret"
	KeyServer0RTT      KeyType = "server_0rtt_secret"
	KeyClient0RTT      KeyType = "client_0rtt_secret"
	KeyServer1RTT      KeyType = "server_1rtt_secret"
	KeyClient1RTT      KeyType = "client_1rtt_secret"
)

// KeyTrigger says what caused a key change.
type KeyTrigger string

// Key triggers.
const (
	KeyTriggerTLS          KeyTrigger = "tls"
	KeyTriggerRemoteUpdate KeyTrigger = "remote_update"
	KeyTriggerLocalUpdate  KeyTrigger = "local_update"
)

// TimerEvent is the loss_timer_updated event_type.
type TimerEvent string

// Timer events.
const (
	TimerSet       TimerEvent = "set"
	TimerExpired   TimerEvent = "expired"
	TimerCancelled TimerEvent = "cancelled"
)

// TimerType names a timer.
type TimerType string

// Timer types.
const (
	TimerAck            TimerType = "ack"
	TimerPTO            TimerType = "pto"
	TimerLossTimeout    TimerType = "loss_timeout"
	TimerPathValidation TimerType = "path_validation"
	TimerHandshake      TimerType = "handshake_timeout"
	TimerIdle           TimerType = "idle_timeout"
)

// ECN is the ECN codepoint of a datagram.
type ECN string

// ECN codepoints.
const (
	ECNNotECT ECN = "Not-ECT"
	ECNECT0   ECN = "ECT(0)"
	ECNECT1   ECN = "ECT(1)"
	ECNCE     ECN = "CE"
)

// ECNState is an ecn_state_updated state (RFC 9000, A.4).
type ECNState string

// ECN validation states.
const (
	ECNTesting ECNState = "testing"
	ECNUnknown ECNState = "unknown"
	ECNFailed  ECNState = "failed"
	ECNCapable ECNState = "capable"
)

// MigrationState is a migration_state_updated state.
type MigrationState string

// Migration states.
const (
	MigrationProbingStarted    MigrationState = "probing_started"
	MigrationProbingAbandoned  MigrationState = "probing_abandoned"
	MigrationProbingSuccessful MigrationState = "probing_successful"
	MigrationStarted           MigrationState = "migration_started"
	MigrationAbandoned         MigrationState = "migration_abandoned"
	MigrationComplete          MigrationState = "migration_complete"
)
