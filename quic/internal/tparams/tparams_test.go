package tparams

import (
	"encoding/hex"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/wire"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

var (
	clientCID = protocol.NewConnectionID([]byte{0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08})
	serverCID = protocol.NewConnectionID([]byte{0xf0, 0x67, 0xa5, 0x50, 0x2a, 0x42, 0x62, 0xb5})
	token     = [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
)

// rfc9001ClientParams is the quic_transport_parameters extension body of the
// ClientHello in RFC 9001, A.2; it uses non-minimal varint encodings.
const rfc9001ClientParams = "0408ffffffffffffffff 05048000ffff 07048000ffff 080110 0104 80007530" +
	"090110 0f088394c8f03e515708 06048000ffff"

func TestParseRFC9001ClientHello(t *testing.T) {
	got, err := Parse(unhex(t, rfc9001ClientParams), false)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.InitialMaxData = wire.MaxVarint
	want.InitialMaxStreamDataBidiLocal = 0xffff
	want.InitialMaxStreamDataBidiRemote = 0xffff
	want.InitialMaxStreamDataUni = 0xffff
	want.InitialMaxStreamsBidi = 16
	want.InitialMaxStreamsUni = 16
	want.MaxIdleTimeout = 30 * time.Second
	want.InitialSourceConnectionID = clientCID
	want.HasInitialSourceConnectionID = true
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func clientParams() Parameters {
	p := Default()
	p.HasInitialSourceConnectionID = true
	p.InitialSourceConnectionID = clientCID
	return p
}

func serverParams() Parameters {
	p := clientParams()
	p.InitialSourceConnectionID = serverCID
	p.HasOriginalDestinationConnectionID = true
	p.OriginalDestinationConnectionID = clientCID
	return p
}

func TestRoundTrip(t *testing.T) {
	full := serverParams()
	full.MaxIdleTimeout = 30 * time.Second
	full.HasStatelessResetToken = true
	full.StatelessResetToken = token
	full.MaxUDPPayloadSize = 1452
	full.InitialMaxData = 1 << 20
	full.InitialMaxStreamDataBidiLocal = 1 << 16
	full.InitialMaxStreamDataBidiRemote = 1<<16 + 1
	full.InitialMaxStreamDataUni = 1<<16 + 2
	full.InitialMaxStreamsBidi = 1 << 60
	full.InitialMaxStreamsUni = 3
	full.AckDelayExponent = 20
	full.MaxAckDelay = (1<<14 - 1) * time.Millisecond
	full.DisableActiveMigration = true
	full.HasPreferredAddress = true
	full.PreferredAddress = PreferredAddress{
		IPv4:                netip.MustParseAddrPort("192.0.2.1:443"),
		IPv6:                netip.MustParseAddrPort("[2001:db8::1]:4433"),
		ConnectionID:        protocol.NewConnectionID([]byte{9, 9, 9, 9}),
		StatelessResetToken: token,
	}
	full.ActiveConnectionIDLimit = 8
	full.HasRetrySourceConnectionID = true
	full.RetrySourceConnectionID = protocol.NewConnectionID(nil)
	full.HasVersionInformation = true
	full.VersionInformation = VersionInformation{
		Chosen:    protocol.Version1,
		Available: []protocol.Version{protocol.Version2, protocol.Version1, 0x1a2a3a4a},
	}
	full.MaxDatagramFrameSize = 65535
	full.HasMinAckDelay = true
	full.MinAckDelay = 1000 * time.Microsecond
	full.GreaseQUICBit = true

	v4only := serverParams()
	v4only.HasPreferredAddress = true
	v4only.PreferredAddress = PreferredAddress{
		IPv4:         netip.MustParseAddrPort("192.0.2.1:443"),
		ConnectionID: protocol.NewConnectionID(make([]byte, 20)),
	}

	client := clientParams()
	client.HasVersionInformation = true
	client.VersionInformation = VersionInformation{Chosen: protocol.Version2,
		Available: []protocol.Version{protocol.Version2, protocol.Version1}}
	client.HasMinAckDelay = true // zero min_ack_delay still signals support
	client.MaxIdleTimeout = 0
	client.MaxAckDelay = 0
	client.AckDelayExponent = 0

	serverNoList := serverParams()
	serverNoList.HasVersionInformation = true
	serverNoList.VersionInformation = VersionInformation{Chosen: protocol.Version1}

	tests := []struct {
		name     string
		p        Parameters
		isServer bool
	}{
		{"client defaults", clientParams(), false},
		{"server defaults", serverParams(), true},
		{"server, every parameter", full, true},
		{"server, IPv4 preferred address only", v4only, true},
		{"client with zero values", client, false},
		{"server with empty available versions", serverNoList, true},
		{"empty connection IDs", func() Parameters {
			p := serverParams()
			p.InitialSourceConnectionID = protocol.ConnectionID{}
			p.OriginalDestinationConnectionID = protocol.ConnectionID{}
			return p
		}(), true},
	}
	for _, tt := range tests {
		b := tt.p.Append(nil, tt.isServer)
		got, err := Parse(b, tt.isServer)
		if err != nil {
			t.Fatalf("%s: Parse(%x): %v", tt.name, b, err)
		}
		if !reflect.DeepEqual(got, tt.p) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tt.name, got, tt.p)
		}
	}
}

func TestAppendDetails(t *testing.T) {
	// Defaults are left out: only initial_source_connection_id is sent.
	p := clientParams()
	if got, want := p.Append(nil, false), unhex(t, "0f088394c8f03e515708"); string(got) != string(want) {
		t.Errorf("defaults encode as %x, want %x", got, want)
	}
	// A client never sends server-only parameters (RFC 9000, 18.2).
	p.HasOriginalDestinationConnectionID = true
	p.HasStatelessResetToken = true
	p.HasRetrySourceConnectionID = true
	p.HasPreferredAddress = true
	p.PreferredAddress.ConnectionID = clientCID
	got, err := Parse(p.Append(nil, false), false)
	if err != nil || !reflect.DeepEqual(got, clientParams()) {
		t.Errorf("client encoding kept server-only parameters: %+v, %v", got, err)
	}
	// Delays round up to the wire's unit; the idle timeout rounds down.
	p = clientParams()
	p.MaxAckDelay = 1500 * time.Microsecond
	p.MinAckDelay = 1500 * time.Nanosecond
	p.HasMinAckDelay = true
	p.MaxIdleTimeout = 1999 * time.Microsecond
	got, err = Parse(p.Append(nil, false), false)
	if err != nil || got.MaxAckDelay != 2*time.Millisecond || got.MinAckDelay != 2*time.Microsecond ||
		got.MaxIdleTimeout != time.Millisecond {
		t.Errorf("rounding: %v %v %v, %v", got.MaxAckDelay, got.MinAckDelay, got.MaxIdleTimeout, err)
	}
}

func TestReservedParameters(t *testing.T) {
	for _, n := range []uint64{0, 1, 1000, 1 << 63} {
		id := ReservedID(n)
		if id%31 != 27 || id > wire.MaxVarint {
			t.Errorf("ReservedID(%d) = %d", n, id)
		}
	}
	// RFC 9000, 18.1: reserved parameters are ignored, even repeated.
	p := serverParams()
	b := AppendReserved(nil, 7, []byte("grease"))
	b = p.Append(b, true)
	b = AppendReserved(b, 7, nil)
	b = AppendReserved(b, 1<<40, make([]byte, 300))
	got, err := Parse(b, true)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Errorf("with reserved parameters: %+v, %v", got, err)
	}
}

