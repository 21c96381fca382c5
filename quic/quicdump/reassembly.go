package quicdump

// maxCryptoStream bounds the CRYPTO data followed per stream; handshakes
// take tens of kilobytes.
const maxCryptoStream = 1 << 20

// cryptoStream reassembles one direction and space of a connection's
// CRYPTO data and splits it into TLS handshake messages.
type cryptoStream struct {
	data    []byte            // contiguous data from offset 0
	pending map[uint64][]byte // chunks beyond len(data), by offset
	parsed  int               // bytes of data split into messages
	broken  bool              // a message length was implausible
}

// insert adds a chunk and returns the messages it completed.
func (s *cryptoStream) insert(off uint64, b []byte) []HandshakeMessage {
	if s.broken || off+uint64(len(b)) > maxCryptoStream {
		return nil
	}
	if end := off + uint64(len(b)); end > uint64(len(s.data)) && len(b) > 0 {
		if s.pending == nil {
			s.pending = map[uint64][]byte{}
		}
		if prev, ok := s.pending[off]; !ok || len(prev) < len(b) {
			s.pending[off] = append([]byte(nil), b...)
		}
	}
	for progress := true; progress; {
		progress = false
		for o, c := range s.pending {
			end := o + uint64(len(c))
			if o > uint64(len(s.data)) {
				continue
			}
			if end > uint64(len(s.data)) {
				s.data = append(s.data, c[uint64(len(s.data))-o:]...)
				progress = true
			}
			delete(s.pending, o)
		}
	}
	msgs, n, ok := SplitHandshake(s.data[s.parsed:], uint64(s.parsed))
	s.parsed += n
	s.broken = !ok
	return msgs
}
