package sock

import "net/netip"

// ECN codepoints, the low two bits of the IPv4 TOS or IPv6 Traffic Class
// byte (RFC 3168, 5; RFC 9000, 13.4).
const (
	ECNNotECT uint8 = 0b00 // Not ECN-Capable Transport
	ECNECT1   uint8 = 0b01 // ECN Capable Transport, ECT(1)
	ECNECT0   uint8 = 0b10 // ECN Capable Transport, ECT(0)
	ECNCE     uint8 = 0b11 // Congestion Experienced
)

// Message is one entry of a batched read or write.
//
// On read, Buf is the buffer to fill and the other fields are outputs. On
// write, Buf holds the payload and the other fields are inputs; SegSize > 1
// with len(Buf) > SegSize asks for Buf to go out as consecutive datagrams of
// SegSize bytes (the last may be shorter), with GSO where available.
type Message struct {
	// Buf is the receive buffer, or the payload to send.
	Buf []byte
	// N is the number of bytes received into Buf (read only).
	N int
	// Addr is the peer: the source on read (IPv4-mapped addresses are
	// unmapped), the destination on write.
	Addr netip.AddrPort
	// Local is our address: the destination the datagram was sent to on
	// read (zero if unknown), the source address to send from on write
	// (zero lets the kernel choose).
	Local netip.Addr
	// IfIndex is the interface the datagram arrived on (read), or the
	// interface to send from when Local is set (write; 0 for any).
	IfIndex int
	// ECN is the codepoint the datagram carried (read) or should carry
	// (write).
	ECN uint8
	// SegSize is the size of each datagram within Buf[:N] on read (equal to
	// N unless GRO coalesced several), and the GSO segment size on write (0
	// sends Buf as a single datagram).
	SegSize int
}

// NumSegments reports how many datagrams a received Message holds: more than
// one when GRO coalesced datagrams of SegSize bytes.
func (m *Message) NumSegments() int {
	if m.N <= 0 {
		return 0
	}
	if m.SegSize <= 0 || m.SegSize >= m.N {
		return 1
	}
	return (m.N + m.SegSize - 1) / m.SegSize
}

// Segment returns datagram i of a received Message, 0 <= i < NumSegments();
// every one is SegSize bytes except perhaps the last.
func (m *Message) Segment(i int) []byte {
	if m.SegSize <= 0 || m.SegSize >= m.N {
		return m.Buf[:m.N]
	}
	start := i * m.SegSize
	return m.Buf[start:min(start+m.SegSize, m.N)]
}
