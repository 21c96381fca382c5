package tparams

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/wire"
)

// paramError returns a TRANSPORT_PARAMETER_ERROR (RFC 9000, 7.4).
func paramError(reason string) error {
	return &qerr.TransportError{Code: qerr.TransportParameterError, Reason: reason}
}

// maxDurationMs is the largest whole number of milliseconds a time.Duration
// holds; larger max_idle_timeout values are clamped to it.
const maxDurationMs = uint64(1<<63-1) / uint64(time.Millisecond)

// Parse decodes and validates the transport parameters the peer sent;
// fromServer says whether the peer is the server. Absent parameters take
// their defaults and unknown ones are skipped (RFC 9000, 7.4.2). Any
// violation is a TRANSPORT_PARAMETER_ERROR: a duplicate parameter (RFC 9000,
// 7.4), a server-only parameter from a client, a value out of range or of the
// wrong length (RFC 9000, 18.2), a missing initial_source_connection_id or,
// from a server, original_destination_connection_id (RFC 9000, 7.3), or
// malformed version_information (RFC 9368, 4). Only version_information's
// list allocates.
func Parse(b []byte, fromServer bool) (Parameters, error) {
	p := Default()
	var seen uint64
	for len(b) > 0 {
		id, n := wire.ConsumeVarint(b)
		if n < 0 {
			return Parameters{}, paramError("truncated parameter ID")
		}
		b = b[n:]
		l, n := wire.ConsumeVarint(b)
		if n < 0 {
			return Parameters{}, paramError("truncated parameter length")
		}
		b = b[n:]
		if l > uint64(len(b)) {
			return Parameters{}, paramError("parameter length exceeds data")
		}
		val := b[:l]
		b = b[l:]
		// RFC 9000, 7.4: duplicates SHOULD be an error. Unknown IDs are not
		// tracked, so that tracking costs no memory.
		if bit := seenBit(id); bit != 0 {
			if seen&bit != 0 {
				return Parameters{}, paramError("duplicate parameter")
			}
			seen |= bit
		}
		if err := p.parseParameter(id, val, fromServer); err != nil {
			return Parameters{}, err
		}
	}
	// RFC 9000, 7.3.
	if !p.HasInitialSourceConnectionID {
		return Parameters{}, paramError("missing initial_source_connection_id")
	}
	if fromServer && !p.HasOriginalDestinationConnectionID {
		return Parameters{}, paramError("missing original_destination_connection_id")
	}
	// RFC 9000, 18.2: a server using a zero-length connection ID must not
	// send a preferred address.
	if p.HasPreferredAddress && p.InitialSourceConnectionID.Len() == 0 {
		return Parameters{}, paramError("preferred_address with zero-length connection ID")
	}
	// Ack frequency, 3: min_ack_delay may not exceed max_ack_delay.
	if p.HasMinAckDelay && p.MinAckDelay > p.MaxAckDelay {
		return Parameters{}, paramError("min_ack_delay above max_ack_delay")
	}
	return p, nil
}

func (p *Parameters) parseParameter(id uint64, val []byte, fromServer bool) error {
	switch id {
	case idOriginalDestinationConnectionID, idStatelessResetToken, idPreferredAddress, idRetrySourceConnectionID:
		// RFC 9000, 18.2: a server MUST treat these from a client as an error.
		if !fromServer {
			return paramError("server-only parameter sent by client")
		}
	}
	var err error
	switch id {
	case idOriginalDestinationConnectionID:
		p.OriginalDestinationConnectionID, err = parseConnID(val)
		p.HasOriginalDestinationConnectionID = true
	case idMaxIdleTimeout:
		var ms uint64
		ms, err = parseInt(val)
		p.MaxIdleTimeout = time.Duration(min(ms, maxDurationMs)) * time.Millisecond
	case idStatelessResetToken:
		if len(val) != StatelessResetTokenLen {
			return paramError("stateless_reset_token is not 16 bytes")
		}
		p.StatelessResetToken = [StatelessResetTokenLen]byte(val)
		p.HasStatelessResetToken = true
	case idMaxUDPPayloadSize:
		p.MaxUDPPayloadSize, err = parseInt(val)
		if err == nil && p.MaxUDPPayloadSize < minMaxUDPPayloadSize {
			return paramError("max_udp_payload_size below 1200")
		}
	case idInitialMaxData:
		p.InitialMaxData, err = parseInt(val)
	case idInitialMaxStreamDataBidiLocal:
		p.InitialMaxStreamDataBidiLocal, err = parseInt(val)
	case idInitialMaxStreamDataBidiRemote:
		p.InitialMaxStreamDataBidiRemote, err = parseInt(val)
	case idInitialMaxStreamDataUni:
		p.InitialMaxStreamDataUni, err = parseInt(val)
	case idInitialMaxStreamsBidi:
		p.InitialMaxStreamsBidi, err = parseInt(val)
		// RFC 9000, 4.6: more than 2^60 streams cannot be addressed.
		if err == nil && p.InitialMaxStreamsBidi > maxStreams {
			return paramError("initial_max_streams_bidi above 2^60")
		}
	case idInitialMaxStreamsUni:
		p.InitialMaxStreamsUni, err = parseInt(val)
		if err == nil && p.InitialMaxStreamsUni > maxStreams {
			return paramError("initial_max_streams_uni above 2^60")
		}
	case idAckDelayExponent:
		var v uint64
		v, err = parseInt(val)
		if err == nil && v > maxAckDelayExponent {
			return paramError("ack_delay_exponent above 20")
		}
		p.AckDelayExponent = uint8(v)
	case idMaxAckDelay:
		var v uint64
		v, err = parseInt(val)
		if err == nil && v > maxMaxAckDelayMs {
			return paramError("max_ack_delay of 2^14 ms or more")
		}
		p.MaxAckDelay = time.Duration(v) * time.Millisecond
	case idDisableActiveMigration:
		if len(val) != 0 {
			return paramError("disable_active_migration is not empty")
		}
		p.DisableActiveMigration = true
	case idPreferredAddress:
		p.PreferredAddress, err = parsePreferredAddress(val)
		p.HasPreferredAddress = true
	case idActiveConnectionIDLimit:
		p.ActiveConnectionIDLimit, err = parseInt(val)
		if err == nil && p.ActiveConnectionIDLimit < 2 {
			return paramError("active_connection_id_limit below 2")
		}
	case idInitialSourceConnectionID:
		p.InitialSourceConnectionID, err = parseConnID(val)
		p.HasInitialSourceConnectionID = true
	case idRetrySourceConnectionID:
		p.RetrySourceConnectionID, err = parseConnID(val)
		p.HasRetrySourceConnectionID = true
	case idVersionInformation:
		p.VersionInformation, err = parseVersionInformation(val, fromServer)
		p.HasVersionInformation = true
	case idMaxDatagramFrameSize:
		p.MaxDatagramFrameSize, err = parseInt(val)
	case idGreaseQUICBit:
		// RFC 9287, 3: any value other than empty is an error.
		if len(val) != 0 {
			return paramError("grease_quic_bit is not empty")
		}
		p.GreaseQUICBit = true
	case idMinAckDelay:
		var us uint64
		us, err = parseInt(val)
		// Checked against max_ack_delay once all parameters are read; this
		// bound keeps the conversion from overflowing.
		if err == nil && us > maxMaxAckDelayMs*1000 {
			return paramError("min_ack_delay above max_ack_delay")
		}
		p.MinAckDelay = time.Duration(us) * time.Microsecond
		p.HasMinAckDelay = true
	}
	return err
}

