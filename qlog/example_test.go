package qlog_test

import (
	"bytes"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/quicr/quicr/qlog"
)

// Example writes a short client trace to a buffer. Times are nanoseconds on
// the caller's monotonic clock; the first event is time 0.
func Example() {
	var buf bytes.Buffer
	wall := func() time.Time { return time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC) }
	odcid := []byte{0x4b, 0x9a, 0x1e, 0x07, 0xc2, 0xd3, 0x5f, 0x68}
	t := qlog.NewTracer(&buf, qlog.RoleClient, odcid, &qlog.Options{WallClock: wall})

	start := int64(5 * time.Second) // any monotonic origin
	t.ConnectionStarted(start,
		netip.MustParseAddrPort("192.0.2.10:50123"), netip.MustParseAddrPort("198.51.100.7:443"),
		[]byte{0xc0, 0xff, 0xee, 0x01}, odcid)
	frames := [2]qlog.Frame{
		{Type: qlog.FrameCrypto, Offset: 0, Length: 289},
		{Type: qlog.FramePadding, Length: 920},
	}
	t.PacketSent(start+410*int64(time.Microsecond), &qlog.Packet{
		Header: qlog.PacketHeader{
			PacketType:       qlog.PacketTypeInitial,
			Version:          1,
			SrcConnectionID:  []byte{0xc0, 0xff, 0xee, 0x01},
			DestConnectionID: odcid,
		},
		Raw:    qlog.RawInfo{Length: 1252, PayloadLength: 1213},
		Frames: frames[:],
	})
	t.MetricsUpdated(start+420*int64(time.Microsecond), &qlog.Metrics{CongestionWindow: 12000, BytesInFlight: 1252})
	t.ConnectionClosed(start+90500*int64(time.Microsecond), &qlog.ConnectionClose{
		Initiator: qlog.InitiatorLocal, ErrorSpace: qlog.ErrorSpaceApplication, Trigger: qlog.CloseApplication,
	})
	if err := t.Close(); err != nil {
		panic(err)
	}
	// Show the records one per line, with <RS> for the 0x1e separator.
	fmt.Print(strings.ReplaceAll(buf.String(), "\x1e", "<RS>"))
	// Output:
	// <RS>{"qlog_version":"0.3","qlog_format":"JSON-SEQ","file_schema":"urn:ietf:params:qlog:file:sequential","serialization_format":"application/qlog+json-seq","title":"quicr client","trace":{"vantage_point":{"type":"client"},"common_fields":{"group_id":"4b9a1e07c2d35f68","time_format":"relative_to_epoch","reference_time":{"clock_type":"monotonic","epoch":"unknown","wall_clock_time":"2026-08-01T10:00:00.000000Z"}},"event_schemas":["urn:ietf:params:qlog:events:quic-13"]}}
	// <RS>{"time":0,"name":"connectivity:connection_started","data":{"local":{"ip_v4":"192.0.2.10","port_v4":50123,"connection_ids":["c0ffee01"]},"remote":{"ip_v4":"198.51.100.7","port_v4":443,"connection_ids":["4b9a1e07c2d35f68"]}}}
	// <RS>{"time":0.41,"name":"transport:packet_sent","data":{"header":{"packet_type":"initial","packet_number":0,"version":"00000001","scil":4,"scid":"c0ffee01","dcil":8,"dcid":"4b9a1e07c2d35f68"},"raw":{"length":1252,"payload_length":1213},"frames":[{"frame_type":"crypto","offset":0,"length":289,"raw":{"length":289}},{"frame_type":"padding","raw":{"payload_length":920}}]}}
	// <RS>{"time":0.42,"name":"recovery:metrics_updated","data":{"congestion_window":12000,"bytes_in_flight":1252}}
	// <RS>{"time":90.5,"name":"connectivity:connection_closed","data":{"initiator":"local","application_error":"unknown","error_code":0,"trigger":"application"}}
}
