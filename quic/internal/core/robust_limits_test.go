package core

import (
	"runtime"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/streams"
	"github.com/quicr/quicr/quic/internal/wire"
)

type frameList = []interface{ Append([]byte) []byte }

// TestRobustScatteredStreamFrames sends many tiny out-of-order STREAM
// frames, each leaving a gap, on one stream and across every stream the
// server allows. Memory follows the flow-control windows (512 KiB per
// stream, 768 KiB per connection in testConfig) whatever the number of
// frames, and a stream with more than 1024 gaps closes the connection
// (RFC 9000, 21.10 warns of this exhaustion).
func TestRobustScatteredStreamFrames(t *testing.T) {
	const kib = 1024
	tests := []struct {
		name    string
		streams int    // bidirectional client streams used
		gaps    int    // 1-byte frames per stream, each after a gap
		stride  uint64 // distance between them
		code    int64  // expected transport error code, -1: stays open
	}{
		{"one stream, 1000 gaps across its window", 1, 1000, 500, -1},
		{"one stream, 1024 gaps", 1, 1024, 16, -1},
		{"one stream, 1025 gaps", 1, 1025, 16, int64(qerr.ProtocolViolation)},
		{"100 streams, 100 gaps each across the connection window", 100, 100, 76, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAttackPair(t, nil)
			var fs frameList
			for i := range tt.gaps {
				for n := range tt.streams {
					off := 1 + uint64(i)*tt.stride // offset 0 never arrives: nothing is readable
					fs = append(fs, wire.StreamFrame{StreamID: uint64(streams.NewID(uint64(n), true, streams.Bidi)), Offset: off, Data: []byte{byte(i)}})
				}
			}
			before := heapInUse()
			packets := a.sendFrames(fs)
			grew := int64(heapInUse()) - int64(before)
			if got := transportCode(a.s.Err()); got != tt.code {
				t.Fatalf("after %d frames in %d packets: server error %v (code %d), want code %d", len(fs), packets, a.s.Err(), got, tt.code)
			}
			held := streamBytesHeld(a.s)
			connWin := a.s.connRecv.Limit()
			// Blocks of 4 KiB are allocated where data lands, so the
			// bound is the window plus one block per stream, plus the
			// per-stream state.
			bound := int64(connWin) + int64(tt.streams)*(2*4*kib) + 256*kib
			t.Logf("%d frames in %d packets: %d bytes of offsets held, heap grew %d bytes (bound %d), %d streams",
				len(fs), packets, held, grew, bound, len(a.s.streams))
			if held > connWin {
				t.Errorf("%d bytes held beyond the connection window %d", held, connWin)
			}
			if grew > bound {
				t.Errorf("heap grew %d bytes, bound %d", grew, bound)
			}
			checkConnBounds(t, a.s)
			runtime.KeepAlive(a)
		})
	}
}

// TestRobustAckAttacks acknowledges what the server never sent: a packet
// number beyond any sent (RFC 9000, 13.1) and, for an optimistic-ACK
// attacker, a range covering a packet number the server skipped on
// purpose (RFC 9000, 21.4). Both close with PROTOCOL_VIOLATION.
func TestRobustAckAttacks(t *testing.T) {
	for _, tt := range []struct {
		name   string
		range_ func(a *attackPair, skipped uint64) wire.AckRange
	}{
		{"ACK of a packet never sent", func(a *attackPair, _ uint64) wire.AckRange {
			next := a.s.spaces[protocol.SpaceAppData].nextPN
			return wire.AckRange{Smallest: next, Largest: next + 10}
		}},
		{"optimistic ACK covering a skipped packet number", func(a *attackPair, skipped uint64) wire.AckRange {
			return wire.AckRange{Smallest: 0, Largest: skipped + 1}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newAttackPair(t, nil)
			// Make the server send past its first skipped packet number.
			skipped := a.s.nextSkip
			if skipped == 0 {
				t.Fatal("the server has not chosen a packet number to skip")
			}
			id, _ := a.c.OpenStream(streams.Bidi)
			if _, err := a.c.StreamWrite(id, []byte("get")); err != nil {
				t.Fatal(err)
			}
			data := randomData(4<<20, 3)
			var snd *sender
			err := a.p.RunUntil(func() bool {
				if snd == nil && len(a.sv.opened[a.s]) > 0 {
					snd = &sender{c: a.s, id: a.sv.opened[a.s][0], data: data}
				}
				if snd != nil {
					snd.pump(t)
				}
				var r receiver
				r.pump(t, a.c, id)
				return a.s.spaces[protocol.SpaceAppData].nextPN > skipped+1
			}, 60*time.Second)
			if err != nil {
				t.Fatalf("server did not reach packet number %d: %v", skipped, err)
			}
			if a.s.nextSkip == skipped {
				t.Fatalf("packet number %d was not skipped", skipped)
			}
			a.send(frames(wire.AckFrame{Ranges: []wire.AckRange{tt.range_(a, skipped)}}))
			if got := transportCode(a.s.Err()); got != int64(qerr.ProtocolViolation) {
				t.Fatalf("server error %v (code %d), want PROTOCOL_VIOLATION", a.s.Err(), got)
			}
		})
	}
}
