package qlogcheck

import (
	"strings"

	"github.com/quicr/quicr/qlog"
)

// kind is the JSON type a data field must have.
type kind uint8

const (
	kString kind = iota + 1
	kUint        // non-negative integer
	kNumber      // any number
	kBool
	kObject
	kArray
	kHex // lowercase hex string of whole bytes
)

func (k kind) String() string {
	switch k {
	case kString:
		return "a string"
	case kUint:
		return "a non-negative integer"
	case kNumber:
		return "a number"
	case kBool:
		return "a boolean"
	case kObject:
		return "an object"
	case kArray:
		return "an array"
	case kHex:
		return "a lowercase hex string"
	}
	return "?"
}

// field is one data field an event may carry (qlog.md 2.2).
type field struct {
	name     string
	kind     kind
	required bool
	enum     []string // allowed string values; nil: any
}

func req(name string, k kind, enum ...string) field {
	return field{name: name, kind: k, required: true, enum: enum}
}

func opt(name string, k kind, enum ...string) field {
	return field{name: name, kind: k, enum: enum}
}

// schemas returns the data fields per event, keyed by the 0.3 name. A
// function, not a variable: the checker keeps no package-level state.
func schemas() map[string][]field {
	// Enumerations of quic-events.
	initiators := []string{"local", "remote"}
	spaces := []string{"initial", "handshake", "application_data"}
	keyTypes := []string{"server_initial_secret", "client_initial_secret", "server_handshake_secret", "client_handshake_secret", "server_0rtt_secret", "client_0rtt_secret", "server_1rtt_secret", "client_1rtt_secret"}
	keyTriggers := []string{"tls", "remote_update", "local_update"}
	closeTriggers := []string{"idle_timeout", "application", "error", "version_mismatch", "stateless_reset", "aborted", "unspecified"}
	sentTriggers := []string{"retransmit_reordered", "retransmit_timeout", "pto_probe", "retransmit_crypto", "cc_bandwidth_probe"}
	dropTriggers := []string{"internal_error", "rejected", "unsupported", "invalid", "duplicate", "connection_unknown", "decryption_failure", "key_unavailable", "general"}
	migrationStates := []string{"probing_started", "probing_abandoned", "probing_successful", "migration_started", "migration_abandoned", "migration_complete"}

	return map[string][]field{
		"connectivity:connection_started": {req("local", kObject), req("remote", kObject)},
		"connectivity:connection_closed": {
			opt("initiator", kString, initiators...), opt("connection_error", kString),
			opt("application_error", kString), opt("error_code", kUint), opt("internal_code", kUint),
			opt("reason", kString), opt("trigger", kString, closeTriggers...),
		},
		"connectivity:connection_state_updated": {req("new", kString), opt("old", kString)},
		"connectivity:connection_id_updated":    {req("initiator", kString, initiators...), opt("old", kHex), opt("new", kHex)},
		"connectivity:spin_bit_updated":         {req("state", kBool)},
		"connectivity:mtu_updated":              {req("new", kUint), opt("old", kUint), opt("done", kBool)},
		"transport:version_information": {
			opt("client_versions", kArray), opt("server_versions", kArray), opt("chosen_version", kHex),
		},
		"transport:alpn_information": {opt("client_alpns", kArray), opt("server_alpns", kArray), opt("chosen_alpn", kObject)},
		"transport:parameters_set": {
			opt("initiator", kString, initiators...), opt("owner", kString, initiators...),
			opt("tls_cipher", kString), opt("resumption_allowed", kBool), opt("early_data_enabled", kBool),
			opt("original_destination_connection_id", kHex), opt("initial_source_connection_id", kHex),
			opt("retry_source_connection_id", kHex), opt("stateless_reset_token", kHex),
			opt("disable_active_migration", kBool), opt("max_idle_timeout", kUint),
			opt("max_udp_payload_size", kUint), opt("ack_delay_exponent", kUint), opt("max_ack_delay", kUint),
			opt("active_connection_id_limit", kUint), opt("initial_max_data", kUint),
			opt("initial_max_stream_data_bidi_local", kUint), opt("initial_max_stream_data_bidi_remote", kUint),
			opt("initial_max_stream_data_uni", kUint), opt("initial_max_streams_bidi", kUint),
			opt("initial_max_streams_uni", kUint), opt("preferred_address", kObject),
			opt("unknown_parameters", kArray), opt("max_datagram_frame_size", kUint),
			opt("grease_quic_bit", kBool), opt("reset_stream_at", kBool),
		},
		"transport:parameters_restored": {opt("initial_max_data", kUint), opt("max_idle_timeout", kUint)},
		"transport:packet_sent": {
			req("header", kObject), opt("frames", kArray), opt("raw", kObject),
			opt("is_mtu_probe_packet", kBool), opt("supported_versions", kArray),
			opt("stateless_reset_token", kHex), opt("datagram_payload_checksum", kUint),
			opt("trigger", kString, sentTriggers...),
		},
		"transport:packet_received": {
			req("header", kObject), opt("frames", kArray), opt("raw", kObject),
			opt("supported_versions", kArray), opt("stateless_reset_token", kHex),
			opt("datagram_payload_checksum", kUint), opt("trigger", kString, "keys_available"),
		},
		"transport:packet_dropped": {
			opt("header", kObject), opt("raw", kObject), opt("details", kObject),
			opt("trigger", kString, dropTriggers...),
		},
		"transport:packet_buffered": {
			opt("header", kObject), opt("raw", kObject), opt("trigger", kString, "backpressure", "keys_unavailable"),
		},
		"transport:packets_acked": {opt("packet_number_space", kString, spaces...), opt("packet_numbers", kArray)},
		"transport:stream_state_updated": {
			req("stream_id", kUint), req("new", kString), req("stream_side", kString, "sending", "receiving"),
			opt("old", kString), opt("stream_type", kString, "unidirectional", "bidirectional"),
			opt("trigger", kString, "local", "remote"),
		},
		"transport:datagrams_sent":     {opt("count", kUint), opt("raw", kArray), opt("ecn", kArray), opt("datagram_payload_checksums", kArray)},
		"transport:datagrams_received": {opt("count", kUint), opt("raw", kArray), opt("ecn", kArray), opt("datagram_payload_checksums", kArray)},
		"transport:datagram_dropped":   {opt("raw", kObject)},
		"transport:frames_processed":   {req("frames", kArray), opt("packet_numbers", kArray)},
		"transport:data_moved":         {opt("stream_id", kUint), opt("offset", kUint), opt("from", kString), opt("to", kString), opt("raw", kObject)},
		"security:key_updated":         {req("key_type", kString, keyTypes...), opt("key_phase", kUint), opt("trigger", kString, keyTriggers...)},
		"security:key_discarded":       {req("key_type", kString, keyTypes...), opt("key_phase", kUint), opt("trigger", kString, keyTriggers...)},
		"recovery:parameters_set": {
			req("timer_granularity", kNumber), opt("reordering_threshold", kUint), opt("time_threshold", kNumber),
			opt("initial_rtt", kNumber), opt("max_datagram_size", kUint), opt("initial_congestion_window", kUint),
			opt("minimum_congestion_window", kUint), opt("loss_reduction_factor", kNumber),
			opt("persistent_congestion_threshold", kUint),
		},
		"recovery:metrics_updated": {
			opt("min_rtt", kNumber), opt("smoothed_rtt", kNumber), opt("latest_rtt", kNumber),
			opt("rtt_variance", kNumber), opt("pto_count", kUint), opt("congestion_window", kUint),
			opt("bytes_in_flight", kUint), opt("ssthresh", kUint), opt("packets_in_flight", kUint),
			opt("pacing_rate", kUint),
		},
		"recovery:congestion_state_updated": {req("new", kString), opt("old", kString), opt("trigger", kString)},
		"recovery:loss_timer_updated": {
			req("event_type", kString, "set", "expired", "cancelled"), opt("timer_type", kString),
			opt("packet_number_space", kString, spaces...), opt("delta", kNumber),
		},
		"recovery:packet_lost": {
			opt("header", kObject), opt("frames", kArray), opt("is_mtu_probe_packet", kBool),
			opt("trigger", kString, "reordering_threshold", "time_threshold", "pto_expired"),
		},
		"recovery:marked_for_retransmit":    {req("frames", kArray)},
		"recovery:ecn_state_updated":        {req("new", kString, "testing", "unknown", "failed", "capable"), opt("old", kString, "testing", "unknown", "failed", "capable")},
		"transport:tuple_assigned":          {req("tuple_id", kString), opt("tuple_local", kObject), opt("tuple_remote", kObject)},
		"transport:migration_state_updated": {req("new", kString, migrationStates...), opt("old", kString, migrationStates...), opt("tuple_id", kString)},
	}
}

