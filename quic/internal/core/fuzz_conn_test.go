package core

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/recovery"
	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/wire"
)

// fuzzSeed fixes the simulation of the stateful fuzz targets, so that an
// input replays exactly and captured datagrams match the connection IDs
// of the pair they are fed into.
const fuzzSeed = 0x5eed

// maxFuzzPayload keeps a fuzzed payload inside rawShortPacket's 1500-byte
// packet (header and AEAD tag included).
const maxFuzzPayload = 1400

// fuzzMaxSteps bounds the simulator steps of one fuzz input: a clean run
// of a few virtual seconds takes a few thousand, so more is a livelock.
const fuzzMaxSteps = 50_000

// splitPayloads cuts a fuzz input into packet payloads: each is a 2-byte
// big-endian length and that many bytes (fewer at the end of the input),
// capped at maxFuzzPayload.
func splitPayloads(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 2 {
		n := min(int(binary.BigEndian.Uint16(b)), len(b)-2, maxFuzzPayload)
		out = append(out, b[2:2+n])
		b = b[2+n:]
	}
	return out
}

// joinPayloads is the inverse of splitPayloads, for seeds.
func joinPayloads(ps ...[]byte) []byte {
	var b []byte
	for _, p := range ps {
		b = binary.BigEndian.AppendUint16(b, uint16(len(p)))
		b = append(b, p...)
	}
	return b
}

// allowedEnd reports whether err is a way a connection may end when its
// peer misbehaves: a transport error we detected (never INTERNAL_ERROR,
// which would mean a bug of ours), the peer's own CONNECTION_CLOSE, or a
// timeout. Any other Go error reaching the close path is a bug.
func allowedEnd(err error) bool {
	var te *qerr.TransportError
	var pe *PeerClosedError
	var ve *VersionNegotiationError
	switch {
	case err == nil:
		return true
	case errors.As(err, &te):
		return te.Code != qerr.InternalError
	case errors.As(err, &pe), errors.As(err, &ve):
		return true
	}
	return errors.Is(err, ErrIdleTimeout) || errors.Is(err, ErrHandshakeTimeout) || errors.Is(err, ErrStatelessReset)
}

// checkConnBounds asserts the resource bounds a peer cannot push a
// connection past, whatever it sends: stream count, buffered stream data
// (flow control, RFC 9000, 4), CRYPTO data (64 KiB per level), received
// DATAGRAMs, ACK ranges, the peer's connection IDs (RFC 9000, 5.1.1), and
// the way the connection ended.
func checkConnBounds(t testing.TB, c *Conn) {
	t.Helper()
	if !allowedEnd(c.Err()) {
		t.Fatalf("connection ended with %v (%T), not a transport error", c.Err(), c.Err())
	}
	if c.state == stateClosed {
		return // everything was freed
	}
	maxStreams := c.cfg.MaxIncomingBidi + c.cfg.MaxIncomingUni + c.openBidi.Opened() + c.openUni.Opened()
	if uint64(len(c.streams)) > maxStreams {
		t.Fatalf("%d streams, the limits allow %d", len(c.streams), maxStreams)
	}
	if len(c.datagramsIn) > c.cfg.MaxDatagramQueue {
		t.Fatalf("%d received DATAGRAMs queued, limit %d", len(c.datagramsIn), c.cfg.MaxDatagramQueue)
	}
	// The ID over the limit is held as the connection closes with
	// CONNECTION_ID_LIMIT_ERROR; nothing more is accepted after that.
	if n := c.remoteCIDs.Active(); n > activeConnIDLimit && (c.state < stateClosing || n > activeConnIDLimit+1) {
		t.Fatalf("%d peer connection IDs held, limit %d", n, activeConnIDLimit)
	}
	if c.state >= stateClosing {
		// A frame that closed the connection may have been recorded
		// before it was refused (a RESET_STREAM final size beyond the
		// window); nothing more is processed, so the counts below only
		// bind an open connection.
		return
	}
	var buffered uint64
	for id, s := range c.streams {
		if !s.hasRecv {
			continue
		}
		if s.recv.Highest() > s.recvWindow.Limit() {
			t.Fatalf("stream %d holds data up to %d beyond its window %d", id, s.recv.Highest(), s.recvWindow.Limit())
		}
		buffered += s.recv.Highest() - s.recv.ReadOffset()
	}
	if buffered > c.connRecv.Limit() {
		t.Fatalf("%d bytes of stream data buffered, connection window %d", buffered, c.connRecv.Limit())
	}
	for i := range c.spaces {
		sp := &c.spaces[i]
		if held := sp.cryptoRecv.Highest() - sp.cryptoRecv.ReadOffset(); sp.cryptoRecv.Highest() > sp.cryptoRecv.ReadOffset() && held > maxCryptoBuffer {
			t.Fatalf("space %d buffers %d bytes of CRYPTO data, limit %d", i, held, maxCryptoBuffer)
		}
		if n := sp.ack.Ranges().Len(); n > recovery.DefaultMaxAckRanges {
			t.Fatalf("space %d tracks %d ACK ranges, limit %d", i, n, recovery.DefaultMaxAckRanges)
		}
	}
	if n := len(c.sendQueue) - c.sendHead; n > len(c.streams) {
		t.Fatalf("send queue of %d for %d streams", n, len(c.streams))
	}
	if n := len(c.ctrlQueue); n > len(c.streams) {
		t.Fatalf("control queue of %d for %d streams", n, len(c.streams))
	}
}

