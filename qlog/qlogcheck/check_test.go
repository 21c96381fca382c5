package qlogcheck

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

const (
	goodName   = "4b9a1e07c2d35f68_client.sqlog"
	goodHeader = `{"qlog_version":"0.3","qlog_format":"JSON-SEQ","file_schema":"urn:ietf:params:qlog:file:sequential","serialization_format":"application/qlog+json-seq","trace":{"vantage_point":{"type":"client"},"common_fields":{"group_id":"4b9a1e07c2d35f68","time_format":"relative_to_epoch","reference_time":{"clock_type":"monotonic","epoch":"unknown","wall_clock_time":"2026-08-01T10:00:00Z"}},"event_schemas":["urn:ietf:params:qlog:events:quic-13"]}}`
	goodEvent  = `{"time":0.41,"name":"transport:packet_sent","data":{"header":{"packet_type":"initial","packet_number":0,"version":"00000001","scid":"c0ffee01","dcid":"4b9a1e07c2d35f68"},"raw":{"length":1252},"frames":[{"frame_type":"crypto","offset":0,"length":289,"raw":{"length":289}},{"frame_type":"padding","raw":{"payload_length":920}}]}}`
)

// seq builds a JSON-SEQ file from records.
func seq(records ...string) []byte {
	var b bytes.Buffer
	for _, r := range records {
		b.WriteByte(0x1e)
		b.WriteString(r)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// hdr returns goodHeader with one substring replaced.
func hdr(old, new string) string { return strings.Replace(goodHeader, old, new, 1) }

// ev returns a one-event record.
func ev(time, name, data string) string {
	return `{"time":` + time + `,"name":"` + name + `","data":` + data + `}`
}

func TestCheckValid(t *testing.T) {
	tests := []struct {
		name string
		file string
		data []byte
	}{
		{"minimal", goodName, seq(goodHeader, goodEvent)},
		{"draft dialect", goodName, seq(goodHeader, ev("0", "quic:packet_sent", `{"header":{"packet_type":"1RTT","packet_number":0},"raw":{"length":40}}`), ev("1", "quic:recovery_metrics_updated", `{"min_rtt":1}`))},
		{"deltas", goodName, seq(hdr("relative_to_epoch", "relative_to_previous_event"), ev("5", "connectivity:spin_bit_updated", `{"state":true}`), ev("0", "connectivity:spin_bit_updated", `{"state":false}`))},
		{"group_id on every event", goodName, seq(goodHeader, `{"time":0,"name":"connectivity:spin_bit_updated","data":{"state":true},"group_id":"ab"}`)},
		{"no file name", "", seq(goodHeader, goodEvent)},
		{"h3 events", goodName, seq(goodHeader, ev("0", "http:frame_created", `{"stream_id":0}`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range Check(tt.file, tt.data) {
				t.Errorf("unexpected problem: %s", p)
			}
		})
	}
}

// TestCheckBroken has one row (or more) per item of the qlog.md section 6
// checklist, each a hand-broken trace and the problem it must raise.
func TestCheckBroken(t *testing.T) {
	pkt := func(header, rest string) string {
		return ev("1", "transport:packet_sent", `{"header":`+header+`,"raw":{"length":100}`+rest+`}`)
	}
	initial := `{"packet_type":"initial","packet_number":0}`
	tests := []struct {
		item    int
		name    string
		file    string
		data    []byte
		record  int
		want    string
		warning bool
	}{
		{1, "no leading RS", goodName, append([]byte("x"), seq(goodHeader, goodEvent)...), 0, "does not start with a record separator", false},
		{1, "not JSON", goodName, seq(goodHeader, `{"time":0,`, goodEvent), 2, "not one valid JSON object", false},
		{1, "two values", goodName, seq(goodHeader, goodEvent+goodEvent), 2, "more than one JSON value", false},
		{1, "array record", goodName, seq(goodHeader, `[1]`), 2, "not an object", false},
		{1, "empty record", goodName, seq(goodHeader, ``, goodEvent), 2, "empty record", false},
		{1, "missing LF", goodName, []byte("\x1e" + goodHeader + "\x1e" + goodEvent + "\x1e" + goodEvent + "\n"), 2, "does not end with LF", false},
		{1, "torn last record", goodName, append(seq(goodHeader, goodEvent), "\x1e{\"time\":3,\"na"...), 3, "torn last record", true},
		{2, "qlog_version", goodName, seq(hdr(`"0.3"`, `"0.4"`), goodEvent), 1, `qlog_version must be "0.3"`, false},
		{2, "qlog_format", goodName, seq(hdr(`"JSON-SEQ"`, `"JSON"`), goodEvent), 1, `qlog_format must be "JSON-SEQ"`, false},
		{2, "file_schema", goodName, seq(hdr(`file:sequential`, `file:contained`), goodEvent), 1, "file_schema must be", false},
		{2, "serialization_format", goodName, seq(hdr(`qlog+json-seq`, `qlog+json`), goodEvent), 1, "serialization_format must be", false},
		{2, "trace not object", goodName, seq(`{"qlog_version":"0.3","qlog_format":"JSON-SEQ","file_schema":"urn:ietf:params:qlog:file:sequential","serialization_format":"application/qlog+json-seq","trace":[]}`, goodEvent), 1, "trace must be an object", false},
		{2, "events in header", goodName, seq(hdr(`"event_schemas"`, `"events":[],"event_schemas"`), goodEvent), 1, "must not hold an events array", false},
		{3, "vantage point", "", seq(hdr(`{"type":"client"}`, `{"type":"network"}`), goodEvent), 1, "vantage_point.type must be client or server", false},
		{3, "no event_schemas", goodName, seq(hdr(`"event_schemas":["urn:ietf:params:qlog:events:quic-13"]`, `"event_schemas":[]`), goodEvent), 1, "event_schemas must be a non-empty array", false},
		{3, "relative schema URI", goodName, seq(hdr(`"urn:ietf:params:qlog:events:quic-13"`, `"quic-13"`), goodEvent), 1, "is not an absolute URI", false},
		{4, "time_format", goodName, seq(hdr(`"relative_to_epoch"`, `"delta"`), goodEvent), 1, "time_format \"delta\" is neither", false},
		{4, "numeric reference_time", goodName, seq(hdr(`{"clock_type":"monotonic","epoch":"unknown","wall_clock_time":"2026-08-01T10:00:00Z"}`, `1785578400000`), goodEvent), 1, "reference_time must be an object", false},
		{4, "reference_time fields", goodName, seq(hdr(`"clock_type":"monotonic",`, ``), goodEvent), 1, "reference_time needs string clock_type and epoch", false},
		{4, "monotonic epoch", goodName, seq(hdr(`"epoch":"unknown"`, `"epoch":"1970-01-01T00:00:00Z"`), goodEvent), 1, "monotonic reference_time must have epoch", false},
		{4, "no reference_time", goodName, seq(hdr(`,"reference_time":{"clock_type":"monotonic","epoch":"unknown","wall_clock_time":"2026-08-01T10:00:00Z"}`, ``), goodEvent), 1, "no reference_time", true},
		{5, "group_id uppercase", "", seq(hdr(`"group_id":"4b9a1e07c2d35f68"`, `"group_id":"4B9A"`), goodEvent), 1, "not lowercase even-length hex", false},
		{5, "group_id odd", "", seq(hdr(`"group_id":"4b9a1e07c2d35f68"`, `"group_id":"4b9"`), goodEvent), 1, "not lowercase even-length hex", false},
		{5, "group_id vs file name", "00112233_client.sqlog", seq(goodHeader, goodEvent), 1, "differs from the ODCID \"00112233\"", false},
		{5, "role vs file name", "4b9a1e07c2d35f68_server.sqlog", seq(goodHeader, goodEvent), 1, "differs from the file name's \"server\"", false},
		{5, "odd file name", "trace.sqlog", seq(goodHeader, goodEvent), 1, "is not <odcid>_<client|server>.sqlog", true},
		{5, "group_id on some events", goodName, seq(goodHeader, `{"time":0,"name":"connectivity:spin_bit_updated","data":{"state":true},"group_id":"ab"}`, goodEvent), 3, "group_id is on some events but not all", false},
		{6, "no events", goodName, seq(goodHeader), 0, "trace has no events", false},
		{6, "time missing", goodName, seq(goodHeader, `{"name":"connectivity:spin_bit_updated","data":{"state":true}}`), 2, "time must be a number", false},
		{6, "time string", goodName, seq(goodHeader, ev(`"1"`, "connectivity:spin_bit_updated", `{"state":true}`)), 2, "time must be a number", false},
		{6, "time negative", goodName, seq(goodHeader, ev("-1", "connectivity:spin_bit_updated", `{"state":true}`)), 2, "time -1 is negative", false},
		{6, "name without namespace", goodName, seq(goodHeader, ev("0", "packet_sent", `{}`)), 2, "name must be namespace:type", false},
		{6, "data missing", goodName, seq(goodHeader, `{"time":0,"name":"connectivity:spin_bit_updated"}`), 2, "data must be an object", false},
		{6, "extra top-level key", goodName, seq(goodHeader, `{"time":0,"name":"connectivity:spin_bit_updated","data":{"state":true},"type":"x"}`), 2, `unexpected top-level key "type"`, false},
		{7, "time goes back", goodName, seq(goodHeader, ev("5", "connectivity:spin_bit_updated", `{"state":true}`), ev("4.5", "connectivity:spin_bit_updated", `{"state":false}`)), 3, "time 4.5 goes back from 5", false},
		{8, "unknown name", goodName, seq(goodHeader, ev("0", "transport:packet_exploded", `{}`)), 2, `unknown event name "transport:packet_exploded"`, false},
		{8, "mixed dialects", goodName, seq(goodHeader, goodEvent, ev("1", "quic:spin_bit_updated", `{"state":true}`)), 3, "dialects mixed", false},
		{9, "required field", goodName, seq(goodHeader, ev("0", "connectivity:connection_state_updated", `{"old":"attempted"}`)), 2, "required data.new missing", false},
		{9, "wrong type", goodName, seq(goodHeader, ev("0", "transport:stream_state_updated", `{"stream_id":"4","new":"open","stream_side":"sending"}`)), 2, "data.stream_id must be a non-negative integer", false},
		{9, "bad enum", goodName, seq(goodHeader, ev("0", "transport:packet_dropped", `{"trigger":"bored"}`)), 2, `data.trigger "bored" is not one of`, false},
		{9, "bad key_type", goodName, seq(goodHeader, ev("0", "security:key_updated", `{"key_type":"1rtt"}`)), 2, `data.key_type "1rtt" is not one of`, false},
		{9, "empty metrics", goodName, seq(goodHeader, ev("0", "recovery:metrics_updated", `{}`)), 2, "needs at least one metric", false},
		{9, "error name", goodName, seq(goodHeader, ev("0", "connectivity:connection_closed", `{"connection_error":"PROTOCOL_VIOLATION"}`)), 2, "is not a transport error name", false},
		{10, "packet_type", goodName, seq(goodHeader, pkt(`{"packet_type":"short","packet_number":0}`, ``)), 2, "is not a qlog PacketType", false},
		{10, "packet_number missing", goodName, seq(goodHeader, pkt(`{"packet_type":"handshake"}`, ``)), 2, "header.packet_number missing", false},
		{10, "packet_number float", goodName, seq(goodHeader, pkt(`{"packet_type":"handshake","packet_number":1.5}`, ``)), 2, "header.packet_number must be a non-negative integer", false},
		{10, "raw.length missing", goodName, seq(goodHeader, ev("1", "transport:packet_received", `{"header":`+initial+`}`)), 2, "raw.length missing", false},
		{10, "raw.length zero", goodName, seq(goodHeader, ev("1", "transport:packet_sent", `{"header":`+initial+`,"raw":{"length":0}}`)), 2, "raw.length must be a positive integer", false},
		{10, "frame_type", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"STREAM"}]`)), 2, "is not a QUIC frame type", false},
		{10, "stream offset", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"stream","stream_id":0,"length":5,"raw":{"length":5}}]`)), 2, "has no offset", false},
		{10, "crypto length", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"crypto","offset":0,"raw":{"length":5}}]`)), 2, "needs length equal to raw.length", false},
		{10, "stream length mismatch", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"stream","stream_id":0,"offset":0,"length":5,"raw":{"length":6}}]`)), 2, "needs length equal to raw.length", false},
		{11, "cid uppercase", goodName, seq(goodHeader, pkt(`{"packet_type":"initial","packet_number":0,"scid":"C0FFEE"}`, ``)), 2, "header.scid must be a lowercase hex string", false},
		{11, "version length", goodName, seq(goodHeader, pkt(`{"packet_type":"initial","packet_number":0,"version":"1"}`, ``)), 2, "header.version must be 8 lowercase hex digits", false},
		{11, "reset token", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"new_connection_id","sequence_number":1,"retire_prior_to":0,"connection_id":"aa","stateless_reset_token":"00"}]`)), 2, "stateless_reset_token must be 32 lowercase hex digits", false},
		{11, "path data", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"path_challenge","data":"0102"}]`)), 2, "frames[0].data must be 16 lowercase hex digits", false},
		{11, "parameters cid", goodName, seq(goodHeader, ev("0", "transport:parameters_set", `{"initial_source_connection_id":"xyz"}`)), 2, "data.initial_source_connection_id must be a lowercase hex string", false},
		{11, "token data", goodName, seq(goodHeader, pkt(`{"packet_type":"initial","packet_number":0,"token":{"raw":{"data":"0"}}}`, ``)), 2, "header.token.raw.data must be a lowercase hex string", false},
		{12, "packet number repeats", goodName, seq(goodHeader, pkt(`{"packet_type":"1RTT","packet_number":3}`, ``), pkt(`{"packet_type":"0RTT","packet_number":3}`, ``)), 3, "packet_number 3 does not increase in the application_data space", false},
		{12, "ack range shape", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"ack","acked_ranges":[[1,2,3]]}]`)), 2, "must be [n] or [lo,hi]", false},
		{12, "ack range order", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"ack","acked_ranges":[[5,2]]}]`)), 2, "is not [lo,hi] with lo <= hi", false},
		{13, "time in µs", goodName, seq(goodHeader, ev("1e12", "connectivity:spin_bit_updated", `{"state":true}`)), 2, "is over a week", false},
		{13, "rtt in ns", goodName, seq(goodHeader, ev("0", "recovery:metrics_updated", `{"latest_rtt":40000000}`)), 2, "data.latest_rtt 4e+07 ms is over ten minutes", false},
		{13, "ack_delay in µs", goodName, seq(goodHeader, pkt(initial, `,"frames":[{"frame_type":"ack","ack_delay":25000000,"acked_ranges":[[0]]}]`)), 2, "ack_delay 2.5e+07 ms is over ten minutes", false},
		{13, "timer delta", goodName, seq(goodHeader, ev("0", "recovery:loss_timer_updated", `{"event_type":"set","delta":1e9}`)), 2, "data.delta 1e+09 ms", false},
		{13, "integer above 2^53", goodName, seq(goodHeader, ev("0", "recovery:metrics_updated", `{"ssthresh":18446744073709551615}`)), 2, "data.ssthresh = 18446744073709551615 is beyond 2^53", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probs := Check(tt.file, tt.data)
			for _, p := range probs {
				if p.Record == tt.record && p.Warning == tt.warning && strings.Contains(p.Msg, tt.want) {
					if Failed(probs) == tt.warning && tt.warning {
						t.Errorf("item %d: warning-only trace counted as failed: %v", tt.item, probs)
					}
					return
				}
			}
			t.Errorf("item %d: want record %d (warning %v) %q, got %v", tt.item, tt.record, tt.warning, tt.want, probs)
		})
	}
}

