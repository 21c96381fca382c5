package http3

// Setting identifiers (RFC 9114, 7.2.4.1; RFC 9204, 5).
const (
	settingQPACKMaxTableCapacity = 0x01
	settingMaxFieldSectionSize   = 0x06
	settingQPACKBlockedStreams   = 0x07
)

// setting is one identifier/value pair of a SETTINGS frame.
type setting struct {
	ID    uint64
	Value uint64
}

// settings is the content of a SETTINGS frame, in received order.
type settings []setting

// isHTTP2Setting reports identifiers reserved because HTTP/2 used them
// without an HTTP/3 equivalent; receiving one is H3_SETTINGS_ERROR
// (RFC 9114, 7.2.4.1).
func isHTTP2Setting(id uint64) bool { return id == 0x00 || (id >= 0x02 && id <= 0x05) }

// maxSettings bounds the pairs accepted in one SETTINGS frame; the frame
// size limit already bounds memory, this bounds the duplicate check.
const maxSettings = 256

// parseSettings parses a SETTINGS payload (RFC 9114, 7.2.4).
func parseSettings(p []byte) (settings, error) {
	var s settings
	for len(p) > 0 {
		id, n := consumeVarint(p)
		if n < 0 {
			return nil, connError(ErrCodeFrameError, "truncated setting")
		}
		v, m := consumeVarint(p[n:])
		if m < 0 {
			return nil, connError(ErrCodeFrameError, "truncated setting value")
		}
		p = p[n+m:]
		if isHTTP2Setting(id) {
			return nil, connError(ErrCodeSettingsError, "HTTP/2 setting")
		}
		if len(s) >= maxSettings {
			return nil, connError(ErrCodeExcessiveLoad, "too many settings")
		}
		for _, e := range s {
			if e.ID == id {
				return nil, connError(ErrCodeSettingsError, "duplicate setting")
			}
		}
		s = append(s, setting{ID: id, Value: v})
	}
	return s, nil
}

// get returns the value of id, or def when absent.
func (s settings) get(id, def uint64) uint64 {
	for _, e := range s {
		if e.ID == id {
			return e.Value
		}
	}
	return def
}

// appendSettingsFrame appends a SETTINGS frame carrying s.
func appendSettingsFrame(dst []byte, s settings) []byte {
	var n uint64
	for _, e := range s {
		n += uint64(varintLen(e.ID) + varintLen(e.Value))
	}
	dst = appendFrameHeader(dst, frameSettings, n)
	for _, e := range s {
		dst = appendVarint(dst, e.ID)
		dst = appendVarint(dst, e.Value)
	}
	return dst
}