// parseInt reads an integer parameter, which must be exactly one varint
// filling the declared length (RFC 9000, 18.2).
func parseInt(val []byte) (uint64, error) {
	v, n := wire.ConsumeVarint(val)
	if n < 0 || n != len(val) {
		return 0, paramError("integer parameter is not one varint of its length")
	}
	return v, nil
}

func parseConnID(val []byte) (protocol.ConnectionID, error) {
	if len(val) > protocol.MaxConnIDLen {
		return protocol.ConnectionID{}, paramError("connection ID longer than 20 bytes")
	}
	return protocol.NewConnectionID(val), nil
}

// parsePreferredAddress decodes preferred_address (RFC 9000, 18.2, figure 22).
func parsePreferredAddress(val []byte) (PreferredAddress, error) {
	var a PreferredAddress
	if len(val) < preferredAddressMin {
		return a, paramError("preferred_address too short")
	}
	a.IPv4 = addrPort(netip.AddrFrom4([4]byte(val[0:4])), val[4:6])
	a.IPv6 = addrPort(netip.AddrFrom16([16]byte(val[6:22])), val[22:24])
	n := int(val[24])
	if n == 0 {
		return a, paramError("preferred_address with zero-length connection ID")
	}
	if n > protocol.MaxConnIDLen {
		return a, paramError("preferred_address connection ID longer than 20 bytes")
	}
	if len(val) != preferredAddressMin+n {
		return a, paramError("preferred_address length does not match its connection ID")
	}
	a.ConnectionID = protocol.NewConnectionID(val[25 : 25+n])
	a.StatelessResetToken = [StatelessResetTokenLen]byte(val[25+n:])
	return a, nil
}

// addrPort returns the zero AddrPort for an all-zero address and port, the
// way a server says it offers no address of that family (RFC 9000, 18.2).
func addrPort(ip netip.Addr, port []byte) netip.AddrPort {
	p := binary.BigEndian.Uint16(port)
	if ip.IsUnspecified() && p == 0 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ip, p)
}

// parseVersionInformation decodes version_information (RFC 9368, 3 and 4).
// A client's Chosen Version must be among its Available Versions.
func parseVersionInformation(val []byte, fromServer bool) (VersionInformation, error) {
	var vi VersionInformation
	if len(val) < 4 || len(val)%4 != 0 {
		return vi, paramError("version_information length not a positive multiple of 4")
	}
	vi.Chosen = protocol.Version(binary.BigEndian.Uint32(val))
	if vi.Chosen == 0 {
		return vi, paramError("version_information chosen version 0")
	}
	found := false
	if n := len(val)/4 - 1; n > 0 {
		vi.Available = make([]protocol.Version, n)
		for i := range vi.Available {
			v := protocol.Version(binary.BigEndian.Uint32(val[4+4*i:]))
			if v == 0 {
				return VersionInformation{}, paramError("version_information available version 0")
			}
			found = found || v == vi.Chosen
			vi.Available[i] = v
		}
	}
	if !fromServer && !found {
		return VersionInformation{}, paramError("version_information chosen version not available")
	}
	return vi, nil
}
