package core

import (
	"net/netip"

	"github.com/quicr/quicr/quic/internal/recovery"
)

// ecnState tracks ECN validation on the path (RFC 9000, 13.4.2).
type ecnState uint8

const (
	ecnTesting ecnState = iota // marking ECT(0), not yet validated
	ecnCapable                 // validated
	ecnFailed                  // marks stopped
)

// pathState is the network path the connection uses: the peer's address,
// whether that address is validated, the anti-amplification counters
// (RFC 9000, 8.1), the datagram size (RFC 9000, 14) and ECN (13.4).
type pathState struct {
	remote    netip.AddrPort
	local     netip.AddrPort
	validated bool
	bytesRecv uint64 // received from remote before validation
	bytesSent uint64 // sent to remote before validation
	mtu       int    // largest datagram we send
	ecn       ecnState
}

// amplificationRoom returns how many bytes may be sent before the address
// is validated: three times what was received (RFC 9000, 8.1).
func (p *pathState) amplificationRoom() int {
	if p.validated {
		return 1 << 30
	}
	limit := 3 * p.bytesRecv
	if p.bytesSent >= limit {
		return 0
	}
	return int(min(limit-p.bytesSent, 1<<30))
}

// sendECN returns the codepoint for outgoing packets.
func (p *pathState) sendECN() recovery.ECN {
	if p.ecn == ecnFailed {
		return recovery.ECNNotECT
	}
	return recovery.ECNECT0
}

// source returns the address to send from on the path.
func (p *pathState) source() netip.Addr { return sourceAddr(p.local) }

// sourceAddr returns the address to send from toward a peer whose
// datagrams arrived at local: local's address if the socket reported one;
// none (the kernel chooses) when we only know an unspecified bind address.
func sourceAddr(local netip.AddrPort) netip.Addr {
	a := local.Addr()
	if !a.IsValid() || a.IsUnspecified() {
		return netip.Addr{}
	}
	return a
}
