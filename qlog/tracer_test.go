package qlog_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogcheck"
	"github.com/quicr/quicr/qlog/qlogread"
)

func parse(t *testing.T, b []byte) *qlogread.Trace {
	t.Helper()
	tr, err := qlogread.Parse(b)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, b)
	}
	return tr
}

func TestHeader(t *testing.T) {
	for _, role := range []qlog.Role{qlog.RoleClient, qlog.RoleServer} {
		var buf bytes.Buffer
		tr := qlog.NewTracer(&buf, role, testODCID, &qlog.Options{Title: "t \"1\"", WallClock: testWall})
		tr.SpinBitUpdated(7, true)
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("\x1e{\"qlog_version\":\"0.3\",\"qlog_format\":\"JSON-SEQ\",")) {
			t.Errorf("header does not start with the legacy fields: %q", buf.String()[:60])
		}
		h := parse(t, buf.Bytes()).Header
		trace := h["trace"].(map[string]any)
		if got := trace["vantage_point"].(map[string]any)["type"]; got != role.String() {
			t.Errorf("vantage_point.type = %v, want %v", got, role)
		}
		cf := trace["common_fields"].(map[string]any)
		if cf["group_id"] != "4b9a1e07c2d35f68" {
			t.Errorf("group_id = %v", cf["group_id"])
		}
		rt := cf["reference_time"].(map[string]any)
		if rt["wall_clock_time"] != "2026-08-01T10:00:00.000000Z" || rt["clock_type"] != "monotonic" || rt["epoch"] != "unknown" {
			t.Errorf("reference_time = %v", rt)
		}
		if h["title"] != "t \"1\"" {
			t.Errorf("title = %v", h["title"])
		}
	}
}

func TestTimes(t *testing.T) {
	var buf bytes.Buffer
	tr := newTestTracer(&buf, qlog.RoleClient)
	const base = int64(1e12) // an arbitrary monotonic origin
	for _, d := range []time.Duration{0, 410 * time.Microsecond, 300 * time.Microsecond, 41210 * time.Microsecond, 41210*time.Microsecond + 400, 2 * time.Hour} {
		tr.SpinBitUpdated(base+int64(d), true)
	}
	tr.Close()
	var got []float64
	for _, e := range parse(t, buf.Bytes()).Events {
		got = append(got, e.Time)
	}
	// The 300µs event is stamped no earlier than the one before it.
	want := []float64{0, 0.41, 0.41, 41.21, 41.21, 7200000}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("times = %v, want %v", got, want)
	}
}

