package tparams

import (
	"encoding/binary"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Append appends the encoding of p to b (RFC 9000, 18). Parameters equal to
// their defaults are left out. A client (isServer false) never sends the
// server-only parameters (RFC 9000, 18.2), so Append skips them even if set.
// Durations are sent in whole milliseconds; max_ack_delay and min_ack_delay
// round up so the peer never assumes less delay than this endpoint uses.
// Start from Default() so that unset fields keep their defaults.
func (p *Parameters) Append(b []byte, isServer bool) []byte {
	if isServer && p.HasOriginalDestinationConnectionID {
		b = appendConnID(b, idOriginalDestinationConnectionID, &p.OriginalDestinationConnectionID)
	}
	if p.MaxIdleTimeout > 0 {
		b = appendInt(b, idMaxIdleTimeout, max(uint64(p.MaxIdleTimeout/time.Millisecond), 1))
	}
	if isServer && p.HasStatelessResetToken {
		b = appendBytes(b, idStatelessResetToken, p.StatelessResetToken[:])
	}
	if p.MaxUDPPayloadSize != DefaultMaxUDPPayloadSize {
		b = appendInt(b, idMaxUDPPayloadSize, p.MaxUDPPayloadSize)
	}
	b = appendNonZero(b, idInitialMaxData, p.InitialMaxData)
	b = appendNonZero(b, idInitialMaxStreamDataBidiLocal, p.InitialMaxStreamDataBidiLocal)
	b = appendNonZero(b, idInitialMaxStreamDataBidiRemote, p.InitialMaxStreamDataBidiRemote)
	b = appendNonZero(b, idInitialMaxStreamDataUni, p.InitialMaxStreamDataUni)
	b = appendNonZero(b, idInitialMaxStreamsBidi, p.InitialMaxStreamsBidi)
	b = appendNonZero(b, idInitialMaxStreamsUni, p.InitialMaxStreamsUni)
	if p.AckDelayExponent != DefaultAckDelayExponent {
		b = appendInt(b, idAckDelayExponent, uint64(p.AckDelayExponent))
	}
	if p.MaxAckDelay != DefaultMaxAckDelay {
		b = appendInt(b, idMaxAckDelay, ceilDiv(p.MaxAckDelay, time.Millisecond))
	}
	if p.DisableActiveMigration {
		b = appendBytes(b, idDisableActiveMigration, nil)
	}
	if isServer && p.HasPreferredAddress {
		b = p.PreferredAddress.append(b)
	}
	if p.ActiveConnectionIDLimit != DefaultActiveConnectionIDLimit {
		b = appendInt(b, idActiveConnectionIDLimit, p.ActiveConnectionIDLimit)
	}
	if p.HasInitialSourceConnectionID {
		b = appendConnID(b, idInitialSourceConnectionID, &p.InitialSourceConnectionID)
	}
	if isServer && p.HasRetrySourceConnectionID {
		b = appendConnID(b, idRetrySourceConnectionID, &p.RetrySourceConnectionID)
	}
	if p.HasVersionInformation {
		vi := &p.VersionInformation
		b = wire.AppendVarint(b, idVersionInformation)
		b = wire.AppendVarint(b, uint64(4+4*len(vi.Available)))
		b = binary.BigEndian.AppendUint32(b, uint32(vi.Chosen))
		for _, v := range vi.Available {
			b = binary.BigEndian.AppendUint32(b, uint32(v))
		}
	}
	b = appendNonZero(b, idMaxDatagramFrameSize, p.MaxDatagramFrameSize)
	if p.GreaseQUICBit {
		b = appendBytes(b, idGreaseQUICBit, nil)
	}
	if p.HasMinAckDelay {
		b = appendInt(b, idMinAckDelay, ceilDiv(p.MinAckDelay, time.Microsecond))
	}
	return b
}

// AppendReserved appends a reserved parameter with ID ReservedID(n) and the
// given value, which peers must ignore; it exercises that requirement
// (RFC 9000, 18.1). Callers pick n and value from their random source.
func AppendReserved(b []byte, n uint64, value []byte) []byte {
	return appendBytes(b, ReservedID(n), value)
}

func (a *PreferredAddress) append(b []byte) []byte {
	b = wire.AppendVarint(b, idPreferredAddress)
	b = wire.AppendVarint(b, uint64(preferredAddressMin+a.ConnectionID.Len()))
	var v4 [4]byte
	if ip := a.IPv4.Addr().Unmap(); ip.Is4() {
		v4 = ip.As4()
	}
	b = append(b, v4[:]...)
	b = binary.BigEndian.AppendUint16(b, a.IPv4.Port())
	var v6 [16]byte
	if ip := a.IPv6.Addr(); ip.IsValid() {
		v6 = ip.As16()
	}
	b = append(b, v6[:]...)
	b = binary.BigEndian.AppendUint16(b, a.IPv6.Port())
	b = append(b, byte(a.ConnectionID.Len()))
	b = append(b, a.ConnectionID.Bytes()...)
	return append(b, a.StatelessResetToken[:]...)
}

func appendInt(b []byte, id, v uint64) []byte {
	b = wire.AppendVarint(b, id)
	b = wire.AppendVarint(b, uint64(wire.VarintLen(v)))
	return wire.AppendVarint(b, v)
}

func appendNonZero(b []byte, id, v uint64) []byte {
	if v == 0 {
		return b
	}
	return appendInt(b, id, v)
}

func appendBytes(b []byte, id uint64, v []byte) []byte {
	b = wire.AppendVarint(b, id)
	b = wire.AppendVarint(b, uint64(len(v)))
	return append(b, v...)
}

func appendConnID(b []byte, id uint64, c *protocol.ConnectionID) []byte {
	return appendBytes(b, id, c.Bytes())
}

// ceilDiv returns d/unit rounded up; negative durations count as 0.
func ceilDiv(d, unit time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64((d-1)/unit + 1)
}
