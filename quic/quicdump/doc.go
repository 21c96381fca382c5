// Package quicdump decodes captured QUIC datagrams the way the interop
// runner's tshark checks read them: given the datagrams both endpoints
// exchanged and the client's NSS key log, it removes packet protection with
// the stack's own packet, protect, wire and tparams packages and reports,
// per QUIC packet, its direction, time, 4-tuple, ECN marking, type,
// version, connection IDs, packet number, key phase, length, token and
// frames, including the TLS handshake messages carried in CRYPTO frames.
//
// It follows connections by connection ID (and, for zero-length IDs, by
// trying each candidate's keys), handles coalesced packets, Retry, Version
// Negotiation, QUIC versions 1 and 2, and 1-RTT key updates. 0-RTT packets
// are reported without frames when the key log lacks
// CLIENT_EARLY_TRAFFIC_SECRET, which crypto/tls never writes.
package quicdump