// metricsFields are the fields of which metrics_updated needs at least one.
var metricsFields = [...]string{"min_rtt", "smoothed_rtt", "latest_rtt", "rtt_variance", "pto_count", "congestion_window", "bytes_in_flight", "ssthresh", "packets_in_flight", "pacing_rate"}

// h3Types are the HTTP/3 event types, 0.3 category "http", draft
// namespace "http3" (draft-ietf-quic-qlog-h3-events).
var h3Types = [...]string{"parameters_set", "parameters_restored", "stream_type_set", "priority_updated", "frame_created", "frame_parsed", "datagram_created", "datagram_parsed", "push_resolved"}

// dialect of an event name.
type dialect uint8

const (
	dialectNone dialect = iota
	dialectLegacy
	dialectDraft
)

func (d dialect) String() string {
	if d == dialectDraft {
		return "newest-draft"
	}
	return "qlog 0.3"
}

// nameTable maps every allowed event name to its dialect and to the 0.3
// name its schema is filed under.
type nameTable map[string]nameInfo

type nameInfo struct {
	dialect dialect
	legacy  string
}

func names() nameTable {
	t := nameTable{}
	for _, n := range qlog.EventNames() {
		t[n.Legacy] = nameInfo{dialectLegacy, n.Legacy}
		t[n.Draft] = nameInfo{dialectDraft, n.Legacy}
	}
	for _, n := range qlog.DraftOnlyNames() {
		legacy := ""
		if strings.HasSuffix(n, "frames_created") {
			legacy = "transport:frames_processed"
		}
		t[n] = nameInfo{dialectDraft, legacy}
	}
	for _, typ := range h3Types {
		t["http:"+typ] = nameInfo{dialectLegacy, ""}
		t["http3:"+typ] = nameInfo{dialectDraft, ""}
	}
	return t
}
