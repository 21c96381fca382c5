// Package qlogcheck validates JSON-SEQ qlog traces (.sqlog) against the
// project's checklist (qlog.md section 6): the framing, the hybrid header
// qvis needs, event names of one dialect, required data fields and enums,
// hex encodings, packet number order and unit sanity. Other packages'
// tests call Check on the traces they produce; cmd/qlogcheck wraps it.
package qlogcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogread"
)

// Problem is one finding.
type Problem struct {
	// Record is the 1-based JSON-SEQ record (1 = header); 0 means the
	// file as a whole.
	Record int
	// Warning marks findings that do not make the trace invalid.
	Warning bool
	Msg     string
}

// String formats the problem as "record: message" (the command prefixes
// the file name).
func (p Problem) String() string {
	if p.Warning {
		return fmt.Sprintf("%d: warning: %s", p.Record, p.Msg)
	}
	return fmt.Sprintf("%d: %s", p.Record, p.Msg)
}

// Failed reports whether any problem is more than a warning.
func Failed(ps []Problem) bool {
	for _, p := range ps {
		if !p.Warning {
			return true
		}
	}
	return false
}

// CheckFile reads and checks the file at path.
func CheckFile(path string) ([]Problem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Check(filepath.Base(path), data), nil
}

// Sanity bounds (checklist 13): a value past them was almost surely
// written in µs or ns instead of ms.
const (
	maxTimeMS     = 7 * 24 * 3600 * 1000 // a week
	maxDurationMS = 10 * 60 * 1000       // ten minutes, for RTTs, ack delays, timer deltas
	maxSafeInt    = 1 << 53              // JavaScript's exact integer limit
)

var (
	hexRE       = regexp.MustCompile(`^(?:[0-9a-f]{2})*$`)
	nameRE      = regexp.MustCompile(`^[a-z0-9_]+:[a-z0-9_]+$`)
	fileNameRE  = regexp.MustCompile(`^([0-9a-f]*)_(client|server)\.sqlog$`)
	cryptoErrRE = regexp.MustCompile(`^crypto_error_0x1[0-9a-f]{2}$`)
)

type checker struct {
	probs    []Problem
	rec      int
	names    nameTable
	schemas  map[string][]field
	dialect  dialect
	deltas   bool
	prevTime float64
	lastTime float64
	lastPN   map[string]uint64
	// events counts events; withGroup those carrying their own group_id.
	events, withGroup int
	firstNoGroup      int
}

func (c *checker) errf(format string, args ...any) {
	c.probs = append(c.probs, Problem{Record: c.rec, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) warnf(format string, args ...any) {
	c.probs = append(c.probs, Problem{Record: c.rec, Warning: true, Msg: fmt.Sprintf(format, args...)})
}

// Check validates one .sqlog file; name is its base name, whose
// "<odcid>_<client|server>.sqlog" form is checked against the header
// ("" skips that).
func Check(name string, data []byte) []Problem {
	c := &checker{names: names(), schemas: schemas(), lastPN: map[string]uint64{}}
	recs, lead := qlogread.Records(data)
	if len(lead) != 0 || len(recs) == 0 {
		c.errf("file does not start with a record separator (0x1e)")
	}
	var objs []map[string]any
	for i, r := range recs {
		c.rec = r.Index
		last := i == len(recs)-1
		obj, err := decodeObject(r.JSON)
		switch {
		case last && r.Torn && (err != nil || len(r.JSON) == 0):
			c.warnf("torn last record (a writer stopped mid-record); ignored")
			continue
		case len(r.JSON) == 0:
			c.errf("empty record")
			continue
		case err != nil:
			c.errf("record is not one valid JSON object: %v", err)
			continue
		case r.Torn && !last:
			c.errf("record does not end with LF")
		case r.Torn:
			c.warnf("last record does not end with LF")
		}
		if i == 0 {
			c.header(obj, name)
			continue
		}
		objs = append(objs, obj)
		c.event(obj)
	}
	c.rec = 0
	if len(recs) > 0 && len(objs) == 0 {
		c.errf("trace has no events (qvis cannot load an empty trace)")
	}
	if c.withGroup > 0 && c.withGroup < c.events {
		c.rec = c.firstNoGroup
		c.errf("group_id is on some events but not all")
	}
	return c.probs
}

// decodeObject decodes exactly one JSON object, numbers kept as text.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("more than one JSON value")
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not an object")
	}
	return obj, nil
}

