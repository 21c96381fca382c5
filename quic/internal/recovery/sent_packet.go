package recovery

import "github.com/quicr/quicr/quic/internal/protocol"

// SentPacket is what the sender remembers about a packet until it is
// acknowledged, declared lost or its space is discarded (RFC 9002, A.1.1).
type SentPacket struct {
	PacketNumber uint64
	TimeSent     protocol.Time
	// Size is sent_bytes: the packet's size including QUIC header and
	// AEAD overhead, excluding UDP and IP.
	Size int
	// AckEliciting is set if the packet carries a frame other than ACK,
	// PADDING and CONNECTION_CLOSE (RFC 9000, 13.2).
	AckEliciting bool
	// InFlight is set if the packet counts toward bytes in flight: it is
	// ack-eliciting or carries PADDING (RFC 9002, 2).
	InFlight bool
	// PMTUProbe marks a PMTU probe, whose loss is not a congestion signal
	// (RFC 9000, 14.4).
	PMTUProbe bool
	// ECN is the codepoint the packet was sent with.
	ECN   ECN
	Space protocol.Space
	// Frames is owned by the connection: a log of the frames the packet
	// carried, handed back unchanged when the packet is acknowledged, lost
	// or discarded so the buffer can be reused.
	Frames []byte
}

// AckRange is one range of an ACK frame, both ends inclusive
// (RFC 9000, 19.3.1); the same shape as the wire package's.
type AckRange struct {
	Smallest, Largest uint64
}

// Handler receives the fate of sent packets. The SentPacket is a copy;
// calls happen during the LossDetector method that decided them, and a
// handler must not call back into the LossDetector.
type Handler interface {
	// OnPacketAcked is called for each newly acknowledged packet.
	OnPacketAcked(p SentPacket)
	// OnPacketLost is called for each packet declared lost; its frames
	// may need retransmission (RFC 9000, 13.3).
	OnPacketLost(p SentPacket)
	// OnPacketDiscarded is called for each outstanding packet dropped
	// with its packet number space (RFC 9002, 6.4).
	OnPacketDiscarded(p SentPacket)
}