// connFrameSeeds are valid frame sequences a client may send in 1-RTT
// packets, and a few that break the rules.
func connFrameSeeds() [][]byte {
	one := []byte{1}
	var scatter []byte
	for i := range 60 {
		scatter = wire.StreamFrame{StreamID: 0, Offset: uint64(i) * 4096, Data: one}.Append(scatter)
	}
	return [][]byte{
		joinPayloads(frames(wire.PingFrame{})),
		joinPayloads(frames(wire.StreamFrame{StreamID: 0, Data: []byte("hello"), Fin: true})),
		joinPayloads(frames(wire.StreamFrame{StreamID: 0, Offset: 5, Data: []byte("world")}),
			frames(wire.StreamFrame{StreamID: 0, Data: []byte("hello")}, wire.MaxDataFrame{Max: 1 << 20})),
		joinPayloads(scatter),
		joinPayloads(frames(wire.StreamFrame{StreamID: 4, Data: one}, wire.ResetStreamFrame{StreamID: 4, ErrorCode: 7, FinalSize: 1},
			wire.StopSendingFrame{StreamID: 8, ErrorCode: 1})),
		joinPayloads(frames(wire.StreamFrame{StreamID: 2, Data: one}, wire.MaxStreamDataFrame{StreamID: 0, Max: 1 << 20},
			wire.StreamDataBlockedFrame{StreamID: 0, Max: 10}, wire.DataBlockedFrame{Max: 10})),
		joinPayloads(frames(wire.MaxStreamsFrame{Bidi: true, Max: 200}, wire.MaxStreamsFrame{Max: 50},
			wire.StreamsBlockedFrame{Bidi: true, Max: 1})),
		joinPayloads(frames(newConnID(2), newConnID(3), wire.RetireConnectionIDFrame{Seq: 1})),
		joinPayloads(frames(wire.NewConnectionIDFrame{Seq: 5, RetirePriorTo: 4, ConnID: protocol.NewConnectionID([]byte{9, 9, 9, 9, 9, 9, 9, 9}), ResetToken: [16]byte{5}})),
		joinPayloads(frames(wire.PathChallengeFrame{Data: [8]byte{1, 2, 3}}), frames(wire.PathResponseFrame{Data: [8]byte{4}})),
		joinPayloads(frames(wire.AckFrame{Ranges: []wire.AckRange{{Smallest: 0, Largest: 2}}})),
		joinPayloads(frames(wire.AckFrame{Ranges: []wire.AckRange{{Smallest: 3, Largest: 3}, {Smallest: 0, Largest: 1}}, ECN: true, ECT0: 1})),
		joinPayloads(frames(wire.CryptoFrame{Offset: 0, Data: []byte{4, 0, 0, 1, 0}})),
		joinPayloads(frames(wire.DatagramFrame{Data: one}), frames(wire.PaddingFrame{Length: 20}, wire.PingFrame{})),
		joinPayloads(frames(wire.ConnectionCloseFrame{ErrorCode: 0x0a, FrameType: 6, Reason: []byte("bye")})),
		joinPayloads(frames(wire.ConnectionCloseFrame{Application: true, ErrorCode: 3})),
		joinPayloads(frames(wire.NewTokenFrame{Token: []byte("t")})),
		joinPayloads(rawFrame{0x40, 0xaf, 1, 2, 3}, rawFrame{0x1f}),
	}
}