// header checks record 1 (checklist 2-5).
func (c *checker) header(h map[string]any, fileName string) {
	expect := [...][2]string{
		{"qlog_version", "0.3"},
		{"qlog_format", "JSON-SEQ"},
		{"file_schema", "urn:ietf:params:qlog:file:sequential"},
		{"serialization_format", "application/qlog+json-seq"},
	}
	for _, kv := range expect {
		if v, ok := h[kv[0]].(string); !ok || v != kv[1] {
			c.errf("header: %s must be %q, have %s", kv[0], kv[1], show(h[kv[0]]))
		}
	}
	trace, ok := h["trace"].(map[string]any)
	if !ok {
		c.errf("header: trace must be an object")
		return
	}
	if _, ok := trace["events"]; ok {
		c.errf("header: a JSON-SEQ trace must not hold an events array")
	}
	vp, _ := trace["vantage_point"].(map[string]any)
	role, _ := vp["type"].(string)
	if role != "client" && role != "server" {
		c.errf("header: vantage_point.type must be client or server, have %s", show(vp["type"]))
	}
	schemas, ok := trace["event_schemas"].([]any)
	if !ok || len(schemas) == 0 {
		c.errf("header: event_schemas must be a non-empty array")
	}
	for _, s := range schemas {
		str, _ := s.(string)
		if u, err := url.Parse(str); err != nil || u.Scheme == "" {
			c.errf("header: event_schemas entry %s is not an absolute URI", show(s))
		}
	}
	cf, _ := trace["common_fields"].(map[string]any)
	switch tf := cf["time_format"]; tf {
	case nil, "relative_to_epoch":
	case "relative_to_previous_event":
		c.deltas = true
	default:
		c.errf("header: time_format %s is neither relative_to_epoch nor relative_to_previous_event", show(tf))
	}
	switch rt := cf["reference_time"].(type) {
	case nil:
		c.warnf("header: no reference_time")
	case map[string]any:
		ct, ok1 := rt["clock_type"].(string)
		ep, ok2 := rt["epoch"].(string)
		if !ok1 || !ok2 {
			c.errf("header: reference_time needs string clock_type and epoch")
		} else if ct == "monotonic" && ep != "unknown" {
			c.errf("header: a monotonic reference_time must have epoch \"unknown\", have %q", ep)
		}
	default:
		c.errf("header: reference_time must be an object, have %s", show(rt))
	}
	gid, hasGroup := cf["group_id"]
	gs, _ := gid.(string)
	if hasGroup && (gs == "" || !hexRE.MatchString(gs)) {
		c.errf("header: group_id %s is not lowercase even-length hex", show(gid))
	}
	if m := fileNameRE.FindStringSubmatch(fileName); m != nil {
		if hasGroup && gs != m[1] {
			c.errf("header: group_id %q differs from the ODCID %q in the file name", gs, m[1])
		}
		if role != "" && role != m[2] {
			c.errf("header: vantage_point.type %q differs from the file name's %q", role, m[2])
		}
	} else if fileName != "" {
		c.warnf("file name %q is not <odcid>_<client|server>.sqlog", fileName)
	}
}

