package qlogread

import (
	"bytes"
	"reflect"
	"testing"
)

const header = `{"qlog_version":"0.3","trace":{"common_fields":{"time_format":"relative_to_epoch"}}}`

func file(records ...string) []byte {
	var b bytes.Buffer
	for _, r := range records {
		b.WriteString("\x1e" + r + "\n")
	}
	return b.Bytes()
}

func TestRecords(t *testing.T) {
	recs, lead := Records([]byte("junk\x1e{\"a\":1}\n\x1e {\"b\":2} \n\x1e{\"c\""))
	if string(lead) != "junk" {
		t.Errorf("lead = %q", lead)
	}
	want := []Record{
		{Index: 1, JSON: []byte(`{"a":1}`)},
		{Index: 2, JSON: []byte(`{"b":2}`)},
		{Index: 3, JSON: []byte(`{"c"`), Torn: true},
	}
	if !reflect.DeepEqual(recs, want) {
		t.Errorf("Records = %+v, want %+v", recs, want)
	}
	if recs, lead := Records([]byte("no separator")); recs != nil || string(lead) != "no separator" {
		t.Errorf("Records without RS = %v, %q", recs, lead)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		times   []float64
		wantErr bool
	}{
		{"plain", file(header, `{"time":0,"name":"a:b","data":{}}`, `{"time":1.5,"name":"a:c","data":{"x":1}}`), []float64{0, 1.5}, false},
		{"deltas", file(`{"trace":{"common_fields":{"time_format":"relative_to_previous_event"}}}`, `{"time":2,"name":"a:b"}`, `{"time":0.5,"name":"a:b"}`, `{"time":1,"name":"a:b"}`), []float64{2, 2.5, 3.5}, false},
		{"torn tail ignored", append(file(header, `{"time":0,"name":"a:b"}`), "\x1e{\"ti"...), []float64{0}, false},
		{"header only", file(header), nil, false},
		{"lead bytes", append([]byte("x"), file(header)...), nil, true},
		{"empty", nil, nil, true},
		{"bad header", file(`[]`), nil, true},
		{"bad middle record", file(header, `{"time":`, `{"time":0,"name":"a:b"}`), nil, true},
		{"no name", file(header, `{"time":0}`), nil, true},
		{"string time", file(header, `{"time":"0","name":"a:b"}`), nil, true},
		{"data not object", file(header, `{"time":0,"name":"a:b","data":[]}`), nil, true},
		{"delta overflow", file(`{"trace":{"common_fields":{"time_format":"relative_to_previous_event"}}}`, `{"time":1e308,"name":"a:b"}`, `{"time":1e308,"name":"a:b"}`), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := Parse(tt.data)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var times []float64
			for _, e := range tr.Events {
				times = append(times, e.Time)
			}
			if !reflect.DeepEqual(times, tt.times) {
				t.Errorf("times = %v, want %v", times, tt.times)
			}
		})
	}
}

func TestQueries(t *testing.T) {
	tr, err := Parse(file(header,
		`{"time":0,"name":"transport:packet_sent","data":{"header":{"packet_type":"1RTT","key_phase":0},"frames":[{"frame_type":"ping"}]}}`,
		`{"time":1,"name":"transport:packet_sent","data":{"header":{"packet_type":"1RTT","key_phase":1}}}`,
		`{"time":2,"name":"transport:packet_received","data":{}}`))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tr.Find("transport:packet_sent")); n != 2 {
		t.Errorf("Find = %d events, want 2", n)
	}
	keyPhase1 := func(e Event) bool { v, ok := e.Number("header.key_phase"); return ok && v == 1 }
	if !tr.Any("transport:packet_sent", keyPhase1) || tr.Any("transport:packet_received", keyPhase1) || !tr.Any("transport:packet_received", nil) {
		t.Error("Any mismatched")
	}
	e := tr.Events[0]
	tests := []struct {
		path string
		want any
		ok   bool
	}{
		{"header.packet_type", "1RTT", true},
		{"frames.0.frame_type", "ping", true},
		{"frames.1.frame_type", nil, false},
		{"frames.x", nil, false},
		{"frames.-1", nil, false},
		{"header.packet_type.deeper", nil, false},
		{"nothing", nil, false},
	}
	for _, tt := range tests {
		got, ok := e.Get(tt.path)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Get(%q) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
	if s, ok := e.String("header.packet_type"); !ok || s != "1RTT" {
		t.Errorf("String = %q, %v", s, ok)
	}
	if _, ok := e.String("header.key_phase"); ok {
		t.Error("String accepted a number")
	}
	if _, ok := e.Number("header.packet_type"); ok {
		t.Error("Number accepted a string")
	}
	if got := e.FrameTypes(); !reflect.DeepEqual(got, []string{"ping"}) {
		t.Errorf("FrameTypes = %v, want [ping]", got)
	}
	if got := tr.Events[1].FrameTypes(); got != nil {
		t.Errorf("FrameTypes of a packet without frames = %v", got)
	}
}

// FuzzParse checks that Parse never panics and that a parsed trace
// re-encodes and re-parses to the same value.
func FuzzParse(f *testing.F) {
	f.Add(file(header, `{"time":0,"name":"a:b","data":{"x":[1,2,{"y":null}]}}`))
	f.Add(file(`{"trace":{"common_fields":{"time_format":"relative_to_previous_event"}}}`, `{"time":2,"name":"a:b"}`, `{"time":0.5,"name":"a:b"}`))
	f.Add(append(file(header, `{"time":0,"name":"a:b"}`), "\x1e{\"ti"...))
	f.Add(file(`{"qlog_version":"0.3","qlog_format":"JSON-SEQ","trace":{"vantage_point":{"type":"client"}}}`, `{"time":0.41,"name":"transport:packet_sent","data":{"header":{"packet_type":"initial","packet_number":0},"raw":{"length":1252}}}`))
	f.Add([]byte("\x1e\x1e\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Parse(data)
		if err != nil {
			return
		}
		enc, err := tr.Encode()
		if err != nil {
			t.Fatalf("Encode: %v", err)
		}
		again, err := Parse(enc)
		if err != nil {
			t.Fatalf("re-Parse: %v\n%s", err, enc)
		}
		if !reflect.DeepEqual(again.Events, tr.Events) && !(len(again.Events) == 0 && len(tr.Events) == 0) {
			t.Fatalf("events differ after re-encoding:\n%+v\n%+v", tr.Events, again.Events)
		}
		if !tr.Deltas && !reflect.DeepEqual(again.Header, tr.Header) {
			t.Fatalf("header differs after re-encoding:\n%v\n%v", tr.Header, again.Header)
		}
	})
}
