package core

import (
	"runtime"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
)

// attackPair is an established pair whose client is the attacker: it
// seals whatever frames the test wants in genuine 1-RTT packets.
type attackPair struct {
	p      *simnet.Pair
	cl, sv *simEP
	c, s   *Conn // client (attacker) and server (victim) connections
}

func newAttackPair(t testing.TB, svMod func(*EndpointConfig)) *attackPair {
	t.Helper()
	p, cl, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(), nil, svMod)
	s := establish(t, p, c, sv)
	if err := p.RunFor(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	return &attackPair{p: p, cl: cl, sv: sv, c: c, s: s}
}

// send delivers payload to the server in one 1-RTT packet from the client,
// through the server endpoint's receive path.
func (a *attackPair) send(payload []byte) {
	a.sv.HandleDatagram(a.p.Now(), simnet.Datagram{From: a.p.Client.Addr(), To: a.p.Server.Addr(), Data: rawShortPacket(a.c, payload)})
}

// sendFrames packs frames into as few 1-RTT packets as fit and sends
// them.
func (a *attackPair) sendFrames(fs []interface{ Append([]byte) []byte }) (packets int) {
	var b []byte
	for _, f := range fs {
		nb := f.Append(b)
		if len(nb) > maxFuzzPayload && len(b) > 0 {
			a.send(b)
			packets++
			nb = f.Append(nil)
		}
		b = nb
	}
	if len(b) > 0 {
		a.send(b)
		packets++
	}
	return packets
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// streamBytesHeld sums the stream data c buffers: received and not read,
// plus written and not acknowledged.
func streamBytesHeld(c *Conn) (held uint64) {
	for _, s := range c.streams {
		if s.hasRecv {
			held += s.recv.Highest() - s.recv.ReadOffset()
		}
		if s.hasSend {
			held += uint64(s.send.Buffered())
		}
	}
	return held
}