// event checks one event record (checklist 6-13).
func (c *checker) event(ev map[string]any) {
	c.events++
	for _, k := range sortedKeys(ev) {
		switch k {
		case "time", "name", "data", "tuple", "group_id", "time_format", "system_info":
		default:
			c.errf("unexpected top-level key %q", k)
		}
	}
	if _, ok := ev["group_id"]; ok {
		c.withGroup++
	} else if c.firstNoGroup == 0 {
		c.firstNoGroup = c.rec
	}
	walkNumbers(ev, "", c)

	t, ok := number(ev["time"])
	switch {
	case !ok:
		c.errf("time must be a number, have %s", show(ev["time"]))
	case t < 0:
		c.errf("time %v is negative", t)
	default:
		if c.deltas {
			t += c.prevTime
			c.prevTime = t
		}
		if t < c.lastTime {
			c.errf("time %v goes back from %v", t, c.lastTime)
		}
		c.lastTime = max(c.lastTime, t)
		if t > maxTimeMS {
			c.errf("time %v ms is over a week: µs or ns written as ms?", t)
		}
	}

	name, _ := ev["name"].(string)
	if !nameRE.MatchString(name) {
		c.errf("name must be namespace:type, have %s", show(ev["name"]))
		name = ""
	}
	data, ok := ev["data"].(map[string]any)
	if !ok {
		c.errf("data must be an object, have %s", show(ev["data"]))
	}
	if name == "" {
		return
	}
	info, known := c.names[name]
	if !known {
		c.errf("unknown event name %q", name)
		return
	}
	if c.dialect == dialectNone {
		c.dialect = info.dialect
	} else if info.dialect != c.dialect {
		c.errf("event name %q is %s but the trace started in %s: dialects mixed", name, info.dialect, c.dialect)
	}
	if data == nil || info.legacy == "" {
		return
	}
	c.data(info.legacy, data)
}

// data checks an event's fields against its schema (checklist 9) and the
// per-event rules of 10-13.
func (c *checker) data(name string, d map[string]any) {
	for _, f := range c.schemas[name] {
		v, ok := d[f.name]
		if !ok {
			if f.required {
				c.errf("%s: required data.%s missing", name, f.name)
			}
			continue
		}
		c.value("data."+f.name, v, f.kind, f.enum)
	}
	switch name {
	case "recovery:metrics_updated":
		n := 0
		for _, f := range metricsFields {
			if _, ok := d[f]; ok {
				n++
			}
		}
		if n == 0 {
			c.errf("%s: needs at least one metric", name)
		}
		for _, f := range [...]string{"min_rtt", "smoothed_rtt", "latest_rtt", "rtt_variance"} {
			c.duration("data."+f, d[f])
		}
	case "recovery:loss_timer_updated":
		c.duration("data.delta", d["delta"])
	case "connectivity:connection_closed":
		if s, ok := d["connection_error"].(string); ok && !isTransportErrorName(s) {
			c.errf("%s: connection_error %q is not a transport error name", name, s)
		}
	case "transport:packet_sent", "transport:packet_received":
		c.packet(name, d)
	case "transport:packet_dropped", "transport:packet_buffered", "recovery:packet_lost":
		if h, ok := d["header"].(map[string]any); ok {
			c.header2(name, h, false)
		}
		c.frames(name, d["frames"])
	case "recovery:marked_for_retransmit", "transport:frames_processed":
		c.frames(name, d["frames"])
	case "transport:parameters_set":
		c.hexLen("data.stateless_reset_token", d["stateless_reset_token"], 16)
		if pa, ok := d["preferred_address"].(map[string]any); ok {
			c.value("data.preferred_address.connection_id", pa["connection_id"], kHex, nil)
			c.hexLen("data.preferred_address.stateless_reset_token", pa["stateless_reset_token"], 16)
		}
	case "transport:version_information":
		for _, k := range [...]string{"client_versions", "server_versions"} {
			c.versions("data."+k, d[k])
		}
		c.hexLen("data.chosen_version", d["chosen_version"], 4)
	case "transport:packets_acked":
		if pns, ok := d["packet_numbers"].([]any); ok {
			for i, pn := range pns {
				c.value(fmt.Sprintf("data.packet_numbers[%d]", i), pn, kUint, nil)
			}
		}
	}
}

