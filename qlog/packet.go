package qlog

// TokenType says where an Initial packet's token came from.
type TokenType string

// Token types.
const (
	TokenRetry      TokenType = "retry"
	TokenResumption TokenType = "resumption"
)

// PacketHeader is a qlog PacketHeader (quic-events, 8.8).
type PacketHeader struct {
	PacketType PacketType
	// PacketNumber is the full decoded number; not logged for Retry,
	// Version Negotiation and Stateless Reset.
	PacketNumber       uint64
	PacketNumberLength uint8 // 0: not logged
	// Protected marks a header whose protection was not removed (a
	// dropped or buffered packet): packet number and key phase are unknown
	// and not logged.
	Protected bool
	// Version, SrcConnectionID are logged for long headers only.
	Version          uint32
	SrcConnectionID  []byte
	DestConnectionID []byte // nil: not logged
	// Length is the long header Length field (packet number + payload); 0: not logged.
	Length    uint64
	Token     []byte // Initial and Retry; nil: not logged
	TokenType TokenType
	// KeyPhase is the full key phase of a 1-RTT packet (RFC 9001, 6),
	// whose low bit is the header's Key Phase bit.
	KeyPhase uint64
	// TypeValue is the raw type of an "unknown" packet type.
	TypeValue uint64
}

// RawInfo gives the sizes of a packet (main schema, 9.2).
type RawInfo struct {
	// Length is the whole packet, header and AEAD tag included.
	Length uint64
	// PayloadLength excludes the header and the AEAD tag.
	PayloadLength uint64
}

// Packet is the data of packet_sent, packet_received and packet_lost. The
// caller may reuse one Packet and its Frames array for every event.
type Packet struct {
	Header PacketHeader
	// Raw.Length must be set for sent and received packets: qvis skips
	// packets without it and qlogcheck flags them.
	Raw    RawInfo
	Frames []Frame
	// Trigger says why the packet was sent (or keys_available when received).
	Trigger PacketTrigger
	// IsMTUProbe marks a DPLPMTUD probe (RFC 8899).
	IsMTUProbe bool
	// DatagramChecksum is the CRC32c of the UDP payload carrying the
	// packet, to track coalescing; 0: not logged.
	DatagramChecksum uint32
	// SupportedVersions lists the versions of a Version Negotiation packet.
	SupportedVersions []uint32
	// StatelessResetToken is the token of a Stateless Reset (16 bytes).
	StatelessResetToken []byte
}

func (e *enc) header(h *PacketHeader) {
	e.object("header")
	t := h.PacketType
	if t == "" {
		t = PacketTypeUnknown
	}
	e.str("packet_type", string(t))
	if t == PacketTypeUnknown {
		e.uint("packet_type_bytes", h.TypeValue)
	}
	if t.hasPacketNumber() && !h.Protected {
		e.uint("packet_number", h.PacketNumber)
		if h.PacketNumberLength != 0 {
			e.uint("packet_number_length", uint64(h.PacketNumberLength))
		}
	}
	if t == PacketType1RTT && !h.Protected {
		e.uint("key_phase", h.KeyPhase)
	}
	if t.isLong() {
		e.version("version", h.Version)
		e.uint("scil", uint64(len(h.SrcConnectionID)))
		e.hex("scid", h.SrcConnectionID)
	}
	if h.DestConnectionID != nil || t.isLong() {
		if t.isLong() {
			e.uint("dcil", uint64(len(h.DestConnectionID)))
		}
		e.hex("dcid", h.DestConnectionID)
	}
	if h.Length != 0 {
		e.uint("length", h.Length)
	}
	if h.Token != nil {
		e.object("token")
		e.strOpt("type", string(h.TokenType))
		e.object("raw")
		e.uint("length", uint64(len(h.Token)))
		e.hex("data", h.Token)
		e.end('}')
		e.end('}')
	}
	e.end('}')
}

func (e *enc) raw(r *RawInfo) {
	if r.Length == 0 && r.PayloadLength == 0 {
		return
	}
	e.object("raw")
	e.uintOpt("length", r.Length)
	e.uintOpt("payload_length", r.PayloadLength)
	e.end('}')
}

func (e *enc) frames(k string, fs []Frame) {
	e.array(k)
	for i := range fs {
		e.frame(&fs[i])
	}
	e.end(']')
}

// packet writes the shared body of packet_sent/received/lost.
func (e *enc) packet(p *Packet, sent bool) {
	e.header(&p.Header)
	e.raw(&p.Raw)
	if p.Frames != nil {
		e.frames("frames", p.Frames)
	}
	if p.DatagramChecksum != 0 {
		e.uint("datagram_payload_checksum", uint64(p.DatagramChecksum))
	}
	if sent && p.IsMTUProbe {
		e.bool("is_mtu_probe_packet", true)
	}
	if p.Header.PacketType == PacketTypeVersionNegotiation {
		e.array("supported_versions")
		for _, v := range p.SupportedVersions {
			e.elemVersion(v)
		}
		e.end(']')
	}
	if p.Header.PacketType == PacketTypeStatelessReset {
		e.hex("stateless_reset_token", p.StatelessResetToken)
	}
	e.strOpt("trigger", string(p.Trigger))
}
