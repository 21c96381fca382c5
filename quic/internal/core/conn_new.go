package core

import (
	"context"
	"crypto/tls"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/connid"
	"github.com/quicr/quicr/quic/internal/flow"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/tparams"
)

// activeConnIDLimit is the active_connection_id_limit we advertise.
const activeConnIDLimit = 4

// ClientParams are the inputs to a new client connection.
type ClientParams struct {
	Remote netip.AddrPort
	Local  netip.AddrPort
	Token  []byte // a NEW_TOKEN token for this server, if any
	Seed   [32]byte
	CIDGen connid.Generator // makes our connection IDs and their reset tokens
}

// ServerParams describe the client Initial that created a server
// connection, as the Endpoint parsed and validated it.
type ServerParams struct {
	Remote netip.AddrPort
	Local  netip.AddrPort
	// ClientDCID is the Destination Connection ID of the client's Initial:
	// it keys the Initial secrets (RFC 9001, 5.2).
	ClientDCID protocol.ConnectionID
	ClientSCID protocol.ConnectionID
	// OriginalDCID is ClientDCID, or after a Retry the DCID of the
	// client's first Initial, recovered from the Retry token.
	OriginalDCID protocol.ConnectionID
	// RetrySCID is set if the client came back with a Retry token.
	RetrySCID protocol.ConnectionID
	UsedRetry bool
	// AddressValidated is set if the client presented a valid token, so
	// the anti-amplification limit does not apply (RFC 9000, 8.1).
	AddressValidated bool
	Version          protocol.Version
	Seed             [32]byte
	CIDGen           connid.Generator
	// LocalCID is the connection ID the server chose for itself.
	LocalCID   protocol.ConnectionID
	ResetToken connid.ResetToken
	// InitialSeal and InitialOpen, if set, are the Initial keys for
	// ClientDCID, already derived when the Endpoint checked that the
	// client's Initial decrypts.
	InitialSeal, InitialOpen *protect.Keys
}

func newConn(now protocol.Time, cfg *Config, isClient bool, seed [32]byte) *Conn {
	c := &Conn{
		cfg:      cfg,
		isClient: isClient,
		rng:      rand.NewChaCha8(seed),
		created:  now,
		streams:  make(map[streams.ID]*stream),
		// A handshake raises a dozen events before the first poll.
		events: make([]Event, 0, 16),
	}
	c.lastActivity = now
	c.prevKeyDropAt = protocol.Never
	c.closeDeadline = protocol.Never
	c.challengeDeadline = protocol.Never
	c.path.mtu = protocol.MinInitialDatagramSize
	c.newCongestion()
	c.loss = recovery.NewLossDetector(recovery.Config{IsServer: !isClient, InitialRTT: cfg.InitialRTT, MaxHandshakePTO: maxHandshakePTO}, c.cc)
	c.pacer = congestion.NewPacer(c.cc, c.loss.RTT(), c.path.mtu)
	for s := range c.spaces {
		c.spaces[s].ack = recovery.NewAckTracker(protocol.Space(s), cfg.MaxAckDelay)
	}
	c.spaces[protocol.SpaceAppData].ack.SetAckFrequency(uint64(max(cfg.AckElicitingThreshold-1, 0)), cfg.MaxAckDelay, 1)
	c.connRecv = flow.NewRecvWindow(cfg.InitialConnWindow, cfg.MaxConnWindow)
	c.blocks = cfg.Blocks
	if c.blocks == nil {
		c.blocks = new(streams.BlockPool)
	}
	for s := range c.spaces {
		c.spaces[s].cryptoRecv.Pool = c.blocks
		c.spaces[s].cryptoRecv.Sparse = true
	}
	c.acceptBidi = streams.NewAcceptLimit(cfg.MaxIncomingBidi)
	c.acceptUni = streams.NewAcceptLimit(cfg.MaxIncomingUni)
	return c
}

// newCongestion makes a fresh congestion controller, for a new connection,
// after a Retry (RFC 9002, 6.3) or on a new path (RFC 9000, 9.4).
func (c *Conn) newCongestion() {
	if c.cfg.NewReno {
		c.cc = congestion.NewNewReno(c.path.mtu)
	} else {
		c.cc = congestion.NewCubic(c.path.mtu)
	}
	if c.loss != nil {
		c.pacer = congestion.NewPacer(c.cc, c.loss.RTT(), c.path.mtu)
	}
}

// NewClientConn starts a client connection: it picks the connection IDs,
// starts the TLS handshake and queues the first Initial.
func NewClientConn(now protocol.Time, cfg *Config, p ClientParams) (*Conn, error) {
	c := newConn(now, cfg, true, p.Seed)
	c.version = cfg.Versions[0]
	c.cidGen = p.CIDGen
	c.path.remote, c.path.local = p.Remote, p.Local
	c.path.validated = true // a client never limits itself (RFC 9000, 8.1)
	// The first Destination Connection ID is random and at least 8 bytes
	// (RFC 9000, 7.2).
	var odcid [8]byte
	c.rng.Read(odcid[:])
	c.odcid = protocol.NewConnectionID(odcid[:])
	var resetTok connid.ResetToken
	c.initialSCID, resetTok = p.CIDGen()
	_ = resetTok // a client sends no stateless_reset_token (RFC 9000, 18.2)
	c.localCIDs = connid.NewLocal(c.initialSCID)
	c.remoteCIDs = connid.NewRemote(c.odcid, activeConnIDLimit)
	c.retryToken = p.Token
	if err := c.installInitialKeys(c.odcid); err != nil {
		return nil, err
	}
	c.localParams = c.makeLocalParams()
	c.startTrace(now)
	if c.tracer != nil {
		c.traceParams(now, &c.localParams, true)
	}
	tc := cfg.TLS
	if tc.MinVersion < tls.VersionTLS13 {
		tc = tc.Clone()
		tc.MinVersion = tls.VersionTLS13
	}
	c.tlsConfig = tc
	c.tls = tls.QUICClient(&tls.QUICConfig{TLSConfig: tc, EnableSessionEvents: true})
	c.tls.SetTransportParameters(c.encodeLocalParams())
	if err := c.tls.Start(context.Background()); err != nil {
		return nil, err
	}
	if err := c.processTLSEvents(now); err != nil {
		return nil, err
	}
	return c, nil
}

