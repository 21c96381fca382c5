package qlog

import (
	"net/netip"
	"time"
	"unicode/utf8"
)

// PreferredAddress is the preferred_address transport parameter (RFC 9000, 18.2).
type PreferredAddress struct {
	IPv4                netip.AddrPort
	IPv6                netip.AddrPort
	ConnectionID        []byte
	StatelessResetToken []byte
}

// UnknownParameter is a transport parameter the stack does not know
// (GREASE among them), logged raw.
type UnknownParameter struct {
	ID    uint64
	Value []byte
}

// VersionInformation is the version_information transport parameter (RFC 9368, 3).
type VersionInformation struct {
	Chosen    uint32
	Available []uint32
}

// TransportParameters is the data of parameters_set: one side's transport
// parameters and TLS facts. Numeric RFC 9000 parameters are always logged
// (pass the values in effect, defaults included); nil slices, nil
// pointers, zero extension values and false extension flags are left out.
type TransportParameters struct {
	Initiator Initiator

	TLSCipher         string // e.g. "TLS_AES_128_GCM_SHA256"; "": not logged
	ResumptionAllowed bool
	EarlyDataEnabled  bool

	OriginalDestinationConnectionID []byte
	InitialSourceConnectionID       []byte
	RetrySourceConnectionID         []byte
	StatelessResetToken             []byte
	DisableActiveMigration          bool
	MaxIdleTimeout                  time.Duration
	MaxUDPPayloadSize               uint64
	AckDelayExponent                uint64
	MaxAckDelay                     time.Duration
	ActiveConnectionIDLimit         uint64
	InitialMaxData                  uint64
	InitialMaxStreamDataBidiLocal   uint64
	InitialMaxStreamDataBidiRemote  uint64
	InitialMaxStreamDataUni         uint64
	InitialMaxStreamsBidi           uint64
	InitialMaxStreamsUni            uint64
	PreferredAddress                *PreferredAddress
	UnknownParameters               []UnknownParameter

	MaxDatagramFrameSize uint64              // RFC 9221; 0: not logged
	GreaseQUICBit        bool                // RFC 9287
	ResetStreamAt        bool                // reliable stream reset draft
	VersionInformation   *VersionInformation // RFC 9368
}

// ParametersSet logs transport:parameters_set for one side (quic-events,
// 6.3), with the legacy owner beside initiator: qvis draws flow-control
// limits only from owner "remote".
func (t *ConnectionTracer) ParametersSet(now int64, p *TransportParameters) {
	if t == nil || !t.begin(now, evParametersSet) {
		return
	}
	e := &t.e
	if p.Initiator != "" {
		e.str("initiator", string(p.Initiator))
		e.str("owner", string(p.Initiator))
	}
	if p.ResumptionAllowed {
		e.bool("resumption_allowed", true)
	}
	if p.EarlyDataEnabled {
		e.bool("early_data_enabled", true)
	}
	e.strOpt("tls_cipher", p.TLSCipher)
	e.hexOpt("original_destination_connection_id", p.OriginalDestinationConnectionID)
	e.hexOpt("initial_source_connection_id", p.InitialSourceConnectionID)
	e.hexOpt("retry_source_connection_id", p.RetrySourceConnectionID)
	e.hexOpt("stateless_reset_token", p.StatelessResetToken)
	e.transportLimits(p)
	e.uint("max_udp_payload_size", p.MaxUDPPayloadSize)
	e.uint("ack_delay_exponent", p.AckDelayExponent)
	e.uint("max_ack_delay", uint64(p.MaxAckDelay/time.Millisecond))
	if pa := p.PreferredAddress; pa != nil {
		e.object("preferred_address")
		if pa.IPv4.IsValid() {
			e.key("ip_v4")
			e.b = append(e.b, '"')
			e.b = pa.IPv4.Addr().Unmap().AppendTo(e.b)
			e.b = append(e.b, '"')
			e.uint("port_v4", uint64(pa.IPv4.Port()))
		}
		if pa.IPv6.IsValid() {
			e.key("ip_v6")
			e.b = append(e.b, '"')
			e.b = pa.IPv6.Addr().AppendTo(e.b)
			e.b = append(e.b, '"')
			e.uint("port_v6", uint64(pa.IPv6.Port()))
		}
		e.hex("connection_id", pa.ConnectionID)
		e.hex("stateless_reset_token", pa.StatelessResetToken)
		e.end('}')
	}
	if p.UnknownParameters != nil {
		e.array("unknown_parameters")
		for _, u := range p.UnknownParameters {
			e.elemObject()
			e.uint("id", u.ID)
			e.hex("value", u.Value)
			e.end('}')
		}
		e.end(']')
	}
	if p.GreaseQUICBit {
		e.bool("grease_quic_bit", true)
	}
	if p.ResetStreamAt {
		e.bool("reset_stream_at", true)
	}
	if vi := p.VersionInformation; vi != nil {
		e.object("version_information")
		e.version("chosen_version", vi.Chosen)
		e.array("available_versions")
		for _, v := range vi.Available {
			e.elemVersion(v)
		}
		e.end(']')
		e.end('}')
	}
	t.finish()
}

