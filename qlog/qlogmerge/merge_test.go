package qlogmerge

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

// traceAt writes a small trace whose wall clock starts at wall.
func traceAt(role qlog.Role, wall time.Time) []byte {
	var buf bytes.Buffer
	tr := qlog.NewTracer(&buf, role, []byte{0xab, 0xcd}, &qlog.Options{WallClock: func() time.Time { return wall }})
	tr.PacketSent(1e9, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeInitial, Version: 1}, Raw: qlog.RawInfo{Length: 1200},
		Frames: []qlog.Frame{{Type: qlog.FrameCrypto, Length: 10}}})
	tr.PacketReceived(1e9+41_210_000, &qlog.Packet{Header: qlog.PacketHeader{PacketType: qlog.PacketTypeInitial, Version: 1}, Raw: qlog.RawInfo{Length: 150}})
	tr.Close()
	return buf.Bytes()
}

type qlogFile struct {
	QlogVersion string `json:"qlog_version"`
	QlogFormat  string `json:"qlog_format"`
	FileSchema  string `json:"file_schema"`
	Title       string `json:"title"`
	Traces      []struct {
		VantagePoint struct {
			Type string `json:"type"`
		} `json:"vantage_point"`
		CommonFields struct {
			GroupID       string   `json:"group_id"`
			TimeFormat    string   `json:"time_format"`
			ReferenceTime float64  `json:"reference_time"`
			ProtocolType  []string `json:"protocol_type"`
		} `json:"common_fields"`
		EventSchemas []string `json:"event_schemas"`
		Events       []struct {
			Time float64        `json:"time"`
			Name string         `json:"name"`
			Data map[string]any `json:"data"`
		} `json:"events"`
	} `json:"traces"`
}

func TestMerge(t *testing.T) {
	wall := time.Date(2026, 8, 1, 10, 0, 0, 0, time.UTC)
	client := traceAt(qlog.RoleClient, wall)
	server := traceAt(qlog.RoleServer, wall.Add(20250*time.Microsecond))
	var out bytes.Buffer
	if err := Merge(&out, "both", Input{"c", client}, Input{"s", server}); err != nil {
		t.Fatal(err)
	}
	var f qlogFile
	if err := json.Unmarshal(out.Bytes(), &f); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.Bytes())
	}
	if f.QlogVersion != "0.3" || f.QlogFormat != "JSON" || f.FileSchema != "urn:ietf:params:qlog:file:contained" || f.Title != "both" {
		t.Errorf("file fields = %q %q %q %q", f.QlogVersion, f.QlogFormat, f.FileSchema, f.Title)
	}
	if !strings.HasPrefix(out.String(), `{"qlog_version":"0.3","qlog_format":"JSON",`) {
		t.Error("qlog_version and qlog_format must come first: qvis sniffs the first 1024 characters")
	}
	if len(f.Traces) != 2 {
		t.Fatalf("%d traces, want 2", len(f.Traces))
	}
	wantRef := []float64{float64(wall.UnixMilli()), float64(wall.UnixMilli()) + 20.25}
	for i, tr := range f.Traces {
		if want := []string{"client", "server"}[i]; tr.VantagePoint.Type != want {
			t.Errorf("trace %d vantage %q, want %q", i, tr.VantagePoint.Type, want)
		}
		cf := tr.CommonFields
		if cf.TimeFormat != "relative" || cf.ReferenceTime != wantRef[i] || cf.GroupID != "abcd" || len(cf.ProtocolType) != 1 {
			t.Errorf("trace %d common_fields = %+v, want reference_time %v", i, cf, wantRef[i])
		}
		if len(tr.Events) != 2 || tr.Events[1].Time != 41.21 || tr.Events[0].Name != "transport:packet_sent" {
			t.Errorf("trace %d events = %+v", i, tr.Events)
		}
		if got := tr.Events[0].Data["frames"].([]any)[0].(map[string]any)["length"]; got != 10.0 {
			t.Errorf("trace %d frame length = %v", i, got)
		}
	}
}

