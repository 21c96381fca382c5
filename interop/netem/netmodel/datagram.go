// Package netmodel is the pure decision code of quicr's network impairments:
// given a datagram and the current time, a Link decides whether it is
// dropped, how it is altered and when it arrives. It has no clock, goroutines
// or sockets, so the virtual-time simulator (quic/internal/simnet) and the
// real-time UDP relay (interop/netem) share it.
//
// Times are time.Duration offsets from the start of a run (simnet's virtual
// clock starts at 0, the relay measures from its start).
package netmodel

import "net/netip"

// ECN codepoints: the low two bits of the IP TOS / traffic class byte
// (RFC 3168, 5).
const (
	NotECT uint8 = 0
	ECT1   uint8 = 1
	ECT0   uint8 = 2
	CE     uint8 = 3
)

// Datagram is one UDP datagram with the addresses and ECN mark it carries on
// the wire.
type Datagram struct {
	From, To netip.AddrPort
	ECN      uint8 // 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE
	Data     []byte
}

// WireLen is the datagram's size on an IP link: the UDP payload plus the
// IPv4 (20) or IPv6 (40) header and the UDP header (8).
func (d *Datagram) WireLen() int {
	if d.To.Addr().Is4() || d.To.Addr().Is4In6() {
		return len(d.Data) + 28
	}
	return len(d.Data) + 48
}

// IsVersionNegotiation reports whether the payload looks like a QUIC
// Version Negotiation packet by the runner's test: bytes 1 to 4 (the
// version field) are zero (RFC 8999, 6).
func (d *Datagram) IsVersionNegotiation() bool {
	b := d.Data
	return len(b) >= 5 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0
}
