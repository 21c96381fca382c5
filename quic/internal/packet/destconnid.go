package packet

import "github.com/quicr/quicr/quic/internal/protocol"

// DestConnID returns the Destination Connection ID of the packet at the start
// of datagram b, for routing it to a connection (RFC 9000, 5.2). Long headers
// carry the DCID length; short headers use shortDCIDLen, the length of the
// connection IDs this endpoint issues. For a long header of an unknown
// version the DCID may be up to 255 bytes (RFC 8999, 5.1). The slice aliases
// b.
func DestConnID(b []byte, shortDCIDLen int) ([]byte, error) {
	if len(b) == 0 {
		return nil, ErrTruncated
	}
	if IsLongHeader(b[0]) {
		_, dcid, _, _, err := ParseLongHeaderInvariants(b)
		return dcid, err
	}
	if shortDCIDLen < 0 || shortDCIDLen > protocol.MaxConnIDLen {
		return nil, ErrConnIDLen
	}
	if len(b)-1 < shortDCIDLen {
		return nil, ErrTruncated
	}
	return b[1 : 1+shortDCIDLen : 1+shortDCIDLen], nil
}
