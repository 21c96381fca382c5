package qlogcheck

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

// FuzzCheck feeds arbitrary files to the checker: it must not panic, must
// give the same answer twice, and must report a problem for anything that
// is not a JSON-SEQ file.
func FuzzCheck(f *testing.F) {
	var buf bytes.Buffer
	tr := qlog.NewTracer(&buf, qlog.RoleClient, []byte{1, 2, 3, 4, 5, 6, 7, 8}, &qlog.Options{WallClock: func() time.Time { return time.Unix(0, 0) }})
	writeSampleTrace(tr)
	tr.Close()
	f.Add(buf.Bytes())
	f.Add(seq(goodHeader, goodEvent))
	f.Add(seq(hdr("relative_to_epoch", "relative_to_previous_event"), goodEvent, goodEvent))
	f.Add(seq(goodHeader, `{"time":1,"name":"transport:packet_sent","data":{"header":{"packet_type":"1RTT","packet_number":1},"frames":[{"frame_type":"ack","acked_ranges":[[1,2],[3],[]]}]}}`))
	f.Add([]byte("\x1e{}\n\x1e"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		probs := Check(qlog.FileName(qlog.RoleClient, []byte{1, 2, 3, 4, 5, 6, 7, 8}), data)
		if again := Check(qlog.FileName(qlog.RoleClient, []byte{1, 2, 3, 4, 5, 6, 7, 8}), data); !reflect.DeepEqual(probs, again) {
			t.Fatalf("Check is not deterministic:\n%v\n%v", probs, again)
		}
		if len(data) == 0 || data[0] != 0x1e {
			if !Failed(probs) {
				t.Fatalf("file without leading RS passed: %q", data)
			}
		}
	})
}
