package qlog_test

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogread"
)

var (
	testODCID = []byte{0x4b, 0x9a, 0x1e, 0x07, 0xc2, 0xd3, 0x5f, 0x68}
	testSCID  = []byte{0xc0, 0xff, 0xee, 0x01}
	testWall  = func() time.Time { return time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC) }
	testToken = []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10}
)

func newTestTracer(buf *bytes.Buffer, role qlog.Role) *qlog.ConnectionTracer {
	return qlog.NewTracer(buf, role, testODCID, &qlog.Options{WallClock: testWall})
}

// allFrames has one frame of every type.
func allFrames() []qlog.Frame {
	return []qlog.Frame{
		{Type: qlog.FramePadding, Length: 20},
		{Type: qlog.FramePing, RawLength: 1},
		{Type: qlog.FrameAck, AckDelay: 500 * time.Microsecond, AckRanges: []qlog.AckRange{{Smallest: 7, Largest: 9}, {Smallest: 0, Largest: 4}, {Smallest: 12, Largest: 12}}},
		{Type: qlog.FrameAck, AckRanges: []qlog.AckRange{{Smallest: 3, Largest: 3}}, HasECN: true, ECT0: 3, ECT1: 1, CE: 2},
		{Type: qlog.FrameResetStream, StreamID: 4, ErrorCode: 0x10c, FinalSize: 1000},
		{Type: qlog.FrameResetStreamAt, StreamID: 4, ErrorCode: 7, FinalSize: 1000, ReliableSize: 500},
		{Type: qlog.FrameStopSending, StreamID: 8, ErrorCode: 3},
		{Type: qlog.FrameCrypto, Offset: 100, Length: 289},
		{Type: qlog.FrameNewToken, Token: []byte{0xab, 0xcd}},
		{Type: qlog.FrameStream, StreamID: 0, Offset: 40, Length: 1200, Fin: true},
		{Type: qlog.FrameMaxData, Maximum: 1 << 20},
		{Type: qlog.FrameMaxStreamData, StreamID: 4, Maximum: 65536},
		{Type: qlog.FrameMaxStreams, Maximum: 100},
		{Type: qlog.FrameDataBlocked, Maximum: 1 << 20},
		{Type: qlog.FrameStreamDataBlocked, StreamID: 4, Maximum: 65536},
		{Type: qlog.FrameStreamsBlocked, Unidirectional: true, Maximum: 3},
		{Type: qlog.FrameNewConnectionID, SequenceNumber: 2, RetirePriorTo: 1, ConnectionID: testSCID, StatelessResetToken: testToken},
		{Type: qlog.FrameRetireConnectionID, SequenceNumber: 1},
		{Type: qlog.FramePathChallenge, Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}},
		{Type: qlog.FramePathResponse, Data: [8]byte{8, 7, 6, 5, 4, 3, 2, 1}},
		{Type: qlog.FrameConnectionClose, ErrorSpace: qlog.ErrorSpaceTransport, ErrorCode: 0x0a, Reason: "bad \"frame\"", TriggerFrameType: 0x08},
		{Type: qlog.FrameConnectionClose, ErrorSpace: qlog.ErrorSpaceApplication, ErrorCode: 0x100},
		{Type: qlog.FrameConnectionClose, ErrorCode: 0x178},
		{Type: qlog.FrameHandshakeDone},
		{Type: qlog.FrameDatagram, Length: 50},
		{Type: qlog.FrameUnknown, FrameTypeValue: 0x21, RawLength: 5},
	}
}

