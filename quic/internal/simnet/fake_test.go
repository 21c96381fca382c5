package simnet

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// received is a datagram a fake endpoint got, with its arrival time.
type received struct {
	at protocol.Time
	d  Datagram
}

// fakeEP is a sans-IO endpoint for tests: it sends `left` pings of `size`
// bytes to peer, one per `interval` starting at its first timer, and echoes
// what it receives when echo is set.
type fakeEP struct {
	peer     netip.AddrPort
	size     int
	ecn      uint8
	interval time.Duration
	left     int
	timer    protocol.Time
	echo     bool
	seq      uint32
	queue    []Datagram
	recv     []received
}

func newPinger(peer netip.AddrPort, n, size int, interval time.Duration) *fakeEP {
	return &fakeEP{peer: peer, size: size, interval: interval, left: n, timer: 0}
}

func newEcho() *fakeEP { return &fakeEP{echo: true, timer: protocol.Never} }

func (e *fakeEP) HandleDatagram(now protocol.Time, d Datagram) {
	e.recv = append(e.recv, received{now, d})
	if e.echo {
		e.queue = append(e.queue, Datagram{To: d.From, ECN: d.ECN, Data: d.Data})
	}
}

func (e *fakeEP) HandleTimeout(now protocol.Time) {
	if e.left == 0 {
		e.timer = protocol.Never
		return
	}
	e.send(e.size)
	e.left--
	e.timer = protocol.Never
	if e.left > 0 {
		e.timer = now.Add(e.interval)
	}
}

// send queues one ping numbered by e.seq.
func (e *fakeEP) send(size int) {
	b := make([]byte, max(size, 8))
	b[0] = 0x40 // a short header, not Version Negotiation
	for i := 5; i < len(b); i++ {
		b[i] = byte(i)
	}
	binary.BigEndian.PutUint32(b[1:], 0x01000000|e.seq)
	e.seq++
	e.queue = append(e.queue, Datagram{To: e.peer, ECN: e.ecn, Data: b[:size]})
}

func (e *fakeEP) PollTransmit(now protocol.Time, buf []byte) (Datagram, bool) {
	if len(e.queue) == 0 {
		return Datagram{}, false
	}
	d := e.queue[0]
	e.queue = e.queue[1:]
	d.Data = buf[:copy(buf, d.Data)]
	return d, true
}

func (e *fakeEP) NextTimeout() protocol.Time { return e.timer }

// pingSeq returns the number a ping carries.
func pingSeq(b []byte) uint32 { return binary.BigEndian.Uint32(b[1:]) & 0xffffff }

// stuckTimer is an endpoint whose timer never advances: a livelock.
type stuckTimer struct{ fired int }

func (s *stuckTimer) HandleDatagram(protocol.Time, Datagram)              { panic("no datagrams expected") }
func (s *stuckTimer) HandleTimeout(protocol.Time)                         { s.fired++ }
func (s *stuckTimer) PollTransmit(protocol.Time, []byte) (Datagram, bool) { return Datagram{}, false }
func (s *stuckTimer) NextTimeout() protocol.Time                          { return 5 }

// chatterbox never stops transmitting.
type chatterbox struct{ to netip.AddrPort }

func (c *chatterbox) HandleDatagram(protocol.Time, Datagram) {}
func (c *chatterbox) HandleTimeout(protocol.Time)            {}
func (c *chatterbox) PollTransmit(_ protocol.Time, buf []byte) (Datagram, bool) {
	return Datagram{To: c.to, Data: buf[:1]}, true
}
func (c *chatterbox) NextTimeout() protocol.Time { return protocol.Never }
