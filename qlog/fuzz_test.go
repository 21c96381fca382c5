package qlog_test

import (
	"bytes"
	"testing"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogread"
)

// FuzzTracerStrings logs caller-supplied text (a peer's reason phrase, an
// ALPN, a state name) and numbers: every record must stay valid JSON that
// reads back to the same values.
func FuzzTracerStrings(f *testing.F) {
	f.Add("bad frame", "h3", uint64(0x0a), uint64(7), int64(1000))
	f.Add("\x00\"\\\n\u2028", "\xff\xfe", uint64(0x1ff), uint64(1<<62), int64(-5))
	f.Add("", "", uint64(0), uint64(0), int64(0))
	f.Fuzz(func(t *testing.T, reason, alpn string, code, n uint64, now int64) {
		var buf bytes.Buffer
		tr := qlog.NewTracer(&buf, qlog.RoleServer, []byte{1, 2}, nil)
		tr.ALPNInformation(now, []string{alpn}, nil, alpn)
		tr.CongestionStateUpdated(now, reason, alpn, reason)
		frames := []qlog.Frame{{Type: qlog.FrameConnectionClose, ErrorCode: code, Reason: reason}, {Type: qlog.FrameStream, StreamID: n, Offset: n, Length: n}}
		tr.PacketReceived(now+1, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: n}, Raw: qlog.RawInfo{Length: n}, Frames: frames})
		tr.ConnectionClosed(now+2, &qlog.ConnectionClose{ErrorSpace: qlog.ErrorSpaceTransport, ErrorCode: code, Reason: reason})
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
		trace, err := qlogread.Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("invalid trace: %v\n%q", err, buf.Bytes())
		}
		if len(trace.Events) != 4 {
			t.Fatalf("%d events, want 4", len(trace.Events))
		}
		want := string([]rune(reason))
		if got, _ := trace.Events[3].String("reason"); got != want && reason != "" {
			t.Errorf("reason = %q, want %q", got, want)
		}
		if got, _ := trace.Events[2].String("frames.0.reason"); got != want {
			t.Errorf("frame reason = %q, want %q", got, want)
		}
		if got, _ := trace.Events[2].Number("frames.1.stream_id"); got != float64(n) {
			t.Errorf("stream_id = %v, want %v", got, float64(n))
		}
		for i := 1; i < len(trace.Events); i++ {
			if trace.Events[i].Time < trace.Events[i-1].Time || trace.Events[i].Time < 0 {
				t.Errorf("times go back: %v then %v", trace.Events[i-1].Time, trace.Events[i].Time)
			}
		}
	})
}