// allFramesJSON is what allFrames must encode to.
const allFramesJSON = `[
{"frame_type":"padding","raw":{"payload_length":20}},
{"frame_type":"ping","raw":{"length":1}},
{"frame_type":"ack","ack_delay":0.5,"acked_ranges":[[7,9],[0,4],[12]]},
{"frame_type":"ack","ack_delay":0,"acked_ranges":[[3]],"ect0":3,"ect1":1,"ce":2},
{"frame_type":"reset_stream","stream_id":4,"error":"unknown","error_code":268,"final_size":1000},
{"frame_type":"reset_stream_at","stream_id":4,"error":"unknown","error_code":7,"final_size":1000,"reliable_size":500},
{"frame_type":"stop_sending","stream_id":8,"error":"unknown","error_code":3},
{"frame_type":"crypto","offset":100,"length":289,"raw":{"length":289}},
{"frame_type":"new_token","token":{"raw":{"length":2,"data":"abcd"}}},
{"frame_type":"stream","stream_id":0,"offset":40,"length":1200,"fin":true,"raw":{"length":1200}},
{"frame_type":"max_data","maximum":1048576},
{"frame_type":"max_stream_data","stream_id":4,"maximum":65536},
{"frame_type":"max_streams","stream_type":"bidirectional","maximum":100},
{"frame_type":"data_blocked","limit":1048576},
{"frame_type":"stream_data_blocked","stream_id":4,"limit":65536},
{"frame_type":"streams_blocked","stream_type":"unidirectional","limit":3},
{"frame_type":"new_connection_id","sequence_number":2,"retire_prior_to":1,"connection_id_length":4,"connection_id":"c0ffee01","stateless_reset_token":"0102030405060708090a0b0c0d0e0f10"},
{"frame_type":"retire_connection_id","sequence_number":1},
{"frame_type":"path_challenge","data":"0102030405060708"},
{"frame_type":"path_response","data":"0807060504030201"},
{"frame_type":"connection_close","error_space":"transport","error":"protocol_violation","error_code":10,"reason":"bad \"frame\"","trigger_frame_type":8},
{"frame_type":"connection_close","error_space":"application","error":"unknown","error_code":256,"reason":""},
{"frame_type":"connection_close","error_space":"transport","error":"crypto_error_0x178","error_code":376,"reason":"","trigger_frame_type":0},
{"frame_type":"handshake_done"},
{"frame_type":"datagram","length":50,"raw":{"length":50}},
{"frame_type":"unknown","frame_type_bytes":33,"raw":{"length":5}}
]`

var (
	local4  = netip.MustParseAddrPort("192.0.2.10:50123")
	remote4 = netip.MustParseAddrPort("198.51.100.7:443")
	local6  = netip.MustParseAddrPort("[2001:db8::1]:4433")
	mapped  = netip.MustParseAddrPort("[::ffff:192.0.2.1]:443")
)