// TestCheckTracerOutput validates a trace written by the tracer with
// every event, both roles.
func TestCheckTracerOutput(t *testing.T) {
	for _, role := range []qlog.Role{qlog.RoleClient, qlog.RoleServer} {
		var buf bytes.Buffer
		odcid := []byte{1, 2, 3, 4, 5, 6, 7, 8}
		tr := qlog.NewTracer(&buf, role, odcid, &qlog.Options{WallClock: func() time.Time { return time.Unix(1e9, 0) }})
		writeSampleTrace(tr)
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
		for _, p := range Check(qlog.FileName(role, odcid), buf.Bytes()) {
			t.Errorf("%v: %s", role, p)
		}
	}
}

// writeSampleTrace logs a plausible handshake.
func writeSampleTrace(tr *qlog.ConnectionTracer) {
	const ms = int64(time.Millisecond)
	const msd = time.Millisecond
	scid := []byte{0xc0, 0xff, 0xee}
	tr.ConnectionStarted(0, netip.MustParseAddrPort("192.0.2.1:4433"), netip.MustParseAddrPort("192.0.2.2:443"), scid, nil)
	tr.VersionInformation(0, []uint32{1}, nil, 1)
	tr.ALPNInformation(0, []string{"h3"}, nil, "")
	tr.ParametersSet(0, &qlog.TransportParameters{Initiator: qlog.InitiatorLocal, InitialSourceConnectionID: scid, MaxUDPPayloadSize: 1472})
	tr.RecoveryParametersSet(0, &qlog.RecoveryParameters{TimerGranularity: msd, InitialRTT: 333 * msd})
	tr.KeyUpdated(0, qlog.KeyClientInitial, 0, qlog.KeyTriggerTLS)
	frames := []qlog.Frame{{Type: qlog.FrameCrypto, Length: 280}, {Type: qlog.FramePadding, Length: 900}}
	tr.PacketSent(ms/2, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeInitial, Version: 1, SrcConnectionID: scid, DestConnectionID: []byte{9, 9}}, Raw: qlog.RawInfo{Length: 1200}, Frames: frames})
	tr.MetricsUpdated(ms, &qlog.Metrics{CongestionWindow: 12000, BytesInFlight: 1200, SSThresh: ^uint64(0)})
	tr.LossTimerUpdated(ms, qlog.TimerSet, qlog.TimerPTO, qlog.SpaceInitial, 999*msd)
	ack := []qlog.Frame{{Type: qlog.FrameAck, AckDelay: msd, AckRanges: []qlog.AckRange{{Smallest: 0, Largest: 0}}}}
	tr.PacketReceived(40*ms, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeInitial, Version: 1, SrcConnectionID: []byte{7}, DestConnectionID: scid}, Raw: qlog.RawInfo{Length: 150}, Frames: ack})
	tr.PacketsAcked(40*ms, qlog.SpaceInitial, []uint64{0})
	tr.MetricsUpdated(40*ms, &qlog.Metrics{MinRTT: 39 * msd, SmoothedRTT: 39 * msd, LatestRTT: 39 * msd, RTTVariance: 19 * msd, CongestionWindow: 12000})
	tr.ConnectionStateUpdated(41*ms, qlog.StateAttempted, qlog.StateHandshakeComplete)
	tr.KeyDiscarded(41*ms, qlog.KeyClientInitial, 0, qlog.KeyTriggerTLS)
	tr.PacketSent(42*ms, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, DestConnectionID: []byte{7}}, Raw: qlog.RawInfo{Length: 60},
		Frames: []qlog.Frame{{Type: qlog.FrameStream, StreamID: 0, Length: 20, Fin: true}}})
	tr.PacketLost(300*ms, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT}}, qlog.LostPTOExpired)
	tr.ConnectionClosed(400*ms, &qlog.ConnectionClose{Initiator: qlog.InitiatorLocal, ErrorSpace: qlog.ErrorSpaceApplication, Trigger: qlog.CloseApplication})
}