// param encodes one transport parameter.
func param(id uint64, val ...byte) []byte {
	b := wire.AppendVarint(nil, id)
	b = wire.AppendVarint(b, uint64(len(val)))
	return append(b, val...)
}

// intParam encodes an integer transport parameter.
func intParam(id, v uint64) []byte { return param(id, wire.AppendVarint(nil, v)...) }

// join concatenates parameters and adds the mandatory ones.
func join(fromServer bool, ps ...[]byte) []byte {
	var b []byte
	for _, p := range ps {
		b = append(b, p...)
	}
	b = append(b, param(idInitialSourceConnectionID, 1, 2, 3, 4)...)
	if fromServer {
		b = append(b, param(idOriginalDestinationConnectionID, 5, 6, 7, 8)...)
	}
	return b
}

func preferredAddress(cidLen int, extra int) []byte {
	v := make([]byte, 25+cidLen+16+extra)
	v[24] = byte(cidLen)
	return param(idPreferredAddress, v...)
}

func versionInfo(vs ...uint32) []byte {
	var v []byte
	for _, x := range vs {
		v = append(v, byte(x>>24), byte(x>>16), byte(x>>8), byte(x))
	}
	return param(idVersionInformation, v...)
}

func TestParseErrors(t *testing.T) {
	cid21 := make([]byte, 21)
	tests := []struct {
		name       string
		b          []byte
		fromServer bool
		reason     string
	}{
		{"duplicate", join(false, intParam(idInitialMaxData, 1), intParam(idInitialMaxData, 1)), false, "duplicate parameter"},
		{"duplicate initial_source_connection_id", join(false, param(idInitialSourceConnectionID)), false, "duplicate parameter"},
		{"duplicate grease_quic_bit", join(false, param(idGreaseQUICBit), param(idGreaseQUICBit)), false, "duplicate parameter"},
		{"duplicate min_ack_delay", join(false, intParam(idMinAckDelay, 1), intParam(idMinAckDelay, 1)), false, "duplicate parameter"},
		{"client sends original_destination_connection_id", join(false, param(idOriginalDestinationConnectionID)), false, "server-only parameter sent by client"},
		{"client sends stateless_reset_token", join(false, param(idStatelessResetToken, token[:]...)), false, "server-only parameter sent by client"},
		{"client sends preferred_address", join(false, preferredAddress(4, 0)), false, "server-only parameter sent by client"},
		{"client sends retry_source_connection_id", join(false, param(idRetrySourceConnectionID)), false, "server-only parameter sent by client"},
		{"max_udp_payload_size 1199", join(false, intParam(idMaxUDPPayloadSize, 1199)), false, "max_udp_payload_size below 1200"},
		{"ack_delay_exponent 21", join(false, intParam(idAckDelayExponent, 21)), false, "ack_delay_exponent above 20"},
		{"max_ack_delay 2^14", join(false, intParam(idMaxAckDelay, 1<<14)), false, "max_ack_delay of 2^14 ms or more"},
		{"active_connection_id_limit 1", join(false, intParam(idActiveConnectionIDLimit, 1)), false, "active_connection_id_limit below 2"},
		{"active_connection_id_limit 0", join(false, intParam(idActiveConnectionIDLimit, 0)), false, "active_connection_id_limit below 2"},
		{"initial_max_streams_bidi 2^60+1", join(false, intParam(idInitialMaxStreamsBidi, 1<<60+1)), false, "initial_max_streams_bidi above 2^60"},
		{"initial_max_streams_uni 2^60+1", join(false, intParam(idInitialMaxStreamsUni, 1<<60+1)), false, "initial_max_streams_uni above 2^60"},
		{"initial_source_connection_id of 21 bytes", append(param(idInitialSourceConnectionID, cid21...), join(false)...), false, "connection ID longer than 20 bytes"},
		{"original_destination_connection_id of 21 bytes", join(true, param(idOriginalDestinationConnectionID, cid21...)), true, "connection ID longer than 20 bytes"},
		{"retry_source_connection_id of 21 bytes", join(true, param(idRetrySourceConnectionID, cid21...)), true, "connection ID longer than 20 bytes"},
		{"stateless_reset_token of 15 bytes", join(true, param(idStatelessResetToken, token[:15]...)), true, "stateless_reset_token is not 16 bytes"},
		{"stateless_reset_token of 17 bytes", join(true, param(idStatelessResetToken, append(token[:], 0)...)), true, "stateless_reset_token is not 16 bytes"},
		{"preferred_address with zero-length CID", join(true, preferredAddress(0, 0)), true, "preferred_address with zero-length connection ID"},
		{"preferred_address with 21-byte CID", join(true, preferredAddress(21, 0)), true, "preferred_address connection ID longer than 20 bytes"},
		{"preferred_address with a trailing byte", join(true, preferredAddress(4, 1)), true, "preferred_address length does not match its connection ID"},
		{"preferred_address one byte short", join(true, preferredAddress(4, -1)), true, "preferred_address length does not match its connection ID"},
		{"preferred_address truncated", join(true, param(idPreferredAddress, make([]byte, 40)...)), true, "preferred_address too short"},
		{"preferred_address from a server with zero-length CID", append(preferredAddress(4, 0),
			append(param(idInitialSourceConnectionID), param(idOriginalDestinationConnectionID, 1)...)...), true, "preferred_address with zero-length connection ID"},
		{"integer with a trailing byte", join(false, param(idInitialMaxData, 1, 2)), false, "integer parameter is not one varint of its length"},
		{"integer shorter than its varint", join(false, param(idInitialMaxData, 0x80, 1)), false, "integer parameter is not one varint of its length"},
		{"empty integer", join(false, param(idMaxIdleTimeout)), false, "integer parameter is not one varint of its length"},
		{"disable_active_migration not empty", join(false, param(idDisableActiveMigration, 0)), false, "disable_active_migration is not empty"},
		{"grease_quic_bit not empty", join(false, param(idGreaseQUICBit, 1)), false, "grease_quic_bit is not empty"},
		{"version_information chosen version 0", join(true, versionInfo(0, 1)), true, "version_information chosen version 0"},
		{"version_information available version 0", join(true, versionInfo(1, 0)), true, "version_information available version 0"},
		{"version_information odd length", join(true, param(idVersionInformation, 0, 0, 0, 1, 0)), true, "version_information length not a positive multiple of 4"},
		{"version_information empty", join(true, param(idVersionInformation)), true, "version_information length not a positive multiple of 4"},
		{"version_information chosen not available from client", join(false, versionInfo(1, 0x6b3343cf)), false, "version_information chosen version not available"},
		{"min_ack_delay above max_ack_delay", join(false, intParam(idMinAckDelay, 25001)), false, "min_ack_delay above max_ack_delay"},
		{"min_ack_delay above lowered max_ack_delay", join(false, intParam(idMaxAckDelay, 1), intParam(idMinAckDelay, 1001)), false, "min_ack_delay above max_ack_delay"},
		{"min_ack_delay huge", join(false, intParam(idMinAckDelay, wire.MaxVarint)), false, "min_ack_delay above max_ack_delay"},
		{"missing initial_source_connection_id", intParam(idInitialMaxData, 1), false, "missing initial_source_connection_id"},
		{"server omits original_destination_connection_id", join(false), true, "missing original_destination_connection_id"},
		{"truncated ID", append(join(false), 0x40), false, "truncated parameter ID"},
		{"truncated length", append(join(false), 0x01, 0x40), false, "truncated parameter length"},
		{"length beyond data", append(join(false), 0x01, 0x04, 0x01), false, "parameter length exceeds data"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.b, tt.fromServer)
		var te *qerr.TransportError
		if !errors.As(err, &te) || te.Code != qerr.TransportParameterError || te.Reason != tt.reason {
			t.Errorf("%s: Parse(%x) = %v, want TRANSPORT_PARAMETER_ERROR: %s", tt.name, tt.b, err, tt.reason)
		}
	}
}