// packet checks packet_sent/received (checklist 10-12).
func (c *checker) packet(name string, d map[string]any) {
	h, ok := d["header"].(map[string]any)
	if !ok {
		return
	}
	pt := c.header2(name, h, true)
	raw, _ := d["raw"].(map[string]any)
	if l, ok := raw["length"]; !ok {
		c.errf("%s: raw.length missing (qvis skips the packet)", name)
	} else if n, ok := uintValue(l); !ok || n == 0 {
		c.errf("%s: raw.length must be a positive integer, have %s", name, show(l))
	}
	c.frames(name, d["frames"])
	if pt == "version_negotiation" {
		c.versions("data.supported_versions", d["supported_versions"])
	}
	c.hexLen("data.stateless_reset_token", d["stateless_reset_token"], 16)
	if name != "transport:packet_sent" {
		return
	}
	space := ""
	switch pt {
	case "initial", "handshake":
		space = pt
	case "0RTT", "1RTT":
		space = "application_data"
	}
	pn, ok := uintValue(h["packet_number"])
	if space == "" || !ok {
		return
	}
	if last, seen := c.lastPN[space]; seen && pn <= last {
		c.errf("%s: packet_number %d does not increase in the %s space (last %d)", name, pn, space, last)
	}
	c.lastPN[space] = pn
}

// header2 checks a PacketHeader and returns its packet_type.
func (c *checker) header2(name string, h map[string]any, needPN bool) string {
	pt, _ := h["packet_type"].(string)
	switch pt {
	case "initial", "handshake", "0RTT", "1RTT":
		if _, ok := h["packet_number"]; !ok && needPN {
			c.errf("%s: header.packet_number missing for a %s packet", name, pt)
		}
	case "retry", "version_negotiation", "stateless_reset", "unknown":
	default:
		c.errf("%s: header.packet_type %s is not a qlog PacketType", name, show(h["packet_type"]))
	}
	if v, ok := h["packet_number"]; ok {
		c.value("header.packet_number", v, kUint, nil)
	}
	for _, k := range [...]string{"scid", "dcid"} {
		if v, ok := h[k]; ok {
			c.value("header."+k, v, kHex, nil)
		}
	}
	c.hexLen("header.version", h["version"], 4)
	if tok, ok := h["token"].(map[string]any); ok {
		if raw, ok := tok["raw"].(map[string]any); ok {
			if v, ok := raw["data"]; ok {
				c.value("header.token.raw.data", v, kHex, nil)
			}
		}
	}
	return pt
}

// frames checks a frames array (checklist 10-12).
func (c *checker) frames(name string, v any) {
	fs, ok := v.([]any)
	if !ok {
		return
	}
	known := map[string]bool{}
	for _, n := range qlog.FrameTypeNames() {
		known[n] = true
	}
	for i, fv := range fs {
		p := fmt.Sprintf("frames[%d]", i)
		f, ok := fv.(map[string]any)
		if !ok {
			c.errf("%s: %s is not an object", name, p)
			continue
		}
		ft, _ := f["frame_type"].(string)
		if !known[ft] {
			c.errf("%s: %s.frame_type %s is not a QUIC frame type", name, p, show(f["frame_type"]))
			continue
		}
		switch ft {
		case "stream", "crypto":
			if _, ok := f["offset"]; !ok {
				c.errf("%s: %s (%s) has no offset", name, p, ft)
			} else {
				c.value(p+".offset", f["offset"], kUint, nil)
			}
			raw, _ := f["raw"].(map[string]any)
			l, ok1 := uintValue(f["length"])
			rl, ok2 := uintValue(raw["length"])
			if !ok1 || !ok2 || l != rl {
				c.errf("%s: %s (%s) needs length equal to raw.length (qvis reads length), have %s and %s",
					name, p, ft, show(f["length"]), show(raw["length"]))
			}
		case "ack":
			c.duration(p+".ack_delay", f["ack_delay"])
			ranges, _ := f["acked_ranges"].([]any)
			for j, rv := range ranges {
				r, ok := rv.([]any)
				if !ok || len(r) < 1 || len(r) > 2 {
					c.errf("%s: %s.acked_ranges[%d] must be [n] or [lo,hi]", name, p, j)
					continue
				}
				lo, ok1 := uintValue(r[0])
				hi, ok2 := lo, true
				if len(r) == 2 {
					hi, ok2 = uintValue(r[1])
				}
				if !ok1 || !ok2 || lo > hi {
					c.errf("%s: %s.acked_ranges[%d] %s is not [lo,hi] with lo <= hi", name, p, j, show(rv))
				}
			}
		case "new_connection_id":
			c.value(p+".connection_id", f["connection_id"], kHex, nil)
			c.hexLen(p+".stateless_reset_token", f["stateless_reset_token"], 16)
		case "path_challenge", "path_response":
			c.hexLen(p+".data", f["data"], 8)
		case "new_token":
			tok, _ := f["token"].(map[string]any)
			raw, _ := tok["raw"].(map[string]any)
			if v, ok := raw["data"]; ok {
				c.value(p+".token.raw.data", v, kHex, nil)
			}
		}
	}
}

