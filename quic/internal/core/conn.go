// Package core is the QUIC connection state machine, sans I/O: a Conn takes
// datagrams (with their addresses, ECN mark and arrival time) and timer
// expiries, and gives datagrams to send and its next deadline. It never
// touches a socket, a goroutine, the wall clock or global randomness; time
// and randomness come in as inputs. Everything is driven through four
// groups of methods, after quinn-proto:
//
//   - inputs: HandleDatagram, HandleTimeout;
//   - commands: OpenStream, StreamWrite, StreamClose, StreamReset,
//     StreamRead, StreamStopSending, SendDatagram, Close,
//     InitiateKeyUpdate;
//   - outputs, polled after every input or command: PollTransmit,
//     NextTimeout, PollEvent.
//
// Every concern keeps its own state and file: conn_tls.go (handshake and
// keys), conn_recv.go (unprotecting packets), conn_frames.go (frame
// handlers), conn_send.go (packing), conn_acked.go (what happens to frames
// when their packet is acknowledged or lost), conn_streams.go,
// conn_close.go, conn_timers.go.
package core

import (
	"crypto/tls"
	"math/rand/v2"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/connid"
	"github.com/quicr/quicr/quic/internal/flow"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/tparams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// connState is where the connection is in its life (RFC 9000, 10).
type connState uint8

const (
	stateHandshake connState = iota
	stateEstablished
	stateClosing  // we sent CONNECTION_CLOSE (RFC 9000, 10.2.1)
	stateDraining // the peer sent CONNECTION_CLOSE (RFC 9000, 10.2.2)
	stateClosed   // state can be freed
)

// pnSpace is one packet number space (RFC 9000, 12.3): its keys (Initial
// and Handshake only; 1-RTT keys live in Conn.oneRTT), its receive-side ACK
// state, its next packet number and its CRYPTO stream.
type pnSpace struct {
	seal, open *protect.Keys
	ack        *recovery.AckTracker
	nextPN     uint64
	cryptoSend streams.SendBuffer
	cryptoRecv streams.RecvBuffer
	// cryptoPartEnd is where a handshake message TLS got only part of
	// ends (wholeMessages).
	cryptoPartEnd uint64
	// cryptoLastOff is where the last CRYPTO frame sent began.
	cryptoLastOff uint64
	discarded     bool
}

// Datagram is a received UDP datagram.
type Datagram struct {
	Remote netip.AddrPort // where it came from
	Local  netip.AddrPort // where it arrived (for multi-homed servers), may be zero
	ECN    recovery.ECN
	Data   []byte
}

// Transmit describes datagrams PollTransmit wrote: Size bytes in total,
// cut into datagrams of SegSize bytes (the last may be shorter), all to
// Remote with the same ECN mark: one GSO write.
type Transmit struct {
	Remote  netip.AddrPort
	Local   netip.Addr // source address to use, if known
	ECN     recovery.ECN
	Size    int
	SegSize int
}

// Conn is one QUIC connection. It is not safe for concurrent use: the I/O
// layer serialises calls.
type Conn struct {
	cfg      *Config
	isClient bool
	version  protocol.Version
	rng      *rand.ChaCha8
	state    connState
	created  protocol.Time

	// Handshake.
	tls                *tls.QUICConn
	tlsConfig          *tls.Config
	cryptoScratch      []byte // handshake messages that span receive blocks, for TLS
	handshakeDone      bool   // TLS finished (RFC 9001, 4.1.1)
	handshakeConfirmed bool   // RFC 9001, 4.1.2
	handshakeDoneSend  bool   // server: HANDSHAKE_DONE to send (again)
	handshakeDoneAcked bool
	noTicket           bool          // server: the ClientHello offers no psk_dhe_ke, so no ticket (client_hello.go)
	earlyResends       int           // flights sent again before the PTO (crypto_early_resend.go)
	paramsDue          bool          // server: TLS waits for our transport parameters (supplyParams)
	handshaking        *atomic.Int64 // server: its endpoint's handshakes in progress
	hdResentAt         protocol.Time // last HANDSHAKE_DONE resent for a Handshake packet
	localParams        tparams.Parameters
	peerParams         tparams.Parameters
	havePeerParams     bool
	used0RTT           bool
	zeroRTTSeal        *protect.Keys // client: 0-RTT write keys
	zeroRTTOpen        *protect.Keys // server: 0-RTT read keys
	zeroRTTRejected    bool
	remembered         *tparams.Parameters // the server's parameters from the session ticket, for 0-RTT
	attempted0RTT      bool

	spaces [protocol.NumSpaces]pnSpace
	oneRTT protect.OneRTTKeys
	// keyUpdateAt is when the previous 1-RTT read key may go (3 PTO after
	// an update, RFC 9001, 6.5); Never if there is none.
	prevKeyDropAt protocol.Time
	// firstPhasePN is the first packet number sent in the current write key
	// phase; a new update waits until one of them is acknowledged (RFC
	// 9001, 6.1).
	firstPhasePN      uint64
	phaseAcked        bool
	keyUpdateRequests int

	// Connection IDs. odcid is the client's first Destination Connection
	// ID: it names the connection in qlog and keys the Initial secrets.
	odcid       protocol.ConnectionID
	retrySCID   protocol.ConnectionID // set if a Retry was used
	initialSCID protocol.ConnectionID // our first Source Connection ID
	peerSCID    protocol.ConnectionID // the peer's first Source Connection ID
	localCIDs   *connid.Local
	remoteCIDs  *connid.Remote
	retryToken  []byte // client: the token to put in Initial packets
	gotRetry    bool
	cidGen      connid.Generator

	path  pathState
	pmtud pmtudState
	probe probeState // client: validating the server's preferred address
	// onPreferredAddress: the client moved to the server's preferred
	// address, after which disable_active_migration no longer binds it
	// (RFC 9000, 18.2).
	onPreferredAddress bool

	// Recovery and congestion control.
	loss  *recovery.LossDetector
	cc    congestion.Controller
	pacer *congestion.Pacer
	// sent frame log buffers recycled between packets.
	freeLogs []frameLog
	// ptoProbes asks for ack-eliciting probes in each space.
	lastMetrics recovery.Metrics

	// Flow control and streams.
	connSend             flow.SendWindow
	connRecv             flow.RecvWindow
	maxDataNeeded        bool
	streams              map[streams.ID]*stream
	blocks               *streams.BlockPool // receive-buffer blocks, shared with the endpoint's other connections
	openBidi             streams.OpenLimit
	openUni              streams.OpenLimit
	acceptBidi           streams.AcceptLimit
	acceptUni            streams.AcceptLimit
	maxStreamsBidiNeeded bool
	maxStreamsUniNeeded  bool
	wantBidi, wantUni    bool // the application waits for stream credit
	sendQueue            []*stream
	sendHead             int // sendQueue[sendHead:] is the queue
	ctrlQueue            []*stream

	// Datagrams (RFC 9221).
	datagramsOut     [][]byte
	datagramsIn      [][]byte
	datagramsDropped uint64

	// Timers.
	lastActivity         protocol.Time // last packet received or first ack-eliciting sent after it
	idleTimeout          time.Duration // negotiated (RFC 9000, 10.1)
	closeDeadline        protocol.Time // end of closing or draining
	lastSentAt           protocol.Time
	lastAckElicitingSent protocol.Time
	sentSinceReceive     bool // an ack-eliciting packet went out since the last one arrived

	// Closing.
	closeErr     error // why the connection ended, as the application sees it
	closeFrame   closeInfo
	closeSendNow bool // a CONNECTION_CLOSE is due (first time, or in reply)

	// Receive scratch space, reused across packets.
	rxAck     wire.AckFrame
	rxECN     recovery.ECNCounts
	ackRanges []recovery.AckRange
	rxDCID    protocol.ConnectionID // DCID of the packet being processed

	// Sending.
	txAck          wire.AckFrame
	nextSkip       uint64 // next packet number to skip (RFC 9000, 21.4)
	blockedStreams []streams.ID
	// connBlocked lists streams waiting for connection credit (MAX_DATA).
	connBlocked      []*stream
	connBlockedFrame bool // DATA_BLOCKED is due
	dataBlockedSent  bool
	pacingBlocked    bool
	pacingAt         protocol.Time
	// requeueDiscarded makes discarded packets' frames go again (Retry).
	requeueDiscarded bool

	// Key update (RFC 9001, 6).
	awaitingPeerUpdateAck bool
	peerUpdatePN          uint64
	decryptFailures       uint64

	// Compatible version negotiation (RFC 9368): a server that switched
	// keeps the original version's Initial read keys.
	origVersion     protocol.Version
	origInitialOpen *protect.Keys
	initialKeyDCID  protocol.ConnectionID
	// serverResetToken is the stateless_reset_token a server sends.
	serverResetToken [16]byte
	// clientDCIDRoute is the client's first DCID, routed to a server
	// connection until the handshake is confirmed.
	clientDCIDRoute protocol.ConnectionID
	// routes and resetRoutes are the keys the Endpoint routes to this
	// connection, so it can forget them without a scan of its tables.
	// Guarded by the Endpoint's mutex.
	routes      []protocol.ConnectionID
	resetRoutes [][16]byte

	// Path validation (RFC 9000, 8.2).
	pathResponseNeeded bool
	pathResponseData   [8]byte
	pathResponseTo     netip.AddrPort
	pathResponseFrom   netip.AddrPort // our address the challenge arrived at
	// A server challenges the address of a peer's off-path probe in the
	// packet that answers it (offPathChallenge), so a client moving to
	// the preferred address is validated before it migrates.
	offPathChallenge     offPathChallenge
	challengeOutstanding bool
	challengeNeeded      bool
	challengeData        [8]byte
	challengesSent       int
	challengeDeadline    protocol.Time
	challengeAbandonAt   protocol.Time
	prevPath             *pathState
	rxNonProbing         bool // the packet being processed had a non-probing frame

	// NEW_TOKEN (RFC 9000, 8.1.3): the server's token maker.
	newTokenNeeded bool
	newToken       func(now protocol.Time, addr netip.AddrPort) []byte

	closesSent          int
	packetsWhileClosing int

	// qlog (RFC-less; draft-ietf-quic-qlog): nil when tracing is off.
	tracer        *qlog.ConnectionTracer
	qlogFrames    []qlog.Frame
	lastCCState   string
	lastQlogState qlog.ConnectionState
	traceNow      protocol.Time // time of the current input, for events of commands

	events    []Event
	eventHead int

	stats Stats
}

// Stats are counters of a connection's life.
type Stats struct {
	PacketsSent, PacketsReceived, PacketsLost uint64
	BytesSent, BytesReceived                  uint64
	PacketsDropped                            uint64
	DatagramsDropped                          uint64
}

// IsClient reports whether this is the client's end of the connection.
func (c *Conn) IsClient() bool { return c.isClient }

// Version returns the QUIC version in use.
func (c *Conn) Version() protocol.Version { return c.version }

// OriginalDestConnID returns the client's first Destination Connection ID.
func (c *Conn) OriginalDestConnID() protocol.ConnectionID { return c.odcid }

// InitialSourceConnID returns the connection ID this endpoint chose for
// itself in its first packet.
func (c *Conn) InitialSourceConnID() protocol.ConnectionID { return c.initialSCID }

// HandshakeComplete reports whether the TLS handshake finished.
func (c *Conn) HandshakeComplete() bool { return c.handshakeDone }

// AwaitsServerFlight reports whether a client has read the ServerHello
// and waits for the rest of the server's flight: it has Handshake keys
// and no 1-RTT read keys yet.
func (c *Conn) AwaitsServerFlight() bool {
	return c.isClient && c.spaces[protocol.SpaceHandshake].open != nil && !c.oneRTT.CanOpen()
}

// Used0RTT reports whether 0-RTT data was accepted.
func (c *Conn) Used0RTT() bool { return c.used0RTT }

// TLSState returns the TLS connection state.
func (c *Conn) TLSState() tls.ConnectionState { return c.tls.ConnectionState() }

// Stats returns the connection's counters.
func (c *Conn) Stats() Stats { return c.stats }

// Metrics returns RTT and congestion figures.
func (c *Conn) Metrics() recovery.Metrics { return c.loss.Metrics() }

// RemoteAddr returns the peer's current address.
func (c *Conn) RemoteAddr() netip.AddrPort { return c.path.remote }

// MaxUDPPayloadSize returns the size of the largest datagram the
// connection may send (Config.MaxUDPPayloadSize).
func (c *Conn) MaxUDPPayloadSize() int { return c.cfg.MaxUDPPayloadSize }