// FuzzConnFrames feeds arbitrary frame sequences, sealed in genuine 1-RTT
// packets from an established client, to a server connection through the
// real receive path, then lets both ends run. The server must not panic,
// must stay within its resource bounds and must either carry on or end
// with a transport error.
func FuzzConnFrames(f *testing.F) {
	for _, s := range connFrameSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		p, cl, sv, c := newSimPair(t, fuzzSeed, simnet.SimpleP2P())
		p.MaxSteps = fuzzMaxSteps
		s := establish(t, p, c, sv)
		for _, pl := range splitPayloads(in) {
			if c.state >= stateClosing || s.state >= stateClosing {
				break
			}
			sv.HandleDatagram(p.Now(), simnet.Datagram{From: p.Client.Addr(), To: p.Server.Addr(), Data: rawShortPacket(c, pl)})
			checkConnBounds(t, s)
		}
		if err := p.RunFor(2 * time.Second); err != nil {
			t.Fatalf("network: %v", err)
		}
		checkConnBounds(t, s)
		checkConnBounds(t, c)
		if s.Err() != nil && cl.closed[c] == nil && !errors.Is(s.Err(), ErrIdleTimeout) {
			// CONNECTION_CLOSE goes to the peer (RFC 9000, 10.2.1); the
			// link is clean, so the client must have learnt of it.
			var pe *PeerClosedError
			if !errors.As(s.Err(), &pe) {
				t.Fatalf("server ended with %v, the client never heard", s.Err())
			}
		}
	})
}

// handshakeFrameSeeds are frame sequences for Initial and Handshake
// packets. The first byte of a seed picks the packet type (bit 0: Initial
// or Handshake) and when it arrives (bit 1: as soon as the server
// connection exists, or once the server's TLS handshake completed).
func handshakeFrameSeeds() [][]byte {
	var seeds [][]byte
	for mode := range byte(4) {
		for _, pl := range [][]byte{
			frames(wire.PingFrame{}, wire.PaddingFrame{Length: 10}),
			frames(wire.AckFrame{Ranges: []wire.AckRange{{Smallest: 0, Largest: 0}}}),
			frames(wire.CryptoFrame{Offset: 0, Data: []byte{20, 0, 0, 32}}),
			frames(wire.CryptoFrame{Offset: 1000, Data: []byte{1, 2, 3}}),
			frames(wire.ConnectionCloseFrame{ErrorCode: 0x0a}),
			frames(wire.StreamFrame{StreamID: 0, Data: []byte{1}}),
		} {
			seeds = append(seeds, append([]byte{mode}, joinPayloads(pl)...))
		}
	}
	return seeds
}

// FuzzConnHandshakeFrames feeds arbitrary frame sequences to a server
// connection as the payloads of Initial or Handshake packets while the
// handshake runs, straight into the frame handler (the packets would need
// the client's keys to get through the network path). The same
// invariants as FuzzConnFrames hold, and the handshake either completes or
// fails with a transport error (TLS alerts as CRYPTO_ERROR).
func FuzzConnHandshakeFrames(f *testing.F) {
	for _, s := range handshakeFrameSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		mode := in[0]
		p, _, sv, c := newSimPair(t, fuzzSeed, simnet.SimpleP2P())
		p.MaxSteps = fuzzMaxSteps
		if err := p.RunUntil(func() bool { return len(sv.accepted) == 1 }, time.Second); err != nil {
			t.Fatal(err)
		}
		s := sv.accepted[0]
		if mode&2 != 0 {
			if err := p.RunUntil(func() bool { return s.handshakeDone }, time.Second); err != nil {
				t.Fatal(err)
			}
		}
		pt := protocol.PacketInitial
		if mode&1 != 0 {
			pt = protocol.PacketHandshake
		}
		sp := &s.spaces[pt.Space()]
		for _, pl := range splitPayloads(in[1:]) {
			if s.state >= stateClosing || sp.open == nil || sp.discarded {
				break
			}
			now := p.Now()
			if _, err := s.handleFrames(now, Datagram{Remote: p.Client.Addr()}, pt, pl); err != nil {
				s.closeWithError(now, err)
			}
			sv.events(s)
			checkConnBounds(t, s)
		}
		if err := p.RunFor(2 * time.Second); err != nil {
			t.Fatalf("network: %v", err)
		}
		checkConnBounds(t, s)
		checkConnBounds(t, c)
	})
}
