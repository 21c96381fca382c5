package core

import (
	"errors"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/wire"
)

// frames concatenates encoded frames into a packet payload.
func frames(fs ...interface{ Append([]byte) []byte }) []byte {
	var b []byte
	for _, f := range fs {
		b = f.Append(b)
	}
	return b
}

// newConnID is a NEW_CONNECTION_ID frame with sequence number seq.
func newConnID(seq uint64) wire.NewConnectionIDFrame {
	return wire.NewConnectionIDFrame{Seq: seq, ConnID: protocol.NewConnectionID([]byte{1, 2, 3, 4, 5, 6, 7, byte(seq)}), ResetToken: [16]byte{byte(seq)}}
}

// rawFrame is a frame given as its bytes.
type rawFrame []byte

func (r rawFrame) Append(b []byte) []byte { return append(b, r...) }

// TestMisbehavingPeer makes a real client send frames that break the
// rules, sealed in genuine 1-RTT packets after a completed handshake. The
// server must close with the right transport error code (RFC 9000, 20.1)
// and the client must see that code in the CONNECTION_CLOSE it receives.
// The server's limits come from testConfig: 512 KiB per stream, 768 KiB
// per connection, 100 bidirectional streams.
func TestMisbehavingPeer(t *testing.T) {
	const kib = 1024
	one := []byte{1}
	tests := []struct {
		name    string
		pt      protocol.PacketType // Packet1RTT: through the network path; others: straight into the frame handler
		payload []byte
		code    qerr.TransportErrorCode
		ft      int64 // expected frame type in the CONNECTION_CLOSE, -1: any
	}{
		{"stream flow control", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 0, Offset: 512 * kib, Data: one}),
			qerr.FlowControlError, -1},
		{"connection flow control", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 0, Offset: 400 * kib, Data: one}, wire.StreamFrame{StreamID: 4, Offset: 400 * kib, Data: one}),
			qerr.FlowControlError, -1},
		{"stream limit", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 100 * 4, Data: one}),
			qerr.StreamLimitError, -1},
		{"STREAM on a send-only stream", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 3, Data: one}),
			qerr.StreamStateError, -1},
		{"RESET_STREAM on a send-only stream", protocol.Packet1RTT,
			frames(wire.ResetStreamFrame{StreamID: 3, ErrorCode: 1}),
			qerr.StreamStateError, wire.FrameTypeResetStream},
		{"MAX_STREAM_DATA on an unopened local stream", protocol.Packet1RTT,
			frames(wire.MaxStreamDataFrame{StreamID: 1, Max: 1000}),
			qerr.StreamStateError, wire.FrameTypeMaxStreamData},
		{"data beyond the final size", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 0, Data: make([]byte, 10), Fin: true}, wire.StreamFrame{StreamID: 0, Offset: 10, Data: one}),
			qerr.FinalSizeError, -1},
		{"data beyond the final size, earlier data missing", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 0, Offset: 5, Data: make([]byte, 5), Fin: true}, wire.StreamFrame{StreamID: 0, Offset: 10, Data: one}),
			qerr.FinalSizeError, -1},
		{"RESET_STREAM changing the final size", protocol.Packet1RTT,
			frames(wire.StreamFrame{StreamID: 0, Data: make([]byte, 10), Fin: true}, wire.ResetStreamFrame{StreamID: 0, FinalSize: 5}),
			qerr.FinalSizeError, wire.FrameTypeResetStream},
		{"truncated MAX_DATA", protocol.Packet1RTT,
			rawFrame{wire.FrameTypeMaxData},
			qerr.FrameEncodingError, wire.FrameTypeMaxData},
		{"unknown frame type", protocol.Packet1RTT,
			rawFrame{0x21},
			qerr.FrameEncodingError, -1},
		{"ACK of an unsent packet", protocol.Packet1RTT,
			frames(wire.AckFrame{Ranges: []wire.AckRange{{Smallest: 1_000_000, Largest: 1_000_000}}}),
			qerr.ProtocolViolation, wire.FrameTypeAck},
		{"HANDSHAKE_DONE from the client", protocol.Packet1RTT,
			rawFrame{wire.FrameTypeHandshakeDone},
			qerr.ProtocolViolation, wire.FrameTypeHandshakeDone},
		{"NEW_TOKEN from the client", protocol.Packet1RTT,
			frames(wire.NewTokenFrame{Token: []byte("token")}),
			qerr.ProtocolViolation, wire.FrameTypeNewToken},
		{"STOP_SENDING on a receive-only stream", protocol.Packet1RTT,
			frames(wire.StopSendingFrame{StreamID: 2, ErrorCode: 1}),
			qerr.StreamStateError, wire.FrameTypeStopSending},
		{"MAX_STREAM_DATA on a receive-only stream", protocol.Packet1RTT,
			frames(wire.MaxStreamDataFrame{StreamID: 2, Max: 1000}),
			qerr.StreamStateError, wire.FrameTypeMaxStreamData},
		{"STREAM_DATA_BLOCKED on a send-only stream", protocol.Packet1RTT,
			frames(wire.StreamDataBlockedFrame{StreamID: 3, Max: 1000}),
			qerr.StreamStateError, wire.FrameTypeStreamDataBlocked},
		{"MAX_STREAMS beyond 2^60", protocol.Packet1RTT,
			rawFrame(wire.AppendVarint([]byte{wire.FrameTypeMaxStreamsBidi}, 1<<60+1)),
			qerr.FrameEncodingError, wire.FrameTypeMaxStreamsBidi},
		{"too many connection IDs", protocol.Packet1RTT,
			frames(newConnID(10), newConnID(11), newConnID(12), newConnID(13), newConnID(14)),
			qerr.ConnectionIDLimitError, wire.FrameTypeNewConnectionID},
		{"RETIRE_CONNECTION_ID of an unissued ID", protocol.Packet1RTT,
			frames(wire.RetireConnectionIDFrame{Seq: 1000}),
			qerr.ProtocolViolation, wire.FrameTypeRetireConnectionID},
		{"CRYPTO far beyond the buffer", protocol.Packet1RTT,
			frames(wire.CryptoFrame{Offset: 1 << 20, Data: one}),
			qerr.CryptoBufferExceeded, wire.FrameTypeCrypto},
		{"STREAM in a Handshake packet", protocol.PacketHandshake,
			frames(wire.StreamFrame{StreamID: 0, Data: one}),
			qerr.ProtocolViolation, wire.FrameTypeStreamBase | 0x02}, // STREAM with LEN
		{"DATAGRAM not negotiated", protocol.Packet1RTT,
			frames(wire.DatagramFrame{Data: one}),
			qerr.ProtocolViolation, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, cl, sv, c := newSimPair(t, simnet.TestSeed(t), simnet.SimpleP2P())
			s := establish(t, p, c, sv)
			if err := p.RunFor(100 * time.Millisecond); err != nil {
				t.Fatal(err)
			}
			now := p.Now()
			if tt.pt == protocol.Packet1RTT {
				sv.HandleDatagram(now, simnet.Datagram{From: p.Client.Addr(), To: p.Server.Addr(), Data: rawShortPacket(c, tt.payload)})
			} else {
				if _, err := s.handleFrames(now, Datagram{Remote: p.Client.Addr()}, tt.pt, tt.payload); err != nil {
					s.closeWithError(now, err)
				}
				sv.events(s)
			}
			if got := transportCode(s.Err()); got != int64(tt.code) {
				t.Fatalf("server error %v (code %#x), want code %#x", s.Err(), got, uint64(tt.code))
			}
			if err := p.RunUntil(func() bool { return cl.closed[c] != nil }, time.Second); err != nil {
				t.Fatalf("client did not learn of the close: %v", err)
			}
			var pe *PeerClosedError
			if !errors.As(cl.closed[c], &pe) || pe.Application || pe.Code != uint64(tt.code) {
				t.Fatalf("client closed with %v, want a PeerClosedError with code %#x", cl.closed[c], uint64(tt.code))
			}
			if tt.ft >= 0 && pe.FrameType != uint64(tt.ft) {
				t.Errorf("CONNECTION_CLOSE frame type %#x, want %#x", pe.FrameType, tt.ft)
			}
		})
	}
}