// NewServerConn creates a server connection for a client Initial the
// Endpoint accepted.
func NewServerConn(now protocol.Time, cfg *Config, p ServerParams) (*Conn, error) {
	c := newConn(now, cfg, false, p.Seed)
	c.version = p.Version
	c.cidGen = p.CIDGen
	c.path.remote, c.path.local = p.Remote, p.Local
	c.path.validated = p.AddressValidated
	c.odcid = p.OriginalDCID
	c.initialSCID = p.LocalCID
	c.peerSCID = p.ClientSCID
	if p.UsedRetry {
		c.retrySCID, c.gotRetry = p.RetrySCID, true
	}
	c.localCIDs = connid.NewLocal(p.LocalCID)
	c.remoteCIDs = connid.NewRemote(p.ClientSCID, activeConnIDLimit)
	if p.InitialSeal != nil && p.InitialOpen != nil {
		sp := &c.spaces[protocol.SpaceInitial]
		sp.seal, sp.open = p.InitialSeal, p.InitialOpen
	} else if err := c.installInitialKeys(p.ClientDCID); err != nil {
		return nil, err
	}
	c.startTrace(now)
	c.initialKeyDCID = p.ClientDCID
	c.serverResetToken = p.ResetToken
	// One tls.Config for all server connections: its session ticket keys
	// must be shared for resumption to work (the Endpoint made it TLS 1.3
	// only).
	tc := cfg.TLS
	c.tlsConfig = tc
	// Our transport parameters wait for the client's: compatible version
	// negotiation picks the version they name (RFC 9368, 2.3).
	c.tls = tls.QUICServer(&tls.QUICConfig{TLSConfig: tc, EnableSessionEvents: true})
	if err := c.tls.Start(context.Background()); err != nil {
		return nil, err
	}
	if err := c.processTLSEvents(now); err != nil {
		return nil, err
	}
	return c, nil
}

// installInitialKeys derives the Initial keys from the client's first
// Destination Connection ID (RFC 9001, 5.2).
func (c *Conn) installInitialKeys(dcid protocol.ConnectionID) error {
	seal, open, err := protect.NewInitialKeys(c.version, dcid.Bytes(), !c.isClient)
	if err != nil {
		return err
	}
	sp := &c.spaces[protocol.SpaceInitial]
	sp.seal, sp.open = seal, open
	return nil
}

// makeLocalParams builds the transport parameters we send (RFC 9000, 18.2).
func (c *Conn) makeLocalParams() tparams.Parameters {
	cfg := c.cfg
	p := tparams.Default()
	p.MaxIdleTimeout = cfg.MaxIdleTimeout
	p.MaxUDPPayloadSize = uint64(max(cfg.MaxUDPPayloadSize, protocol.MinInitialDatagramSize))
	p.InitialMaxData = cfg.InitialConnWindow
	p.InitialMaxStreamDataBidiLocal = cfg.InitialStreamWindow
	p.InitialMaxStreamDataBidiRemote = cfg.InitialStreamWindow
	p.InitialMaxStreamDataUni = cfg.InitialStreamWindow
	p.InitialMaxStreamsBidi = cfg.MaxIncomingBidi
	p.InitialMaxStreamsUni = cfg.MaxIncomingUni
	p.MaxAckDelay = cfg.MaxAckDelay
	p.DisableActiveMigration = cfg.DisableActiveMigration
	p.ActiveConnectionIDLimit = activeConnIDLimit
	p.InitialSourceConnectionID, p.HasInitialSourceConnectionID = c.initialSCID, true
	if !c.isClient {
		p.OriginalDestinationConnectionID, p.HasOriginalDestinationConnectionID = c.odcid, true
		if c.gotRetry {
			p.RetrySourceConnectionID, p.HasRetrySourceConnectionID = c.retrySCID, true
		}
	}
	if cfg.EnableDatagrams {
		p.MaxDatagramFrameSize = maxDatagramFrameSize
	}
	// Compatible version negotiation (RFC 9368, 3): our chosen version and
	// the versions we support.
	p.VersionInformation.Chosen = c.version
	p.VersionInformation.Available = cfg.Versions
	p.HasVersionInformation = true
	// We accept packets with the QUIC bit cleared (RFC 9287, 3).
	p.GreaseQUICBit = true
	return p
}

// encodeLocalParams encodes our transport parameters with one reserved
// parameter, so that peers keep ignoring unknown ones (RFC 9000, 18.1).
func (c *Conn) encodeLocalParams() []byte {
	b := c.localParams.Append(nil, !c.isClient)
	var v [4]byte
	c.rng.Read(v[:])
	return tparams.AppendReserved(b, c.rng.Uint64()%(1<<16), v[:c.rng.Uint64()%4])
}

// maxDatagramFrameSize is the max_datagram_frame_size we advertise.
const maxDatagramFrameSize = 65535

// maxHandshakePTO caps the PTO backoff during the handshake, so that a
// handshake through heavy loss never goes quiet for as long as peers wait
// before giving up on it.
const maxHandshakePTO = 2 * time.Second