func TestMergeInputs(t *testing.T) {
	good := traceAt(qlog.RoleClient, time.Unix(1e9, 0))
	const h = `{"qlog_version":"0.3","trace":{"common_fields":`
	tests := []struct {
		name    string
		data    string
		wantErr string
		times   []float64
		ref     float64
	}{
		{"deltas resolved", "\x1e" + h + `{"time_format":"relative_to_previous_event","reference_time":{"clock_type":"monotonic","epoch":"unknown","wall_clock_time":"2001-09-09T01:46:40.5Z"}}}}` + "\n\x1e{\"time\":1,\"name\":\"a:b\",\"data\":{}}\n\x1e{\"time\":2,\"name\":\"a:b\"}\n", "", []float64{1, 3}, 1e12 + 500},
		{"system epoch", "\x1e" + h + `{"reference_time":{"clock_type":"system","epoch":"1970-01-01T00:00:01Z"}}}}` + "\n\x1e{\"time\":1,\"name\":\"a:b\",\"data\":{}}\n", "", []float64{1}, 1000},
		{"legacy number", "\x1e" + h + `{"reference_time":1234.5}}}` + "\n\x1e{\"time\":1,\"name\":\"a:b\",\"data\":{}}\n", "", []float64{1}, 1234.5},
		{"torn tail", string(good) + "\x1e{\"time\":", "", []float64{0, 41.21}, 1e12},
		{"no wall clock", "\x1e" + h + `{"reference_time":{"clock_type":"monotonic","epoch":"unknown"}}}}` + "\n\x1e{\"time\":1,\"name\":\"a:b\",\"data\":{}}\n", "no wall_clock_time", nil, 0},
		{"bad wall clock", "\x1e" + h + `{"reference_time":{"clock_type":"monotonic","epoch":"unknown","wall_clock_time":"yesterday"}}}}` + "\n\x1e{\"time\":1,\"name\":\"a:b\",\"data\":{}}\n", "wall_clock_time", nil, 0},
		{"no events", string(good[:bytes.IndexByte(good[1:], 0x1e)+1]), "no events", nil, 0},
		{"not seq", `{"traces":[]}`, "not a JSON-SEQ file", nil, 0},
		{"bad event", string(good[:bytes.IndexByte(good[1:], 0x1e)+1]) + "\x1e[1]\n\x1e{\"time\":0,\"name\":\"a:b\"}\n", "record 2", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Merge(&out, "", Input{"in", []byte(tt.data)})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Merge error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var f qlogFile
			if err := json.Unmarshal(out.Bytes(), &f); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out.Bytes())
			}
			var times []float64
			for _, e := range f.Traces[0].Events {
				times = append(times, e.Time)
			}
			if len(times) != len(tt.times) || f.Traces[0].CommonFields.ReferenceTime != tt.ref {
				t.Fatalf("times %v ref %v, want %v ref %v", times, f.Traces[0].CommonFields.ReferenceTime, tt.times, tt.ref)
			}
			for i := range times {
				if times[i] != tt.times[i] {
					t.Errorf("times = %v, want %v", times, tt.times)
				}
			}
		})
	}
	if err := Merge(&bytes.Buffer{}, ""); err == nil {
		t.Error("Merge of nothing succeeded")
	}
}

// FuzzMerge checks that Merge never panics and that whatever it accepts
// comes out as valid JSON.
func FuzzMerge(f *testing.F) {
	f.Add(traceAt(qlog.RoleClient, time.Unix(1e9, 0)))
	f.Add([]byte("\x1e{\"trace\":{\"common_fields\":{\"reference_time\":5,\"time_format\":\"relative_to_previous_event\"}}}\n\x1e{\"time\":1,\"name\":\"a:b\"}\n"))
	f.Add([]byte("\x1e{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		if err := Merge(&out, "t", Input{"fuzz", data}); err != nil {
			return
		}
		if !json.Valid(out.Bytes()) {
			t.Fatalf("invalid JSON output:\n%s", out.Bytes())
		}
	})
}