// ParametersRestored logs transport:parameters_restored: the server
// parameters a 0-RTT client remembered (quic-events, 6.4). Only the
// restorable fields of p are written.
func (t *ConnectionTracer) ParametersRestored(now int64, p *TransportParameters) {
	if t == nil || !t.begin(now, evParametersRestored) {
		return
	}
	t.e.transportLimits(p)
	if p.GreaseQUICBit {
		t.e.bool("grease_quic_bit", true)
	}
	t.finish()
}

// transportLimits writes the parameters shared by parameters_set and
// parameters_restored.
func (e *enc) transportLimits(p *TransportParameters) {
	e.bool("disable_active_migration", p.DisableActiveMigration)
	e.uint("max_idle_timeout", uint64(p.MaxIdleTimeout/time.Millisecond))
	e.uint("active_connection_id_limit", p.ActiveConnectionIDLimit)
	e.uint("initial_max_data", p.InitialMaxData)
	e.uint("initial_max_stream_data_bidi_local", p.InitialMaxStreamDataBidiLocal)
	e.uint("initial_max_stream_data_bidi_remote", p.InitialMaxStreamDataBidiRemote)
	e.uint("initial_max_stream_data_uni", p.InitialMaxStreamDataUni)
	e.uint("initial_max_streams_bidi", p.InitialMaxStreamsBidi)
	e.uint("initial_max_streams_uni", p.InitialMaxStreamsUni)
	e.uintOpt("max_datagram_frame_size", p.MaxDatagramFrameSize)
}

// VersionInformation logs transport:version_information (quic-events,
// 6.1); nil lists and a zero chosen version are left out.
func (t *ConnectionTracer) VersionInformation(now int64, client, server []uint32, chosen uint32) {
	if t == nil || !t.begin(now, evVersionInformation) {
		return
	}
	e := &t.e
	if client != nil {
		e.array("client_versions")
		for _, v := range client {
			e.elemVersion(v)
		}
		e.end(']')
	}
	if server != nil {
		e.array("server_versions")
		for _, v := range server {
			e.elemVersion(v)
		}
		e.end(']')
	}
	if chosen != 0 {
		e.version("chosen_version", chosen)
	}
	t.finish()
}

// ALPNInformation logs transport:alpn_information (quic-events, 6.2);
// nil lists and an empty chosen ALPN are left out.
func (t *ConnectionTracer) ALPNInformation(now int64, client, server []string, chosen string) {
	if t == nil || !t.begin(now, evALPNInformation) {
		return
	}
	e := &t.e
	if client != nil {
		e.array("client_alpns")
		for _, a := range client {
			e.alpn(a)
		}
		e.end(']')
	}
	if server != nil {
		e.array("server_alpns")
		for _, a := range server {
			e.alpn(a)
		}
		e.end(']')
	}
	if chosen != "" {
		e.key("chosen_alpn")
		e.alpnValue(chosen)
	}
	t.finish()
}

func (e *enc) alpn(a string) {
	e.sep()
	e.alpnValue(a)
}

// alpnValue writes an ALPNIdentifier: always the bytes, and the string
// when it is valid UTF-8.
func (e *enc) alpnValue(a string) {
	e.b = append(e.b, '{')
	e.key("byte_value")
	e.b = append(e.b, '"')
	for i := 0; i < len(a); i++ {
		const digits = "0123456789abcdef"
		e.b = append(e.b, digits[a[i]>>4], digits[a[i]&0xf])
	}
	e.b = append(e.b, '"')
	if utf8.ValidString(a) {
		e.str("string_value", a)
	}
	e.end('}')
}