func TestParseBoundaries(t *testing.T) {
	tests := []struct {
		name       string
		b          []byte
		fromServer bool
	}{
		{"max_udp_payload_size 1200", join(false, intParam(idMaxUDPPayloadSize, 1200)), false},
		{"ack_delay_exponent 20", join(false, intParam(idAckDelayExponent, 20)), false},
		{"max_ack_delay 2^14-1", join(false, intParam(idMaxAckDelay, 1<<14-1)), false},
		{"active_connection_id_limit 2", join(false, intParam(idActiveConnectionIDLimit, 2)), false},
		{"initial_max_streams_bidi 2^60", join(false, intParam(idInitialMaxStreamsBidi, 1<<60)), false},
		{"initial_max_streams_uni 2^60", join(false, intParam(idInitialMaxStreamsUni, 1<<60)), false},
		{"min_ack_delay equal to max_ack_delay", join(false, intParam(idMinAckDelay, 25000)), false},
		{"preferred_address with 20-byte CID", join(true, preferredAddress(20, 0)), true},
		{"server version_information not listing chosen", join(true, versionInfo(1, 0x6b3343cf)), true},
		{"max_idle_timeout beyond time.Duration", join(false, intParam(idMaxIdleTimeout, wire.MaxVarint)), false},
		{"unknown parameter", join(false, param(0x1234, 1, 2, 3), param(0x1234)), false},
		{"server stateless_reset_token", join(true, param(idStatelessResetToken, token[:]...)), true},
	}
	for _, tt := range tests {
		p, err := Parse(tt.b, tt.fromServer)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		q, err := Parse(p.Append(nil, tt.fromServer), tt.fromServer)
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Errorf("%s: re-encoded as %+v, %v", tt.name, q, err)
		}
	}
}

