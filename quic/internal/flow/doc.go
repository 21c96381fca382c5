// Package flow implements QUIC data flow control (RFC 9000, 4): the credit a
// peer grants us to send (SendWindow) and the credit we grant the peer
// (RecvWindow), at stream and connection level alike, with receive-window
// auto-tuning.
package flow