func TestConcurrentLogging(t *testing.T) {
	var buf bytes.Buffer
	tr := newTestTracer(&buf, qlog.RoleServer)
	tr.ConnectionStarted(0, local4, remote4, testSCID, testODCID)
	var clock sync.Mutex
	now := int64(0)
	tick := func() int64 {
		clock.Lock()
		defer clock.Unlock()
		now += 1000
		return now
	}
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				tr.StreamStateUpdated(tick(), uint64(4*w), qlog.StreamSideSending, "", qlog.StreamOpen, "")
				var f [1]qlog.Frame
				f[0] = qlog.Frame{Type: qlog.FrameStream, StreamID: uint64(4 * w), Offset: uint64(i), Length: 1}
				tr.PacketSent(tick(), &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: uint64(w*each + i)}, Raw: qlog.RawInfo{Length: 40}, Frames: f[:]})
			}
		}()
	}
	wg.Wait()
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	trace := parse(t, buf.Bytes())
	if n := len(trace.Events); n != 1+2*workers*each {
		t.Fatalf("got %d events, want %d", n, 1+2*workers*each)
	}
	for i := 1; i < len(trace.Events); i++ {
		if trace.Events[i].Time < trace.Events[i-1].Time {
			t.Fatalf("event %d at %v before %v", i, trace.Events[i].Time, trace.Events[i-1].Time)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

type closeRecorder struct {
	bytes.Buffer
	closed int
}

func (c *closeRecorder) Close() error { c.closed++; return nil }

func TestClose(t *testing.T) {
	var c closeRecorder
	tr := qlog.NewTracer(&c, qlog.RoleClient, testODCID, &qlog.Options{WallClock: testWall, BufferSize: 1 << 20})
	tr.SpinBitUpdated(0, true)
	if c.Len() != 0 {
		t.Fatalf("%d bytes written before Flush, want buffering", c.Len())
	}
	if err := tr.Flush(); err != nil || c.Len() == 0 {
		t.Fatalf("Flush = %v, %d bytes", err, c.Len())
	}
	tr.SpinBitUpdated(1, false)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	tr.SpinBitUpdated(2, true) // dropped
	if c.closed != 1 {
		t.Errorf("underlying Close called %d times, want 1", c.closed)
	}
	if n := len(parse(t, c.Bytes()).Events); n != 2 {
		t.Errorf("got %d events, want 2 (the tail flushed, nothing after Close)", n)
	}
}

func TestCloseWithoutEvents(t *testing.T) {
	var buf bytes.Buffer
	tr := newTestTracer(&buf, qlog.RoleClient)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if tr := parse(t, buf.Bytes()); tr.Header == nil || len(tr.Events) != 0 {
		t.Errorf("want a header and no events, got %+v", tr)
	}
}

func TestWriteError(t *testing.T) {
	tr := qlog.NewTracer(&failWriter{n: 600}, qlog.RoleClient, testODCID, &qlog.Options{BufferSize: 16})
	for i := range 20 {
		tr.SpinBitUpdated(int64(i), i%2 == 0)
	}
	if err := tr.Close(); err == nil || err.Error() != "disk full" {
		t.Errorf("Close = %v, want the write error", err)
	}
}

// TestNilTracer calls every method on a nil tracer: tracing off must be safe.
func TestNilTracer(t *testing.T) {
	var tr *qlog.ConnectionTracer
	for _, tt := range eventTests {
		tt.log(tr)
	}
	tr.MetricsUpdated(0, &qlog.Metrics{})
	if tr.Flush() != nil || tr.Close() != nil {
		t.Error("nil tracer returned an error")
	}
}

func TestMetricsOnlyChanges(t *testing.T) {
	var buf bytes.Buffer
	tr := newTestTracer(&buf, qlog.RoleClient)
	m := qlog.Metrics{CongestionWindow: 12000, SSThresh: 1<<64 - 1}
	tr.MetricsUpdated(1, &m)
	tr.MetricsUpdated(2, &m) // nothing changed: no event
	m.BytesInFlight = 1252
	tr.MetricsUpdated(3, &m)
	m.BytesInFlight = 0
	m.SSThresh = 6000
	m.CongestionWindow = 6000
	tr.MetricsUpdated(4, &m)
	m.SSThresh = 1<<64 - 1 // back to "infinite": unchanged as far as the trace goes
	tr.MetricsUpdated(5, &m)
	tr.Close()
	var got []string
	for _, e := range parse(t, buf.Bytes()).Events {
		var keys []string
		for _, k := range []string{"congestion_window", "bytes_in_flight", "ssthresh"} {
			if v, ok := e.Number(k); ok {
				keys = append(keys, fmt.Sprintf("%s=%v", k, v))
			}
		}
		got = append(got, strings.Join(keys, ","))
	}
	want := []string{"congestion_window=12000", "bytes_in_flight=1252", "congestion_window=6000,bytes_in_flight=0,ssthresh=6000"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("metrics events = %q, want %q", got, want)
	}
}

// TestTraceValidates logs every event and checks the file with qlogcheck.
func TestTraceValidates(t *testing.T) {
	var buf bytes.Buffer
	tr := newTestTracer(&buf, qlog.RoleClient)
	for _, tt := range eventTests {
		if tt.want == "transport:packet_sent" {
			continue // their packet numbers do not increase; sent below
		}
		tt.log(tr)
	}
	for pn := range uint64(3) {
		tr.PacketSent(int64(pn), &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: pn}, Raw: qlog.RawInfo{Length: 1200}, Frames: allFrames()})
	}
	tr.Close()
	probs := qlogcheck.Check(qlog.FileName(qlog.RoleClient, testODCID), buf.Bytes())
	for _, p := range probs {
		t.Errorf("qlogcheck: %s", p)
	}
}
