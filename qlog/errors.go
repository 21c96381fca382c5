package qlog

import "strconv"

// transportErrorNames are the RFC 9000, 20.1 codes in snake_case, the
// spelling of quic-events' $TransportError; 0x11 is RFC 9368's.
var transportErrorNames = [...]string{
	"no_error",
	"internal_error",
	"connection_refused",
	"flow_control_error",
	"stream_limit_error",
	"stream_state_error",
	"final_size_error",
	"frame_encoding_error",
	"transport_parameter_error",
	"connection_id_limit_error",
	"protocol_violation",
	"invalid_token",
	"application_error",
	"crypto_buffer_exceeded",
	"key_update_error",
	"aead_limit_reached",
	"no_viable_path",
	"version_negotiation_error",
}

// TransportErrorName returns the qlog name of a transport error code:
// "flow_control_error", "crypto_error_0x12a" for the CRYPTO_ERROR range
// (RFC 9001, 4.8), or "unknown".
func TransportErrorName(code uint64) string {
	if code < uint64(len(transportErrorNames)) {
		return transportErrorNames[code]
	}
	if code >= 0x100 && code <= 0x1ff {
		return "crypto_error_0x" + strconv.FormatUint(code, 16)
	}
	return "unknown"
}

// appendErrorName writes the same name as TransportErrorName without
// allocating.
func (e *enc) errorName(k string, space ErrorSpace, code uint64) {
	switch {
	case space == ErrorSpaceApplication:
		e.str(k, "unknown")
	case code < uint64(len(transportErrorNames)):
		e.str(k, transportErrorNames[code])
	case code >= 0x100 && code <= 0x1ff:
		e.key(k)
		e.b = append(e.b, `"crypto_error_0x`...)
		e.b = strconv.AppendUint(e.b, code, 16)
		e.b = append(e.b, '"')
	default:
		e.str(k, "unknown")
	}
}