func FuzzTransportParameters(f *testing.F) {
	f.Add(unhex(f, rfc9001ClientParams), false)
	full := serverParams()
	full.HasPreferredAddress = true
	full.PreferredAddress.ConnectionID = clientCID
	full.HasVersionInformation = true
	full.VersionInformation = VersionInformation{Chosen: 1, Available: []protocol.Version{1, 2}}
	full.HasMinAckDelay = true
	full.GreaseQUICBit = true
	full.HasStatelessResetToken = true
	f.Add(full.Append(nil, true), true)
	f.Add(join(false, intParam(idMaxIdleTimeout, wire.MaxVarint)), false)
	f.Add(join(true, preferredAddress(4, 0), param(27, 1)), true)
	f.Fuzz(func(t *testing.T, data []byte, fromServer bool) {
		p, err := Parse(data, fromServer)
		if err != nil {
			var te *qerr.TransportError
			if !errors.As(err, &te) || te.Code != qerr.TransportParameterError {
				t.Fatalf("error %v is not a TRANSPORT_PARAMETER_ERROR", err)
			}
			return
		}
		b := p.Append(nil, fromServer)
		q, err := Parse(b, fromServer)
		if err != nil {
			t.Fatalf("re-parse of %x: %v", b, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("got  %+v\nthen %+v", p, q)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data := unhex(b, rfc9001ClientParams)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, false); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	p, err := Parse(unhex(b, rfc9001ClientParams), false)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = p.Append(buf[:0], false)
	}
}
