package recovery

import (
	"slices"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/congestion"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// fuzzPacket is the model's view of a sent packet.
type fuzzPacket struct {
	size     int
	inFlight bool
	state    slotState // slotOutstanding, slotAcked, slotLost; slotSkipped for discarded
}

// fuzzModel checks a LossDetector against simple bookkeeping.
type fuzzModel struct {
	t     *testing.T
	sent  [protocol.NumSpaces]map[uint64]*fuzzPacket
	skips [protocol.NumSpaces][]uint64
}

func (m *fuzzModel) fate(p SentPacket, to slotState) {
	fp := m.sent[p.Space][p.PacketNumber]
	if fp == nil || fp.state != slotOutstanding {
		m.t.Fatalf("space %v packet %d: fate %d reported twice or for an unsent packet", p.Space, p.PacketNumber, to)
	}
	fp.state = to
}

func (m *fuzzModel) OnPacketAcked(p SentPacket)     { m.fate(p, slotAcked) }
func (m *fuzzModel) OnPacketLost(p SentPacket)      { m.fate(p, slotLost) }
func (m *fuzzModel) OnPacketDiscarded(p SentPacket) { m.fate(p, slotSkipped) }

func (m *fuzzModel) bytesInFlight() int {
	n := 0
	for _, sp := range m.sent {
		for _, p := range sp {
			if p.state == slotOutstanding && p.inFlight {
				n += p.size
			}
		}
	}
	return n
}

// FuzzLossDetector drives a LossDetector with sends, ACK frames (valid or
// not), timeouts and discards decoded from the input, and checks that
// every packet meets one fate, bytes in flight match, and an ACK is
// rejected exactly when it covers a packet number never sent.
func FuzzLossDetector(f *testing.F) {
	f.Add([]byte{0, 0, 10, 0, 1, 10, 0, 2, 10, 1, 2, 0, 3, 50})
	f.Add([]byte{0, 2, 5, 0, 2, 200, 0, 2, 5, 0, 2, 5, 1, 2, 1, 2, 0, 2, 9, 2, 9, 9})
	f.Add([]byte{0, 0, 1, 0, 1, 1, 2, 0, 0, 4, 0, 0, 2, 0, 0, 0, 2, 3, 1, 2, 66, 4, 2, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		m := &fuzzModel{t: t}
		for i := range m.sent {
			m.sent[i] = map[uint64]*fuzzPacket{}
		}
		var next [protocol.NumSpaces]uint64
		l := NewLossDetector(Config{IsServer: len(in)%2 == 0}, congestion.NewCubic(1200))
		now := protocol.Time(0)
		ranges := make([]AckRange, 0, 8)
		for len(in) >= 3 {
			op, space, arg := in[0]%5, protocol.Space(in[1]%3), in[2]
			in = in[3:]
			now += protocol.Time(arg) * protocol.Time(time.Millisecond)
			switch op {
			case 0: // send, maybe skipping a number
				pn := next[space] + uint64(arg%4/3)
				if pn != next[space] {
					m.skips[space] = append(m.skips[space], next[space])
				}
				p := SentPacket{PacketNumber: pn, TimeSent: now, Size: 100 + int(arg), AckEliciting: arg%5 != 0,
					InFlight: arg%5 != 0 || arg%7 == 0, Space: space, ECN: ECN(arg % 4)}
				l.OnPacketSent(p)
				m.sent[space][pn] = &fuzzPacket{size: p.Size, inFlight: p.InFlight, state: slotOutstanding}
				next[space] = pn + 1
			case 1: // ACK frame: up to 4 ranges counted down from a largest
				if len(in) < 1 {
					return
				}
				n := int(in[0]%4) + 1
				in = in[1:]
				ranges = ranges[:0]
				top := next[space] + uint64(arg%3) - 1 // may exceed the largest sent
				if next[space] == 0 && arg%3 == 0 {
					continue
				}
				// An ACK of a number not yet sent, or of one of the last
				// skipHistory skipped numbers, must fail; one of an older
				// skipped number may go unnoticed.
				mustFail, mayFail := false, false
				recent := m.skips[space][max(0, len(m.skips[space])-skipHistory):]
				for k := 0; k < n && len(in) > 0; k++ {
					length := uint64(in[0] % 5)
					in = in[1:]
					if length > top {
						length = top
					}
					r := AckRange{Smallest: top - length, Largest: top}
					ranges = append(ranges, r)
					for pn := r.Smallest; pn <= r.Largest; pn++ {
						if m.sent[space][pn] == nil {
							mayFail = true
							mustFail = mustFail || pn >= next[space] || slices.Contains(recent, pn)
						}
					}
					if r.Smallest < 2 {
						break
					}
					top = r.Smallest - 2
				}
				if len(ranges) == 0 {
					continue
				}
				var counts *ECNCounts
				if arg%2 == 0 {
					counts = &ECNCounts{ECT0: uint64(arg), CE: uint64(arg % 3)}
				}
				_, err := l.OnAckReceived(space, ranges, time.Duration(arg)*time.Millisecond, counts, now, m)
				if (err != nil && !mayFail) || (err == nil && mustFail) {
					t.Fatalf("ACK %v in space %v: error %v, model: must fail %v, may fail %v", ranges, space, err, mustFail, mayFail)
				}
				if err != nil {
					return // the connection would close
				}
			case 2: // timeout
				if tm := l.LossTimer(); tm != protocol.Never && tm > now {
					now = tm
				}
				l.OnLossTimeout(now, m)
			case 3:
				if arg%8 == 0 {
					l.DiscardSpace(space, now, m)
				} else if arg%8 == 1 {
					l.SetHandshakeConfirmed(now)
				} else if arg%8 == 2 {
					l.SetAmplificationBlocked(arg%16 < 8, now)
				}
			case 4:
				l.SetHasHandshakeKeys()
			}
			if got, want := l.BytesInFlight(), m.bytesInFlight(); got != want {
				t.Fatalf("bytes in flight %d, model %d", got, want)
			}
			if tm := l.LossTimer(); tm != protocol.Never && tm < 0 {
				t.Fatalf("timer %v", tm)
			}
		}
	})
}
