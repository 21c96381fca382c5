package quic

import (
	"crypto/tls"
	"net/netip"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic/internal/core"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// Version is a QUIC version number.
type Version uint32

// The QUIC versions quicr speaks.
const (
	Version1 Version = 0x00000001 // RFC 9000
	Version2 Version = 0x6b3343cf // RFC 9369
)

// String returns the version's name.
func (v Version) String() string {
	switch v {
	case Version1:
		return "v1"
	case Version2:
		return "v2"
	}
	return protocol.Version(v).String()
}

// CongestionControl selects a congestion controller.
type CongestionControl int

// Congestion controllers.
const (
	Cubic   CongestionControl = iota // RFC 9438; the default
	NewReno                          // RFC 9002, 7
)

// Config configures an Endpoint and the connections it makes and accepts.
// The zero value works, with the defaults noted on each field. A Config
// must not be modified once passed to quicr.
type Config struct {
	// Versions lists the QUIC versions to offer (client) or accept
	// (server), most preferred first. Default: Version1, Version2. A client
	// starts with the first; a server picks the first of its list that the
	// client also offers (compatible version negotiation, RFC 9368).
	Versions []Version

	// HandshakeTimeout bounds the handshake. Default 10 s.
	HandshakeTimeout time.Duration

	// MaxIdleTimeout is the idle timeout we advertise (RFC 9000, 10.1); the
	// connection closes after the smaller of ours and the peer's passes
	// without activity. Default 30 s.
	MaxIdleTimeout time.Duration

	// KeepAlivePeriod, if set, sends a PING when nothing was sent for this
	// long, keeping idle connections and NAT bindings alive.
	KeepAlivePeriod time.Duration

	// InitialStreamReceiveWindow and MaxStreamReceiveWindow bound how much
	// unread data one stream may buffer; the window starts at the first and
	// grows up to the second when the application reads fast. Defaults
	// 512 KiB and 6 MiB.
	InitialStreamReceiveWindow uint64
	MaxStreamReceiveWindow     uint64

	// InitialConnectionReceiveWindow and MaxConnectionReceiveWindow do the
	// same for the whole connection. Defaults 768 KiB and 15 MiB.
	InitialConnectionReceiveWindow uint64
	MaxConnectionReceiveWindow     uint64

	// StreamSendBuffer bounds the data a stream buffers until the peer
	// acknowledges it; Write blocks beyond it. Default 1 MiB.
	StreamSendBuffer int

	// MaxIncomingStreams and MaxIncomingUniStreams bound how many streams
	// the peer may have open at once; credit is re-issued as streams
	// finish. Defaults 100 each; a negative value allows none.
	MaxIncomingStreams    int64
	MaxIncomingUniStreams int64

	// InitialRTT is the RTT assumed before the first sample (RFC 9002,
	// 6.2.2). Default 333 ms.
	InitialRTT time.Duration

	// MaxUDPPayloadSize caps the datagrams we send and the
	// max_udp_payload_size we advertise. Default 1452 (Ethernet minus IPv6
	// and UDP headers).
	MaxUDPPayloadSize int

	// CongestionControl picks the congestion controller. Default Cubic.
	CongestionControl CongestionControl

	// EnableDatagrams negotiates unreliable datagrams (RFC 9221).
	EnableDatagrams bool

	// Allow0RTT lets a server accept 0-RTT data and issue tickets that
	// allow it, and lets a client send 0-RTT data when its ticket allows
	// (DialEarly). 0-RTT data can be replayed by an attacker: enable it
	// only for requests that are safe to repeat (RFC 9001, 9.2).
	Allow0RTT bool

	// PreferredAddressV4 and PreferredAddressV6, on a server, offer the
	// client another address to move to after the handshake (RFC 9000,
	// 9.6); the Endpoint must receive on them (a dual-stack socket on the
	// same port serves both families).
	PreferredAddressV4, PreferredAddressV6 netip.AddrPort

	// DisableActiveMigration sets disable_active_migration (RFC 9000,
	// 18.2).
	DisableActiveMigration bool

	// TokenStore keeps address-validation tokens a client receives in
	// NEW_TOKEN frames, for its next connection to the same server. Nil
	// disables the feature on the client.
	TokenStore TokenStore

	// StatelessResetKey derives the stateless reset tokens of the
	// connection IDs an endpoint issues (RFC 9000, 10.3). Keep it across
	// restarts so that peers of the old process get reset promptly. A
	// random key is used when it is nil.
	StatelessResetKey *[32]byte

	// TokenKey seals Retry and NEW_TOKEN tokens. Keep it across restarts so
	// tokens stay valid. A random key is used when it is nil.
	TokenKey *[32]byte

	// RequireAddressValidation makes a server answer every new connection
	// attempt without a valid token with a Retry (RFC 9000, 8.1.2).
	RequireAddressValidation bool

	// Tracer, if set, is called once per connection with its role and
	// original destination connection ID; the trace it returns receives
	// the connection's qlog events. qlog.FromEnv() writes one file per
	// connection into $QLOGDIR; qlog.DirTracer(dir) into dir.
	Tracer qlog.TracerFactory

	// KeyUpdateInterval, if set, starts a key update after this many
	// packets sent under one key (RFC 9001, 6). Updates happen anyway
	// before the AEAD confidentiality limit.
	KeyUpdateInterval uint64
}

func (c *Config) versions() []protocol.Version {
	if c == nil || len(c.Versions) == 0 {
		return []protocol.Version{protocol.Version1, protocol.Version2}
	}
	vs := make([]protocol.Version, len(c.Versions))
	for i, v := range c.Versions {
		vs[i] = protocol.Version(v)
	}
	return vs
}

func orDuration(v, d time.Duration) time.Duration {
	if v == 0 {
		return d
	}
	return v
}

func orUint(v, d uint64) uint64 {
	if v == 0 {
		return d
	}
	return v
}

func streamLimit(v int64, d uint64) uint64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return d
	}
	return uint64(v)
}

