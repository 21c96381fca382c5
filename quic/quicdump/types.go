package quicdump

import (
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/tparams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Aliases of the stack's internal types, so that tools outside quic/ can
// name what Decode reports.
type (
	// Version is a QUIC version.
	Version = protocol.Version
	// PacketType is a QUIC packet type.
	PacketType = protocol.PacketType
	// ConnectionID is a connection ID of up to 20 bytes.
	ConnectionID = protocol.ConnectionID
	// Frame is a parsed QUIC frame; the concrete types follow.
	Frame = wire.Frame
	// CryptoFrame is a CRYPTO frame.
	CryptoFrame = wire.CryptoFrame
	// AckFrame is an ACK or ACK_ECN frame.
	AckFrame = wire.AckFrame
	// StreamFrame is a STREAM frame.
	StreamFrame = wire.StreamFrame
	// PathChallengeFrame is a PATH_CHALLENGE frame.
	PathChallengeFrame = wire.PathChallengeFrame
	// PathResponseFrame is a PATH_RESPONSE frame.
	PathResponseFrame = wire.PathResponseFrame
	// NewConnectionIDFrame is a NEW_CONNECTION_ID frame.
	NewConnectionIDFrame = wire.NewConnectionIDFrame
	// PaddingFrame is a run of PADDING.
	PaddingFrame = wire.PaddingFrame
	// MaxStreamsFrame is a MAX_STREAMS frame.
	MaxStreamsFrame = wire.MaxStreamsFrame
	// ConnectionCloseFrame is a CONNECTION_CLOSE frame.
	ConnectionCloseFrame = wire.ConnectionCloseFrame
	// TransportParameters are decoded transport parameters.
	TransportParameters = tparams.Parameters
)

// QUIC versions and packet types.
const (
	Version1 = protocol.Version1
	Version2 = protocol.Version2

	PacketInitial            = protocol.PacketInitial
	Packet0RTT               = protocol.Packet0RTT
	PacketHandshake          = protocol.PacketHandshake
	PacketRetry              = protocol.PacketRetry
	PacketVersionNegotiation = protocol.PacketVersionNegotiation
	Packet1RTT               = protocol.Packet1RTT
)

// Number spaces, indexing Conn's per-space fields.
const (
	SpaceInitial   = int(protocol.SpaceInitial)
	SpaceHandshake = int(protocol.SpaceHandshake)
	SpaceAppData   = int(protocol.SpaceAppData)
)

// Datagram is one captured UDP datagram.
type Datagram struct {
	Time     time.Time
	ToServer bool // sent by the client
	Src, Dst netip.AddrPort
	ECN      uint8 // the IP header's ECN bits: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE
	Data     []byte
}

// Packet is one QUIC packet of a captured datagram.
type Packet struct {
	Datagram int // index of its datagram in Decode's input
	Time     time.Time
	ToServer bool
	Src, Dst netip.AddrPort
	ECN      uint8

	Conn    int // index into Dump.Conns, or -1 if no connection matched
	Type    PacketType
	Version Version // 0 for 1-RTT and Version Negotiation
	DCID    ConnectionID
	SCID    ConnectionID
	// PN is the full packet number, or -1 if the packet was not decrypted.
	PN       int64
	KeyPhase bool
	// Size is the packet's length within its datagram.
	Size int
	// PayloadLen approximates the payload size tshark reports: for 1-RTT
	// packets the protected payload (packet number to the end); for long
	// headers the plaintext once decrypted, else the Length field.
	PayloadLen int
	Token      []byte    // Initial token or Retry token
	Versions   []Version // Version Negotiation's list
	Decrypted  bool
	Frames     []Frame
	// Messages are the types of the TLS handshake messages whose first
	// byte this packet's CRYPTO frames carry, in stream order.
	Messages []uint8
	// Err says why the packet was not (fully) decoded.
	Err error
}

// Conn is what Decode learned about one connection, identified by the
// Destination Connection ID of the client's first Initial.
type Conn struct {
	ODCID ConnectionID
	// Version is the version of the server's last Initial or Handshake.
	Version Version
	// ClientHello is valid once HasClientHello is set.
	ClientHello    ClientHello
	HasClientHello bool
	// CipherSuite is the ServerHello's choice, 0 before one was seen.
	CipherSuite uint16
	// ServerParams holds the server's transport parameters from its
	// EncryptedExtensions, nil until decrypted; ServerParamsErr is set if
	// they did not parse.
	ServerParams    *TransportParameters
	ServerParamsErr error
	// Messages lists the TLS handshake messages of each direction (0
	// client, 1 server) and number space in stream order, without bodies.
	Messages [2][3][]HandshakeMessage
	// CryptoEnd is the highest CRYPTO stream end offset seen per direction
	// and space.
	CryptoEnd [2][3]uint64
}

// Dump is Decode's result.
type Dump struct {
	Packets []Packet
	Conns   []*Conn
}
