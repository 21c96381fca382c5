// Package qlogmerge merges JSON-SEQ traces (a client's and a server's
// .sqlog) into one qlog 0.3 .qlog JSON file, the only way qvis shows both
// ends of a connection together (qlog.md 3.1). Each trace gets a numeric
// reference_time in ms since the Unix epoch, taken from the header's
// wall_clock_time, and time_format "relative", which qvis uses to align
// the two clocks.
package qlogmerge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/quicr/quicr/qlog/qlogread"
)

// Input is one trace to merge.
type Input struct {
	Name string // for error messages
	Data []byte // the .sqlog file
}

// trace is one parsed input, events kept as raw JSON.
type trace struct {
	header    map[string]any
	reference float64 // ms since the Unix epoch
	events    []event
}

type event struct {
	time float64
	name string
	data json.RawMessage
}

// Merge writes one .qlog file holding every input as a trace, in order.
func Merge(w io.Writer, title string, inputs ...Input) error {
	if len(inputs) == 0 {
		return fmt.Errorf("qlogmerge: no traces")
	}
	traces := make([]*trace, 0, len(inputs))
	for _, in := range inputs {
		t, err := parse(in.Data)
		if err != nil {
			return fmt.Errorf("qlogmerge: %s: %w", in.Name, err)
		}
		traces = append(traces, t)
	}
	var b bytes.Buffer
	b.WriteString(`{"qlog_version":"0.3","qlog_format":"JSON","file_schema":"urn:ietf:params:qlog:file:contained","serialization_format":"application/qlog+json","title":`)
	writeJSON(&b, title)
	b.WriteString(`,"traces":[`)
	for i, t := range traces {
		if i > 0 {
			b.WriteByte(',')
		}
		t.write(&b)
	}
	b.WriteString("]}\n")
	_, err := w.Write(b.Bytes())
	return err
}

func parse(data []byte) (*trace, error) {
	recs, lead := qlogread.Records(data)
	if len(bytes.TrimSpace(lead)) != 0 || len(recs) == 0 {
		return nil, fmt.Errorf("not a JSON-SEQ file")
	}
	t := &trace{}
	if err := json.Unmarshal(recs[0].JSON, &t.header); err != nil || t.header == nil {
		return nil, fmt.Errorf("record 1: header is not a JSON object")
	}
	tr, _ := t.header["trace"].(map[string]any)
	cf, _ := tr["common_fields"].(map[string]any)
	ref, err := referenceMS(cf["reference_time"])
	if err != nil {
		return nil, err
	}
	t.reference = ref
	deltas := cf["time_format"] == "relative_to_previous_event"
	var prev float64
	for i, r := range recs[1:] {
		var e struct {
			Time *float64        `json:"time"`
			Name string          `json:"name"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(r.JSON, &e); err != nil || e.Time == nil {
			if r.Torn && i == len(recs)-2 {
				break // a writer died mid-record: keep what came before
			}
			return nil, fmt.Errorf("record %d: not a qlog event", r.Index)
		}
		tm := *e.Time
		if deltas {
			tm += prev
			prev = tm
		}
		if math.IsInf(tm, 0) {
			return nil, fmt.Errorf("record %d: time overflows", r.Index)
		}
		if e.Data == nil {
			e.Data = json.RawMessage("{}")
		}
		t.events = append(t.events, event{time: tm, name: e.Name, data: e.Data})
	}
	if len(t.events) == 0 {
		return nil, fmt.Errorf("trace has no events")
	}
	return t, nil
}

// referenceMS turns a header reference_time into ms since the Unix epoch:
// the wall_clock_time of a monotonic clock, the epoch of a system clock,
// or a number as qlog 0.3 wrote it.
func referenceMS(v any) (float64, error) {
	switch rt := v.(type) {
	case float64:
		return rt, nil
	case map[string]any:
		for _, k := range [...]string{"wall_clock_time", "epoch"} {
			s, _ := rt[k].(string)
			if s == "" || s == "unknown" {
				continue
			}
			tm, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return 0, fmt.Errorf("reference_time.%s: %v", k, err)
			}
			return float64(tm.UnixMicro()) / 1000, nil
		}
	}
	return 0, fmt.Errorf("header has no wall_clock_time to align the trace by")
}

// write emits the trace in the qlog 0.3 form qvis reads.
func (t *trace) write(b *bytes.Buffer) {
	tr, _ := t.header["trace"].(map[string]any)
	cf, _ := tr["common_fields"].(map[string]any)
	b.WriteString("\n{")
	if title, ok := tr["title"]; ok {
		b.WriteString(`"title":`)
		writeJSON(b, title)
		b.WriteByte(',')
	} else if title, ok := t.header["title"]; ok {
		b.WriteString(`"title":`)
		writeJSON(b, title)
		b.WriteByte(',')
	}
	b.WriteString(`"vantage_point":`)
	writeJSON(b, tr["vantage_point"])
	b.WriteString(`,"common_fields":{`)
	if g, ok := cf["group_id"]; ok {
		b.WriteString(`"group_id":`)
		writeJSON(b, g)
		b.WriteByte(',')
	}
	b.WriteString(`"protocol_type":["QUIC"],"time_format":"relative","reference_time":`)
	b.WriteString(strconv.FormatFloat(t.reference, 'f', -1, 64))
	b.WriteString(`},"event_schemas":`)
	if s, ok := tr["event_schemas"]; ok {
		writeJSON(b, s)
	} else {
		b.WriteString("[]")
	}
	b.WriteString(`,"events":[`)
	for i, e := range t.events {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n{\"time\":")
		b.WriteString(strconv.FormatFloat(e.time, 'f', -1, 64))
		b.WriteString(`,"name":`)
		writeJSON(b, e.name)
		b.WriteString(`,"data":`)
		if err := json.Compact(b, e.data); err != nil {
			b.WriteString("{}")
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
}

func writeJSON(b *bytes.Buffer, v any) {
	out, err := json.Marshal(v)
	if err != nil || v == nil {
		b.WriteString("null")
		return
	}
	b.Write(out)
}