// coreConfig turns a Config, defaults applied, into the core's form.
func (c *Config) coreConfig(tc *tls.Config) *core.Config {
	if c == nil {
		c = &Config{}
	}
	mtu := c.MaxUDPPayloadSize
	if mtu == 0 {
		mtu = 1452
	}
	sendBuf := c.StreamSendBuffer
	if sendBuf <= 0 {
		sendBuf = 1 << 20
	}
	return &core.Config{
		TLS:                    tc,
		Versions:               c.versions(),
		HandshakeTimeout:       orDuration(c.HandshakeTimeout, 10*time.Second),
		MaxIdleTimeout:         orDuration(c.MaxIdleTimeout, 30*time.Second),
		KeepAlivePeriod:        c.KeepAlivePeriod,
		InitialStreamWindow:    orUint(c.InitialStreamReceiveWindow, 512<<10),
		MaxStreamWindow:        orUint(c.MaxStreamReceiveWindow, 6<<20),
		InitialConnWindow:      orUint(c.InitialConnectionReceiveWindow, 768<<10),
		MaxConnWindow:          orUint(c.MaxConnectionReceiveWindow, 15<<20),
		MaxIncomingBidi:        streamLimit(c.MaxIncomingStreams, 100),
		MaxIncomingUni:         streamLimit(c.MaxIncomingUniStreams, 100),
		SendBufferSize:         sendBuf,
		InitialRTT:             orDuration(c.InitialRTT, 333*time.Millisecond),
		MaxUDPPayloadSize:      max(mtu, 1200),
		NewReno:                c.CongestionControl == NewReno,
		EnableDatagrams:        c.EnableDatagrams,
		Allow0RTT:              c.Allow0RTT,
		PreferredAddressV4:     c.PreferredAddressV4,
		PreferredAddressV6:     c.PreferredAddressV6,
		MaxDatagramQueue:       128,
		DisableActiveMigration: c.DisableActiveMigration,
		ConnIDLen:              8,
		AckElicitingThreshold:  2,
		MaxAckDelay:            25 * time.Millisecond,
		KeyUpdateInterval:      c.KeyUpdateInterval,
		Tracer:                 c.Tracer,
	}
}