// value checks one value's kind and enum (checklist 9, 11).
func (c *checker) value(path string, v any, k kind, enum []string) {
	ok := false
	switch k {
	case kString:
		s, isStr := v.(string)
		ok = isStr
		if ok && enum != nil && !contains(enum, s) {
			c.errf("%s %q is not one of %s", path, s, strings.Join(enum, "|"))
			return
		}
	case kUint:
		_, ok = uintValue(v)
	case kNumber:
		_, ok = number(v)
	case kBool:
		_, ok = v.(bool)
	case kObject:
		_, ok = v.(map[string]any)
	case kArray:
		_, ok = v.([]any)
	case kHex:
		s, isStr := v.(string)
		ok = isStr && hexRE.MatchString(s)
	}
	if !ok {
		c.errf("%s must be %s, have %s", path, k, show(v))
	}
}

// hexLen checks an optional hex field of a fixed byte length (checklist 11).
func (c *checker) hexLen(path string, v any, n int) {
	if v == nil {
		return
	}
	s, ok := v.(string)
	if !ok || len(s) != 2*n || !hexRE.MatchString(s) {
		c.errf("%s must be %d lowercase hex digits, have %s", path, 2*n, show(v))
	}
}

func (c *checker) versions(path string, v any) {
	vs, ok := v.([]any)
	if !ok {
		return
	}
	for i, x := range vs {
		c.hexLen(fmt.Sprintf("%s[%d]", path, i), x, 4)
	}
}

// duration checks an optional ms field against the sanity bound (checklist 13).
func (c *checker) duration(path string, v any) {
	if v == nil {
		return
	}
	f, ok := number(v)
	if ok && (f > maxDurationMS || f < -maxDurationMS) {
		c.errf("%s %v ms is over ten minutes: µs or ns written as ms?", path, f)
	}
}

// walkNumbers flags numbers JavaScript cannot hold exactly (checklist 13).
func walkNumbers(v any, path string, c *checker) {
	switch x := v.(type) {
	case json.Number:
		if f, err := x.Float64(); err != nil || f > maxSafeInt || f < -maxSafeInt {
			c.errf("%s = %s is beyond 2^53 (qvis is JavaScript)", path, x)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) { // problems in a stable order
			walkNumbers(x[k], joinPath(path, k), c)
		}
	case []any:
		for i, e := range x {
			walkNumbers(e, fmt.Sprintf("%s[%d]", path, i), c)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func uintValue(v any) (uint64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	u, err := strconv.ParseUint(string(n), 10, 64)
	return u, err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isTransportErrorName(s string) bool {
	if cryptoErrRE.MatchString(s) || s == "unknown" {
		return true
	}
	for code := uint64(0); code < 0x100; code++ {
		n := qlog.TransportErrorName(code)
		if n == "unknown" {
			return false
		}
		if n == s {
			return true
		}
	}
	return false
}

// show renders a JSON value for a message, shortened.
func show(v any) string {
	if v == nil {
		return "nothing"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 60 {
		return string(b[:57]) + "..."
	}
	return string(b)
}
