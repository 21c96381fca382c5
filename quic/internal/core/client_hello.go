package core

// A server sends a session ticket only to a client that can resume with
// it: one whose ClientHello lists psk_dhe_ke in psk_key_exchange_modes
// (RFC 8446, 4.2.9: servers SHOULD NOT send tickets incompatible with the
// advertised modes). crypto/tls leaves tickets over QUIC to the caller, and
// its ClientHello is not exposed, so the server reads the mode list from
// the CRYPTO data before handing it over. A crypto/tls client without a
// ClientSessionCache sends no modes; crypto/tls's own TCP server sends it
// no ticket either. Skipping the ticket saves the server its encryption
// and the client its parsing, and keeps the handshake's last flight small.

// TLS constants (RFC 8446, 4 and 4.2).
const (
	tlsClientHello           = 1
	tlsExtPSKKeyExchangeMode = 45
	tlsPSKDHEKE              = 1
)

// clientHelloPSKModes reads a ClientHello handshake message at the start of
// msg. known reports whether msg held the whole message and it parsed;
// dhe whether its psk_key_exchange_modes extension lists psk_dhe_ke.
func clientHelloPSKModes(msg []byte) (dhe, known bool) {
	r := tlsReader(msg)
	typ, ok := r.uint(1)
	if !ok || typ != tlsClientHello {
		return false, false
	}
	n, ok := r.uint(3)
	if !ok {
		return false, false
	}
	body, ok := r.bytes(int(n))
	if !ok {
		return false, false // incomplete: TLS gets it in pieces
	}
	r = tlsReader(body)
	// legacy_version, random, legacy_session_id, cipher_suites,
	// legacy_compression_methods (RFC 8446, 4.1.2).
	if _, ok := r.bytes(2 + 32); !ok {
		return false, false
	}
	for _, lenBytes := range []int{1, 2, 1} {
		if _, ok := r.vector(lenBytes); !ok {
			return false, false
		}
	}
	exts, ok := r.vector(2)
	if !ok {
		return false, false
	}
	for len(exts) > 0 {
		typ, ok := exts.uint(2)
		if !ok {
			return false, false
		}
		data, ok := exts.vector(2)
		if !ok {
			return false, false
		}
		if typ != tlsExtPSKKeyExchangeMode {
			continue
		}
		modes, ok := data.vector(1)
		if !ok {
			return false, false
		}
		for _, m := range modes {
			if m == tlsPSKDHEKE {
				return true, true
			}
		}
	}
	return false, true
}

// tlsReader reads the big-endian integers and length-prefixed vectors of
// TLS's presentation language (RFC 8446, 3).
type tlsReader []byte

// uint reads an n-byte integer.
func (r *tlsReader) uint(n int) (uint64, bool) {
	b, ok := r.bytes(n)
	if !ok {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v, true
}

// bytes reads n bytes.
func (r *tlsReader) bytes(n int) ([]byte, bool) {
	if n < 0 || len(*r) < n {
		return nil, false
	}
	b := (*r)[:n]
	*r = (*r)[n:]
	return b, true
}

// vector reads a vector with an lenBytes-byte length prefix.
func (r *tlsReader) vector(lenBytes int) (tlsReader, bool) {
	n, ok := r.uint(lenBytes)
	if !ok {
		return nil, false
	}
	b, ok := r.bytes(int(n))
	return b, ok
}
