package quicdump

import "encoding/binary"

// TLS handshake message types (RFC 8446, 4; RFC 8879, 4).
const (
	MsgClientHello           = 1
	MsgServerHello           = 2
	MsgNewSessionTicket      = 4
	MsgEndOfEarlyData        = 5
	MsgEncryptedExtensions   = 8
	MsgCertificate           = 11
	MsgCertificateRequest    = 13
	MsgCertificateVerify     = 15
	MsgFinished              = 20
	MsgKeyUpdate             = 24
	MsgCompressedCertificate = 25
)

// extQUICTransportParameters is the quic_transport_parameters extension
// (RFC 9001, 8.2).
const extQUICTransportParameters = 0x39

// maxHandshakeMsgLen bounds one message; TLS allows 2^24-1 but no
// handshake QUIC carries comes near, and it caps what a bogus length can
// make the reassembler hold.
const maxHandshakeMsgLen = 1 << 20

// HandshakeMessage is one TLS handshake message of a CRYPTO stream.
type HandshakeMessage struct {
	Type   uint8
	Offset uint64 // crypto stream offset of the message header
	Body   []byte // aliases the parsed buffer
}

// SplitHandshake splits contiguous CRYPTO stream data that starts at
// stream offset base into complete handshake messages (RFC 8446, 4) and
// returns them with the number of bytes they take; an incomplete message
// at the end is left for more data. ok is false if a length is beyond
// maxHandshakeMsgLen, after which the stream cannot be followed.
func SplitHandshake(b []byte, base uint64) (msgs []HandshakeMessage, n int, ok bool) {
	for len(b)-n >= 4 {
		l := int(b[n+1])<<16 | int(b[n+2])<<8 | int(b[n+3])
		if l > maxHandshakeMsgLen {
			return msgs, n, false
		}
		if len(b)-n-4 < l {
			break
		}
		msgs = append(msgs, HandshakeMessage{Type: b[n], Offset: base + uint64(n), Body: b[n+4 : n+4+l : n+4+l]})
		n += 4 + l
	}
	return msgs, n, true
}

// AppendHandshakeMessage appends m with its 4-byte header.
func AppendHandshakeMessage(b []byte, m HandshakeMessage) []byte {
	l := len(m.Body)
	b = append(b, m.Type, byte(l>>16), byte(l>>8), byte(l))
	return append(b, m.Body...)
}

// reader is a bounds-checked cursor over a TLS structure.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) bytes(n int) []byte {
	if r.bad || n < 0 || len(r.b) < n {
		r.bad = true
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() int {
	v := r.bytes(1)
	if v == nil {
		return 0
	}
	return int(v[0])
}

func (r *reader) u16() int {
	v := r.bytes(2)
	if v == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(v))
}

// vec reads a vector with a length prefix of lenBytes (1 or 2) bytes.
func (r *reader) vec(lenBytes int) []byte {
	n := r.u8()
	if lenBytes == 2 {
		n = n<<8 | r.u8()
	}
	return r.bytes(n)
}

// extension returns the body of extension typ in an extensions block, or
// nil.
func extension(exts []byte, typ int) ([]byte, bool) {
	r := reader{b: exts}
	for len(r.b) > 0 && !r.bad {
		t := r.u16()
		body := r.vec(2)
		if !r.bad && t == typ {
			return body, true
		}
	}
	return nil, false
}

// ClientHello holds the ClientHello fields the checks use.
type ClientHello struct {
	Random       [32]byte
	CipherSuites []uint16
	// TransportParameters is the raw quic_transport_parameters value.
	TransportParameters []byte
}

// ParseClientHello parses a ClientHello body (RFC 8446, 4.1.2).
func ParseClientHello(body []byte) (ClientHello, bool) {
	var ch ClientHello
	r := reader{b: body}
	r.bytes(2) // legacy_version
	copy(ch.Random[:], r.bytes(32))
	r.vec(1) // legacy_session_id
	suites := r.vec(2)
	r.vec(1) // legacy_compression_methods
	exts := r.vec(2)
	if r.bad || len(suites)%2 != 0 {
		return ClientHello{}, false
	}
	ch.CipherSuites = make([]uint16, 0, len(suites)/2)
	for i := 0; i < len(suites); i += 2 {
		ch.CipherSuites = append(ch.CipherSuites, binary.BigEndian.Uint16(suites[i:]))
	}
	ch.TransportParameters, _ = extension(exts, extQUICTransportParameters)
	return ch, true
}

// ParseServerHello returns a ServerHello's random and chosen cipher suite
// (RFC 8446, 4.1.3).
func ParseServerHello(body []byte) (random [32]byte, suite uint16, ok bool) {
	r := reader{b: body}
	r.bytes(2)
	copy(random[:], r.bytes(32))
	r.vec(1)
	suite = uint16(r.u16())
	return random, suite, !r.bad
}

// ParseEncryptedExtensions returns the raw quic_transport_parameters value
// of an EncryptedExtensions body (RFC 8446, 4.3.1).
func ParseEncryptedExtensions(body []byte) ([]byte, bool) {
	r := reader{b: body}
	exts := r.vec(2)
	if r.bad {
		return nil, false
	}
	return extension(exts, extQUICTransportParameters)
}
