package core

import (
	"crypto/tls"
	"net/netip"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/streams"
)

// Config is the core's view of the configuration: every field already
// defaulted by the public package (the zero values here are not defaults).
type Config struct {
	TLS      *tls.Config
	Versions []protocol.Version // offered (client) or accepted (server), preferred first

	HandshakeTimeout time.Duration
	MaxIdleTimeout   time.Duration
	KeepAlivePeriod  time.Duration

	InitialStreamWindow uint64
	MaxStreamWindow     uint64
	InitialConnWindow   uint64
	MaxConnWindow       uint64
	MaxIncomingBidi     uint64
	MaxIncomingUni      uint64
	// SendBufferSize bounds the unacknowledged data a stream buffers before
	// writes block.
	SendBufferSize int

	InitialRTT        time.Duration
	MaxUDPPayloadSize int
	DisablePMTUD      bool
	NewReno           bool // congestion controller: NewReno instead of CUBIC

	EnableDatagrams        bool
	MaxDatagramQueue       int
	Allow0RTT              bool
	DisableActiveMigration bool
	ConnIDLen              int // length of the connection IDs we issue

	// AckElicitingThreshold is how many ack-eliciting packets may arrive
	// before an ACK is sent at once (RFC 9000, 13.2.1 recommends 2).
	AckElicitingThreshold int
	MaxAckDelay           time.Duration

	// KeyUpdateInterval, if set, starts a key update after this many
	// packets sealed under one key phase (the AEAD limit applies anyway).
	KeyUpdateInterval uint64

	// PreferredAddress is what a server advertises in preferred_address
	// (RFC 9000, 9.6); zero means none.
	PreferredAddressV4 netip.AddrPort
	PreferredAddressV6 netip.AddrPort

	// GreaseQUICBit clears the QUIC bit of some 1-RTT packets when the
	// peer allows it (RFC 9287, 3.1). Receiving such packets always works.
	GreaseQUICBit bool

	// Tracer, if set, gives each connection its qlog trace.
	Tracer qlog.TracerFactory

	// Blocks, if set, is where the connections using this Config take
	// their receive-buffer blocks from: the endpoint's, shared. Without
	// it each connection has its own.
	Blocks *streams.BlockPool
}