// eventTests drive one tracer method each and give the event it must write.
var eventTests = []struct {
	name string
	log  func(t *qlog.ConnectionTracer)
	want string // event name
	data string // JSON of data
}{
	{"connection_started v4", func(t *qlog.ConnectionTracer) {
		t.ConnectionStarted(0, local4, remote4, testSCID, testODCID)
	}, "connectivity:connection_started",
		`{"local":{"ip_v4":"192.0.2.10","port_v4":50123,"connection_ids":["c0ffee01"]},"remote":{"ip_v4":"198.51.100.7","port_v4":443,"connection_ids":["4b9a1e07c2d35f68"]}}`},
	{"connection_started v6 and mapped", func(t *qlog.ConnectionTracer) {
		t.ConnectionStarted(0, local6, mapped, nil, nil)
	}, "connectivity:connection_started",
		`{"local":{"ip_v6":"2001:db8::1","port_v6":4433},"remote":{"ip_v4":"192.0.2.1","port_v4":443}}`},
	{"connection_started unknown addresses", func(t *qlog.ConnectionTracer) {
		t.ConnectionStarted(0, netip.AddrPort{}, netip.AddrPort{}, testSCID, nil)
	}, "connectivity:connection_started", `{"local":{"connection_ids":["c0ffee01"]},"remote":{}}`},
	{"connection_closed transport", func(t *qlog.ConnectionTracer) {
		t.ConnectionClosed(0, &qlog.ConnectionClose{Initiator: qlog.InitiatorRemote, ErrorSpace: qlog.ErrorSpaceTransport, ErrorCode: 0x03, Reason: "window", Trigger: qlog.CloseError})
	}, "connectivity:connection_closed",
		`{"initiator":"remote","connection_error":"flow_control_error","error_code":3,"reason":"window","trigger":"error"}`},
	{"connection_closed crypto", func(t *qlog.ConnectionTracer) {
		t.ConnectionClosed(0, &qlog.ConnectionClose{Initiator: qlog.InitiatorLocal, ErrorSpace: qlog.ErrorSpaceTransport, ErrorCode: 0x128, Trigger: qlog.CloseError})
	}, "connectivity:connection_closed",
		`{"initiator":"local","connection_error":"crypto_error_0x128","error_code":296,"trigger":"error"}`},
	{"connection_closed application", func(t *qlog.ConnectionTracer) {
		t.ConnectionClosed(0, &qlog.ConnectionClose{Initiator: qlog.InitiatorLocal, ErrorSpace: qlog.ErrorSpaceApplication, ErrorCode: 0x100, Trigger: qlog.CloseApplication})
	}, "connectivity:connection_closed",
		`{"initiator":"local","application_error":"unknown","error_code":256,"trigger":"application"}`},
	{"connection_closed idle", func(t *qlog.ConnectionTracer) {
		t.ConnectionClosed(0, &qlog.ConnectionClose{Trigger: qlog.CloseIdleTimeout})
	}, "connectivity:connection_closed", `{"trigger":"idle_timeout"}`},
	{"connection_state_updated", func(t *qlog.ConnectionTracer) {
		t.ConnectionStateUpdated(0, qlog.StateHandshakeStarted, qlog.StateHandshakeComplete)
	}, "connectivity:connection_state_updated", `{"old":"handshake_started","new":"handshake_complete"}`},
	{"connection_state_updated no old", func(t *qlog.ConnectionTracer) {
		t.ConnectionStateUpdated(0, "", qlog.StateAttempted)
	}, "connectivity:connection_state_updated", `{"new":"attempted"}`},
	{"connection_id_updated", func(t *qlog.ConnectionTracer) {
		t.ConnectionIDUpdated(0, qlog.InitiatorRemote, testODCID, testSCID)
	}, "connectivity:connection_id_updated", `{"initiator":"remote","old":"4b9a1e07c2d35f68","new":"c0ffee01"}`},
	{"spin_bit_updated", func(t *qlog.ConnectionTracer) { t.SpinBitUpdated(0, true) },
		"connectivity:spin_bit_updated", `{"state":true}`},
	{"mtu_updated", func(t *qlog.ConnectionTracer) { t.MTUUpdated(0, 1200, 1452, true) },
		"connectivity:mtu_updated", `{"old":1200,"new":1452,"done":true}`},
	{"mtu_updated first", func(t *qlog.ConnectionTracer) { t.MTUUpdated(0, 0, 1200, false) },
		"connectivity:mtu_updated", `{"new":1200}`},
	{"tuple_assigned", func(t *qlog.ConnectionTracer) { t.TupleAssigned(0, "1", local6, remote4) },
		"transport:tuple_assigned", `{"tuple_id":"1","tuple_local":{"ip_v6":"2001:db8::1","port_v6":4433},"tuple_remote":{"ip_v4":"198.51.100.7","port_v4":443}}`},
	{"tuple_assigned abandoned", func(t *qlog.ConnectionTracer) { t.TupleAssigned(0, "1", netip.AddrPort{}, netip.AddrPort{}) },
		"transport:tuple_assigned", `{"tuple_id":"1"}`},
	{"migration_state_updated", func(t *qlog.ConnectionTracer) {
		t.MigrationStateUpdated(0, qlog.MigrationProbingStarted, qlog.MigrationProbingSuccessful, "1", local6, netip.AddrPort{})
	}, "transport:migration_state_updated",
		`{"old":"probing_started","new":"probing_successful","tuple_id":"1","tuple_local":{"ip_v6":"2001:db8::1","port_v6":4433}}`},
	{"version_information", func(t *qlog.ConnectionTracer) {
		t.VersionInformation(0, []uint32{1, 0x6b3343cf}, []uint32{0x6b3343cf}, 0x6b3343cf)
	}, "transport:version_information",
		`{"client_versions":["00000001","6b3343cf"],"server_versions":["6b3343cf"],"chosen_version":"6b3343cf"}`},
	{"version_information no overlap", func(t *qlog.ConnectionTracer) {
		t.VersionInformation(0, []uint32{0xff00001d}, []uint32{1}, 0)
	}, "transport:version_information", `{"client_versions":["ff00001d"],"server_versions":["00000001"]}`},
	{"alpn_information", func(t *qlog.ConnectionTracer) {
		t.ALPNInformation(0, []string{"h3", "hq-interop"}, nil, "h3")
	}, "transport:alpn_information",
		`{"client_alpns":[{"byte_value":"6833","string_value":"h3"},{"byte_value":"68712d696e7465726f70","string_value":"hq-interop"}],"chosen_alpn":{"byte_value":"6833","string_value":"h3"}}`},
	{"alpn_information binary", func(t *qlog.ConnectionTracer) {
		t.ALPNInformation(0, nil, []string{"\xff\x00"}, "")
	}, "transport:alpn_information", `{"server_alpns":[{"byte_value":"ff00"}]}`},
	{"parameters_set remote", func(t *qlog.ConnectionTracer) {
		t.ParametersSet(0, &qlog.TransportParameters{
			Initiator:                       qlog.InitiatorRemote,
			TLSCipher:                       "TLS_AES_128_GCM_SHA256",
			OriginalDestinationConnectionID: testODCID,
			InitialSourceConnectionID:       testSCID,
			RetrySourceConnectionID:         []byte{0xaa},
			StatelessResetToken:             testToken,
			DisableActiveMigration:          true,
			MaxIdleTimeout:                  30 * time.Second,
			MaxUDPPayloadSize:               1472,
			AckDelayExponent:                3,
			MaxAckDelay:                     25 * time.Millisecond,
			ActiveConnectionIDLimit:         4,
			InitialMaxData:                  786432,
			InitialMaxStreamDataBidiLocal:   1,
			InitialMaxStreamDataBidiRemote:  2,
			InitialMaxStreamDataUni:         3,
			InitialMaxStreamsBidi:           100,
			InitialMaxStreamsUni:            0,
			PreferredAddress: &qlog.PreferredAddress{
				IPv4: remote4, IPv6: local6, ConnectionID: testSCID, StatelessResetToken: testToken,
			},
			UnknownParameters:    []qlog.UnknownParameter{{ID: 0x1a2a3a4a, Value: []byte{0xfe}}, {ID: 27}},
			MaxDatagramFrameSize: 65535,
			GreaseQUICBit:        true,
			ResetStreamAt:        true,
			VersionInformation:   &qlog.VersionInformation{Chosen: 1, Available: []uint32{1, 0x6b3343cf}},
		})
	}, "transport:parameters_set", `{"initiator":"remote","owner":"remote","tls_cipher":"TLS_AES_128_GCM_SHA256",
		"original_destination_connection_id":"4b9a1e07c2d35f68","initial_source_connection_id":"c0ffee01",
		"retry_source_connection_id":"aa","stateless_reset_token":"0102030405060708090a0b0c0d0e0f10",
		"disable_active_migration":true,"max_idle_timeout":30000,"active_connection_id_limit":4,
		"initial_max_data":786432,"initial_max_stream_data_bidi_local":1,"initial_max_stream_data_bidi_remote":2,
		"initial_max_stream_data_uni":3,"initial_max_streams_bidi":100,"initial_max_streams_uni":0,
		"max_datagram_frame_size":65535,"max_udp_payload_size":1472,"ack_delay_exponent":3,"max_ack_delay":25,
		"preferred_address":{"ip_v4":"198.51.100.7","port_v4":443,"ip_v6":"2001:db8::1","port_v6":4433,
			"connection_id":"c0ffee01","stateless_reset_token":"0102030405060708090a0b0c0d0e0f10"},
		"unknown_parameters":[{"id":438975050,"value":"fe"},{"id":27,"value":""}],
		"grease_quic_bit":true,"reset_stream_at":true,
		"version_information":{"chosen_version":"00000001","available_versions":["00000001","6b3343cf"]}}`},
	{"parameters_set local minimal", func(t *qlog.ConnectionTracer) {
		t.ParametersSet(0, &qlog.TransportParameters{Initiator: qlog.InitiatorLocal, InitialSourceConnectionID: testSCID,
			ResumptionAllowed: true, EarlyDataEnabled: true, MaxUDPPayloadSize: 65527, AckDelayExponent: 3,
			MaxAckDelay: 25 * time.Millisecond, ActiveConnectionIDLimit: 2})
	}, "transport:parameters_set", `{"initiator":"local","owner":"local","resumption_allowed":true,"early_data_enabled":true,
		"initial_source_connection_id":"c0ffee01","disable_active_migration":false,"max_idle_timeout":0,
		"active_connection_id_limit":2,"initial_max_data":0,"initial_max_stream_data_bidi_local":0,
		"initial_max_stream_data_bidi_remote":0,"initial_max_stream_data_uni":0,"initial_max_streams_bidi":0,
		"initial_max_streams_uni":0,"max_udp_payload_size":65527,"ack_delay_exponent":3,"max_ack_delay":25}`},
	{"parameters_restored", func(t *qlog.ConnectionTracer) {
		t.ParametersRestored(0, &qlog.TransportParameters{InitialMaxData: 10, MaxIdleTimeout: time.Second, ActiveConnectionIDLimit: 2, GreaseQUICBit: true, TLSCipher: "ignored"})
	}, "transport:parameters_restored", `{"disable_active_migration":false,"max_idle_timeout":1000,
		"active_connection_id_limit":2,"initial_max_data":10,"initial_max_stream_data_bidi_local":0,
		"initial_max_stream_data_bidi_remote":0,"initial_max_stream_data_uni":0,"initial_max_streams_bidi":0,
		"initial_max_streams_uni":0,"grease_quic_bit":true}`},
	{"packet_sent initial with token", func(t *qlog.ConnectionTracer) {
		t.PacketSent(0, &qlog.Packet{
			Header: qlog.PacketHeader{PacketType: qlog.PacketTypeInitial, PacketNumber: 2, PacketNumberLength: 2, Version: 1,
				SrcConnectionID: testSCID, DestConnectionID: testODCID, Length: 1200, Token: []byte{0x99}, TokenType: qlog.TokenRetry},
			Raw:              qlog.RawInfo{Length: 1252, PayloadLength: 1213},
			Frames:           []qlog.Frame{{Type: qlog.FrameCrypto, Length: 289}, {Type: qlog.FramePing}},
			Trigger:          qlog.SentPTOProbe,
			DatagramChecksum: 0xdeadbeef,
		})
	}, "transport:packet_sent", `{"header":{"packet_type":"initial","packet_number":2,"packet_number_length":2,
		"version":"00000001","scil":4,"scid":"c0ffee01","dcil":8,"dcid":"4b9a1e07c2d35f68","length":1200,
		"token":{"type":"retry","raw":{"length":1,"data":"99"}}},"raw":{"length":1252,"payload_length":1213},
		"frames":[{"frame_type":"crypto","offset":0,"length":289,"raw":{"length":289}},{"frame_type":"ping"}],
		"datagram_payload_checksum":3735928559,"trigger":"pto_probe"}`},
	{"packet_sent 1rtt mtu probe", func(t *qlog.ConnectionTracer) {
		t.PacketSent(0, &qlog.Packet{
			Header:     qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: 1 << 40, DestConnectionID: testSCID, KeyPhase: 3},
			Raw:        qlog.RawInfo{Length: 1452},
			Frames:     []qlog.Frame{{Type: qlog.FramePing}, {Type: qlog.FramePadding, Length: 1400}},
			IsMTUProbe: true,
		})
	}, "transport:packet_sent", `{"header":{"packet_type":"1RTT","packet_number":1099511627776,"key_phase":3,"dcid":"c0ffee01"},
		"raw":{"length":1452},"frames":[{"frame_type":"ping"},{"frame_type":"padding","raw":{"payload_length":1400}}],
		"is_mtu_probe_packet":true}`},
	{"packet_sent every frame", func(t *qlog.ConnectionTracer) {
		t.PacketSent(0, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType0RTT, PacketNumber: 1, Version: 1, SrcConnectionID: testSCID, DestConnectionID: testODCID},
			Raw: qlog.RawInfo{Length: 1200}, Frames: allFrames()})
	}, "transport:packet_sent", `{"header":{"packet_type":"0RTT","packet_number":1,"version":"00000001","scil":4,"scid":"c0ffee01","dcil":8,"dcid":"4b9a1e07c2d35f68"},
		"raw":{"length":1200},"frames":` + allFramesJSON + `}`},
	{"packet_sent version negotiation", func(t *qlog.ConnectionTracer) {
		t.PacketSent(0, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeVersionNegotiation, SrcConnectionID: testODCID, DestConnectionID: testSCID},
			Raw: qlog.RawInfo{Length: 31}, SupportedVersions: []uint32{1, 0x6b3343cf, 0x1a2a3a4a}})
	}, "transport:packet_sent", `{"header":{"packet_type":"version_negotiation","version":"00000000","scil":8,"scid":"4b9a1e07c2d35f68","dcil":4,"dcid":"c0ffee01"},
		"raw":{"length":31},"supported_versions":["00000001","6b3343cf","1a2a3a4a"]}`},
	{"packet_sent stateless reset", func(t *qlog.ConnectionTracer) {
		t.PacketSent(0, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeStatelessReset},
			Raw: qlog.RawInfo{Length: 43}, StatelessResetToken: testToken})
	}, "transport:packet_sent", `{"header":{"packet_type":"stateless_reset"},"raw":{"length":43},"stateless_reset_token":"0102030405060708090a0b0c0d0e0f10"}`},
	{"packet_sent retry", func(t *qlog.ConnectionTracer) {
		t.PacketSent(0, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeRetry, Version: 1, SrcConnectionID: testSCID, DestConnectionID: []byte{}, Token: []byte{1}, TokenType: qlog.TokenRetry},
			Raw: qlog.RawInfo{Length: 40}})
	}, "transport:packet_sent", `{"header":{"packet_type":"retry","version":"00000001","scil":4,"scid":"c0ffee01","dcil":0,"dcid":"","token":{"type":"retry","raw":{"length":1,"data":"01"}}},"raw":{"length":40}}`},
	{"packet_received keys_available", func(t *qlog.ConnectionTracer) {
		t.PacketReceived(0, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeHandshake, PacketNumber: 0, Version: 0x6b3343cf, SrcConnectionID: testODCID, DestConnectionID: testSCID},
			Raw: qlog.RawInfo{Length: 1100}, Frames: []qlog.Frame{{Type: qlog.FrameCrypto, Length: 1040}}, Trigger: qlog.ReceivedKeysAvailable, IsMTUProbe: true})
	}, "transport:packet_received", `{"header":{"packet_type":"handshake","packet_number":0,"version":"6b3343cf","scil":8,"scid":"4b9a1e07c2d35f68","dcil":4,"dcid":"c0ffee01"},
		"raw":{"length":1100},"frames":[{"frame_type":"crypto","offset":0,"length":1040,"raw":{"length":1040}}],"trigger":"keys_available"}`},
	{"packet_received unknown type", func(t *qlog.ConnectionTracer) {
		t.PacketReceived(0, &qlog.Packet{Header: qlog.PacketHeader{TypeValue: 9}, Raw: qlog.RawInfo{Length: 5}})
	}, "transport:packet_received", `{"header":{"packet_type":"unknown","packet_type_bytes":9},"raw":{"length":5}}`},
	{"packet_dropped", func(t *qlog.ConnectionTracer) {
		t.PacketDropped(0, &qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: 7}, qlog.RawInfo{Length: 50}, qlog.DropDecryptionFailure, "aead open failed")
	}, "transport:packet_dropped", `{"header":{"packet_type":"1RTT","packet_number":7,"key_phase":0},"raw":{"length":50},"details":{"message":"aead open failed"},"trigger":"decryption_failure"}`},
	{"packet_dropped bare", func(t *qlog.ConnectionTracer) {
		t.PacketDropped(0, &qlog.PacketHeader{PacketType: qlog.PacketTypeHandshake, PacketNumber: 1, Version: 1}, qlog.RawInfo{}, qlog.DropKeyUnavailable, "")
	}, "transport:packet_dropped", `{"header":{"packet_type":"handshake","packet_number":1,"version":"00000001","scil":0,"scid":"","dcil":0,"dcid":""},"trigger":"key_unavailable"}`},
	{"packet_buffered", func(t *qlog.ConnectionTracer) {
		t.PacketBuffered(0, &qlog.PacketHeader{PacketType: qlog.PacketType1RTT, DestConnectionID: testSCID, Protected: true}, qlog.RawInfo{Length: 80}, qlog.BufferKeysUnavailable)
	}, "transport:packet_buffered", `{"header":{"packet_type":"1RTT","dcid":"c0ffee01"},"raw":{"length":80},"trigger":"keys_unavailable"}`},
	{"packets_acked", func(t *qlog.ConnectionTracer) {
		t.PacketsAcked(0, qlog.SpaceApplicationData, []uint64{1, 2, 5})
	}, "transport:packets_acked", `{"packet_number_space":"application_data","packet_numbers":[1,2,5]}`},
	{"stream_state_updated", func(t *qlog.ConnectionTracer) {
		t.StreamStateUpdated(0, 2, qlog.StreamSideSending, qlog.StreamSend, qlog.StreamDataSent, qlog.InitiatorLocal)
	}, "transport:stream_state_updated", `{"stream_id":2,"stream_type":"unidirectional","old":"send","new":"data_sent","stream_side":"sending","trigger":"local"}`},
	{"stream_state_updated bidi", func(t *qlog.ConnectionTracer) {
		t.StreamStateUpdated(0, 5, qlog.StreamSideReceiving, "", qlog.StreamOpen, "")
	}, "transport:stream_state_updated", `{"stream_id":5,"stream_type":"bidirectional","new":"open","stream_side":"receiving"}`},
	{"datagrams_sent", func(t *qlog.ConnectionTracer) {
		t.DatagramsSent(0, &qlog.Datagrams{Lengths: []uint64{1252, 1252, 300}, ECN: qlog.ECNECT0, Checksums: []uint32{1, 2, 3}})
	}, "transport:datagrams_sent", `{"count":3,"raw":[{"length":1252},{"length":1252},{"length":300}],"ecn":["ECT(0)","ECT(0)","ECT(0)"],"datagram_payload_checksums":[1,2,3]}`},
	{"datagrams_received", func(t *qlog.ConnectionTracer) {
		t.DatagramsReceived(0, &qlog.Datagrams{Lengths: []uint64{150}})
	}, "transport:datagrams_received", `{"count":1,"raw":[{"length":150}]}`},
	{"datagram_dropped", func(t *qlog.ConnectionTracer) { t.DatagramDropped(0, 17) },
		"transport:datagram_dropped", `{"raw":{"length":17}}`},
	{"key_updated 1rtt", func(t *qlog.ConnectionTracer) {
		t.KeyUpdated(0, qlog.KeyClient1RTT, 1, qlog.KeyTriggerRemoteUpdate)
	}, "security:key_updated", `{"key_type":"client_1rtt_secret","key_phase":1,"trigger":"remote_update"}`},
	{"key_updated handshake", func(t *qlog.ConnectionTracer) {
		t.KeyUpdated(0, qlog.KeyServerHandshake, 5, qlog.KeyTriggerTLS)
	}, "security:key_updated", `{"key_type":"server_handshake_secret","trigger":"tls"}`},
	{"key_discarded", func(t *qlog.ConnectionTracer) {
		t.KeyDiscarded(0, qlog.KeyServer1RTT, 0, qlog.KeyTriggerLocalUpdate)
	}, "security:key_discarded", `{"key_type":"server_1rtt_secret","key_phase":0,"trigger":"local_update"}`},
	{"recovery parameters_set", func(t *qlog.ConnectionTracer) {
		t.RecoveryParametersSet(0, &qlog.RecoveryParameters{ReorderingThreshold: 3, TimeThreshold: 9.0 / 8, TimerGranularity: time.Millisecond,
			InitialRTT: 333 * time.Millisecond, MaxDatagramSize: 1200, InitialCongestionWindow: 12000, MinimumCongestionWindow: 2400,
			LossReductionFactor: 0.5, PersistentCongestionThreshold: 3})
	}, "recovery:parameters_set", `{"reordering_threshold":3,"time_threshold":1.125,"timer_granularity":1,"initial_rtt":333,
		"max_datagram_size":1200,"initial_congestion_window":12000,"minimum_congestion_window":2400,
		"loss_reduction_factor":0.5,"persistent_congestion_threshold":3}`},
	{"metrics_updated first", func(t *qlog.ConnectionTracer) {
		t.MetricsUpdated(0, &qlog.Metrics{MinRTT: 40800 * time.Microsecond, SmoothedRTT: 40800 * time.Microsecond, LatestRTT: 40800 * time.Microsecond,
			RTTVariance: 20400 * time.Microsecond, PTOCount: 1, CongestionWindow: 12000, BytesInFlight: 1252, SSThresh: 1<<64 - 1, PacketsInFlight: 1, PacingRate: 1 << 60})
	}, "recovery:metrics_updated", `{"min_rtt":40.8,"smoothed_rtt":40.8,"latest_rtt":40.8,"rtt_variance":20.4,"pto_count":1,
		"congestion_window":12000,"bytes_in_flight":1252,"packets_in_flight":1,"pacing_rate":9007199254740992}`},
	{"congestion_state_updated", func(t *qlog.ConnectionTracer) {
		t.CongestionStateUpdated(0, "slow_start", "recovery", "loss")
	}, "recovery:congestion_state_updated", `{"old":"slow_start","new":"recovery","trigger":"loss"}`},
	{"loss_timer_updated set", func(t *qlog.ConnectionTracer) {
		t.LossTimerUpdated(0, qlog.TimerSet, qlog.TimerPTO, qlog.SpaceHandshake, 123456*time.Microsecond)
	}, "recovery:loss_timer_updated", `{"event_type":"set","timer_type":"pto","packet_number_space":"handshake","delta":123.456}`},
	{"loss_timer_updated cancelled", func(t *qlog.ConnectionTracer) {
		t.LossTimerUpdated(0, qlog.TimerCancelled, "", "", time.Second)
	}, "recovery:loss_timer_updated", `{"event_type":"cancelled"}`},
	{"packet_lost", func(t *qlog.ConnectionTracer) {
		t.PacketLost(0, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: 9, KeyPhase: 1},
			Frames: []qlog.Frame{{Type: qlog.FrameStream, StreamID: 4, Length: 10}}, IsMTUProbe: true}, qlog.LostTimeThreshold)
	}, "recovery:packet_lost", `{"header":{"packet_type":"1RTT","packet_number":9,"key_phase":1},
		"frames":[{"frame_type":"stream","stream_id":4,"offset":0,"length":10,"fin":false,"raw":{"length":10}}],
		"is_mtu_probe_packet":true,"trigger":"time_threshold"}`},
	{"marked_for_retransmit", func(t *qlog.ConnectionTracer) {
		t.MarkedForRetransmit(0, []qlog.Frame{{Type: qlog.FrameMaxData, Maximum: 5}})
	}, "recovery:marked_for_retransmit", `{"frames":[{"frame_type":"max_data","maximum":5}]}`},
	{"ecn_state_updated", func(t *qlog.ConnectionTracer) {
		t.ECNStateUpdated(0, qlog.ECNTesting, qlog.ECNCapable)
	}, "recovery:ecn_state_updated", `{"old":"testing","new":"capable"}`},
}

// TestEvents checks each event's exact data, read back through qlogread.
func TestEvents(t *testing.T) {
	for _, tt := range eventTests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tr := newTestTracer(&buf, qlog.RoleServer)
			tt.log(tr)
			if err := tr.Close(); err != nil {
				t.Fatal(err)
			}
			trace, err := qlogread.Parse(buf.Bytes())
			if err != nil {
				t.Fatalf("Parse: %v\n%s", err, buf.Bytes())
			}
			if len(trace.Events) != 1 {
				t.Fatalf("got %d events, want 1:\n%s", len(trace.Events), buf.Bytes())
			}
			ev := trace.Events[0]
			if ev.Name != tt.want {
				t.Errorf("name = %q, want %q", ev.Name, tt.want)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.data), &want); err != nil {
				t.Fatalf("bad want JSON: %v", err)
			}
			if !reflect.DeepEqual(ev.Data, want) {
				got, _ := json.Marshal(ev.Data)
				wantJSON, _ := json.Marshal(want)
				t.Errorf("data =\n%s\nwant\n%s", got, wantJSON)
			}
		})
	}
}
