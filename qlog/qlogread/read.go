// Package qlogread parses JSON-SEQ qlog traces (.sqlog) back into values,
// so tests can assert on what a connection logged:
//
//	tr, err := qlogread.ReadFile(path)
//	ok := tr.Any("transport:packet_sent", func(e qlogread.Event) bool {
//		v, _ := e.Number("header.key_phase")
//		return v == 1
//	})
package qlogread

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Record is one JSON-SEQ record (RFC 7464): the text between an RS byte
// and the next, without surrounding whitespace.
type Record struct {
	// Index counts records from 1 (the header).
	Index int
	JSON  []byte
	// Torn reports a record that does not end in LF: a writer that died
	// mid-record leaves one at the end of the file.
	Torn bool
}

// Records splits a JSON-SEQ file. lead is whatever precedes the first RS
// (nothing, in a valid file).
func Records(data []byte) (recs []Record, lead []byte) {
	i := bytes.IndexByte(data, 0x1e)
	if i < 0 {
		return nil, data
	}
	lead, data = data[:i], data[i+1:]
	for n := 1; ; n++ {
		j := bytes.IndexByte(data, 0x1e)
		chunk := data
		if j >= 0 {
			chunk = data[:j]
		}
		trimmed := bytes.TrimRight(chunk, " \t\r")
		torn := !bytes.HasSuffix(trimmed, []byte{'\n'})
		recs = append(recs, Record{Index: n, JSON: bytes.TrimSpace(chunk), Torn: torn})
		if j < 0 {
			return recs, lead
		}
		data = data[j+1:]
	}
}

// Event is one qlog event. Data holds JSON values as encoding/json
// decodes them into any (numbers as float64).
type Event struct {
	// Time is in milliseconds since the trace's reference time, with
	// relative_to_previous_event deltas already summed.
	Time float64
	Name string
	Data map[string]any
}

// Trace is a parsed .sqlog file.
type Trace struct {
	Header map[string]any
	Events []Event
	// Deltas reports a trace written with time_format
	// relative_to_previous_event.
	Deltas bool
}

// ReadFile parses the .sqlog file at path.
func ReadFile(path string) (*Trace, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse parses a .sqlog file: a header record, then events. A torn last
// record is ignored; any other bad record is an error naming it.
func Parse(data []byte) (*Trace, error) {
	recs, lead := Records(data)
	if len(bytes.TrimSpace(lead)) != 0 {
		return nil, fmt.Errorf("qlogread: %d bytes before the first record separator", len(lead))
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("qlogread: no records")
	}
	tr := &Trace{}
	if err := json.Unmarshal(recs[0].JSON, &tr.Header); err != nil || tr.Header == nil {
		return nil, fmt.Errorf("qlogread: record 1: header is not a JSON object")
	}
	tr.Deltas = timeFormat(tr.Header) == "relative_to_previous_event"
	var prev float64
	for i, r := range recs[1:] {
		var raw struct {
			Time *float64       `json:"time"`
			Name *string        `json:"name"`
			Data map[string]any `json:"data"`
		}
		if err := json.Unmarshal(r.JSON, &raw); err != nil {
			if r.Torn && i == len(recs)-2 {
				break
			}
			return nil, fmt.Errorf("qlogread: record %d: %v", r.Index, err)
		}
		if raw.Time == nil || raw.Name == nil {
			return nil, fmt.Errorf("qlogread: record %d: event without time or name", r.Index)
		}
		t := *raw.Time
		if tr.Deltas {
			t += prev
			prev = t
		}
		if math.IsInf(t, 0) {
			return nil, fmt.Errorf("qlogread: record %d: time overflows", r.Index)
		}
		tr.Events = append(tr.Events, Event{Time: t, Name: *raw.Name, Data: raw.Data})
	}
	return tr, nil
}

func timeFormat(h map[string]any) string {
	trace, _ := h["trace"].(map[string]any)
	cf, _ := trace["common_fields"].(map[string]any)
	s, _ := cf["time_format"].(string)
	return s
}

// Encode writes the trace back as a .sqlog file, times resolved: a delta
// trace comes out as relative_to_epoch.
func (t *Trace) Encode() ([]byte, error) {
	var buf bytes.Buffer
	h := t.Header
	if t.Deltas {
		h = cloneMap(h)
		trace := cloneMap(h["trace"].(map[string]any))
		cf := cloneMap(trace["common_fields"].(map[string]any))
		cf["time_format"] = "relative_to_epoch"
		trace["common_fields"] = cf
		h["trace"] = trace
	}
	if err := writeRecord(&buf, h); err != nil {
		return nil, err
	}
	for _, e := range t.Events {
		rec := map[string]any{"time": e.Time, "name": e.Name}
		if e.Data != nil {
			rec["data"] = e.Data
		}
		if err := writeRecord(&buf, rec); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

func writeRecord(buf *bytes.Buffer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	buf.WriteByte(0x1e)
	buf.Write(b)
	buf.WriteByte('\n')
	return nil
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Find returns the events called name.
func (t *Trace) Find(name string) []Event {
	var out []Event
	for _, e := range t.Events {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// Any reports whether an event called name satisfies pred (nil: any such
// event).
func (t *Trace) Any(name string, pred func(Event) bool) bool {
	for _, e := range t.Events {
		if e.Name == name && (pred == nil || pred(e)) {
			return true
		}
	}
	return false
}

// Get returns the value at a dotted path in the event's data, such as
// "header.packet_type" or "frames.0.frame_type" (numbers index arrays).
func (e Event) Get(path string) (any, bool) {
	var v any = e.Data
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// Number returns the number at path.
func (e Event) Number(path string) (float64, bool) {
	v, ok := e.Get(path)
	f, isNum := v.(float64)
	return f, ok && isNum
}

// String returns the string at path.
func (e Event) String(path string) (string, bool) {
	v, ok := e.Get(path)
	s, isStr := v.(string)
	return s, ok && isStr
}

// FrameTypes returns the frame_type of each frame of a packet event, in
// order.
func (e Event) FrameTypes() []string {
	frames, _ := e.Get("frames")
	list, _ := frames.([]any)
	var types []string
	for _, f := range list {
		if m, ok := f.(map[string]any); ok {
			if t, ok := m["frame_type"].(string); ok {
				types = append(types, t)
			}
		}
	}
	return types
}
