// Package protocol holds the small value types every layer of the core
// shares: versions, packet types, packet number spaces and connection IDs.
package protocol

import (
	"encoding/hex"
)

// Version is a QUIC version number (RFC 8999, 5.1).
type Version uint32

// Versions quicr speaks.
const (
	Version1 Version = 0x00000001 // RFC 9000
	Version2 Version = 0x6b3343cf // RFC 9369
)

// IsReserved reports whether v is a reserved version of the form 0x?a?a?a?a
// used to exercise version negotiation (RFC 9000, 15).
func (v Version) IsReserved() bool { return v&0x0f0f0f0f == 0x0a0a0a0a }

// String returns the version in hexadecimal, as qlog prints it.
func (v Version) String() string {
	var b [4]byte
	b[0], b[1], b[2], b[3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	return hex.EncodeToString(b[:])
}

// PacketType is the type of a QUIC packet, independent of the version's
// encoding of the long-header type bits (RFC 9000, 17.2; RFC 9369, 3.2).
type PacketType uint8

// Packet types.
const (
	PacketInitial PacketType = iota + 1
	Packet0RTT
	PacketHandshake
	PacketRetry
	PacketVersionNegotiation
	Packet1RTT
)

var packetTypeNames = [...]string{
	PacketInitial:            "initial",
	Packet0RTT:               "0RTT",
	PacketHandshake:          "handshake",
	PacketRetry:              "retry",
	PacketVersionNegotiation: "version_negotiation",
	Packet1RTT:               "1RTT",
}

// String returns the packet type's qlog name.
func (t PacketType) String() string {
	if int(t) < len(packetTypeNames) && packetTypeNames[t] != "" {
		return packetTypeNames[t]
	}
	return "unknown"
}

// Space is a packet number space (RFC 9000, 12.3).
type Space uint8

// Packet number spaces. 0-RTT and 1-RTT packets share the application data
// space.
const (
	SpaceInitial Space = iota
	SpaceHandshake
	SpaceAppData
	NumSpaces
)

var spaceNames = [...]string{"initial", "handshake", "application_data"}

// String returns the space's qlog name.
func (s Space) String() string {
	if int(s) < len(spaceNames) {
		return spaceNames[s]
	}
	return "unknown"
}

// Space returns the packet number space packets of type t belong to.
func (t PacketType) Space() Space {
	switch t {
	case PacketInitial:
		return SpaceInitial
	case PacketHandshake:
		return SpaceHandshake
	default:
		return SpaceAppData
	}
}

// MaxConnIDLen is the longest connection ID QUIC version 1 and 2 allow
// (RFC 9000, 17.2).
const MaxConnIDLen = 20

// ConnectionID is a connection ID of 0 to 20 bytes stored inline, so that it
// can be copied, compared and used as a map key without allocating.
type ConnectionID struct {
	b [MaxConnIDLen]byte
	n uint8
}

// NewConnectionID copies b into a ConnectionID. It panics if b is longer
// than MaxConnIDLen; parsers check the length before calling it.
func NewConnectionID(b []byte) ConnectionID {
	if len(b) > MaxConnIDLen {
		panic("protocol: connection ID longer than 20 bytes")
	}
	var c ConnectionID
	c.n = uint8(copy(c.b[:], b))
	return c
}

// Bytes returns the connection ID's bytes. The slice aliases c only when c
// is addressable; callers must not modify it.
func (c *ConnectionID) Bytes() []byte { return c.b[:c.n] }

// Len returns the connection ID's length in bytes.
func (c ConnectionID) Len() int { return int(c.n) }

// String returns the connection ID in hexadecimal.
func (c ConnectionID) String() string { return hex.EncodeToString(c.b[:c.n]) }

// MinInitialDatagramSize is the size to which a client pads datagrams that
// carry Initial packets (RFC 9000, 14.1).
const MinInitialDatagramSize = 1200
