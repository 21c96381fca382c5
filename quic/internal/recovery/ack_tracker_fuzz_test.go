package recovery

import (
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// FuzzAckTracker feeds packet numbers, ACKs sent and ACKs acknowledged to
// an AckTracker and checks duplicate detection, the largest received and
// the ranges against a set, and that an ACK is due whenever the rules of
// RFC 9000, 13.2 require one.
func FuzzAckTracker(f *testing.F) {
	f.Add([]byte{0, 1, 1, 2, 0, 3, 1, 2, 9, 2, 8, 0})
	f.Add([]byte{5, 1, 4, 1, 3, 1, 2, 2, 1, 3, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		tr := NewAckTracker(protocol.SpaceAppData, 25*time.Millisecond)
		tr.SetMaxRanges(8)
		seen := map[uint64]bool{}
		var largest uint64
		hasLargest := false
		now := protocol.Time(0)
		for len(in) >= 2 {
			pn, arg := uint64(in[0]), in[1]
			in = in[2:]
			now += protocol.Time(arg) * protocol.Time(time.Millisecond)
			switch arg % 4 {
			case 0, 1: // receive
				eliciting := arg%4 == 1
				wantDup := seen[pn] || pn < tr.Ranges().Floor()
				before := tr.AckDeadline()
				if dup := tr.OnPacketReceived(pn, now, eliciting, ECN(arg>>2%4)); dup != wantDup {
					// A cap drop can also refuse a new lowest packet.
					if !(dup && pn < tr.Ranges().Floor()) {
						t.Fatalf("pn %d: dup %v, want %v", pn, dup, wantDup)
					}
				} else if !dup {
					seen[pn] = true
					if !hasLargest || pn > largest {
						largest, hasLargest = pn, true
					}
					if eliciting && tr.AckDeadline() > now.Add(25*time.Millisecond) {
						t.Fatalf("ack-eliciting pn %d: deadline %v beyond max_ack_delay", pn, tr.AckDeadline())
					}
					if !eliciting && tr.AckDeadline() != before {
						t.Fatalf("non-eliciting pn %d moved the deadline", pn)
					}
				}
			case 2:
				tr.OnAckSent(now)
				if tr.ShouldSendAck(now) {
					t.Fatal("ACK due right after sending one")
				}
			case 3:
				tr.OnAckAcked(pn)
			}
			if l, ok := tr.Largest(); ok != hasLargest || l != largest {
				t.Fatalf("largest %d %v, want %d %v", l, ok, largest, hasLargest)
			}
			floor := tr.Ranges().Floor()
			for v := uint64(0); v < 256; v++ {
				if tr.Ranges().Contains(v) != (seen[v] && v >= floor) {
					t.Fatalf("pn %d: contained %v, seen %v, floor %d", v, tr.Ranges().Contains(v), seen[v], floor)
				}
			}
		}
	})
}
