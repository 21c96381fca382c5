package core

import (
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Path MTU discovery in the style of DPLPMTUD (RFC 8899, 5; RFC 9000,
// 14.3): padded PING probes of growing size; an acknowledged probe raises
// the datagram size, three lost probes of one size mark it too large. A
// binary search between the last size that worked and the first that did
// not converges in a few round trips; afterwards a probe is retried now and
// then in case the path improved.
const (
	pmtudMaxProbes   = 3                // losses of one size before it counts as too large (MAX_PROBES)
	pmtudGranularity = 16               // search stops when the interval is this narrow
	pmtudRaiseTimer  = 10 * time.Minute // PMTU_RAISE_TIMER
	// pmtudStartRTTs is how many round trips after confirmation the first
	// probe waits: a connection that ends within them (a request and its
	// response) would pay a full-size packet and its ACK each way for a
	// size it never uses.
	pmtudStartRTTs = 5
)

type pmtudState struct {
	started   bool
	lo        int // largest size known to work
	hi        int // smallest size known not to work, or the ceiling + 1
	probeSize int // size of the probe in flight, 0 if none
	failures  int // lost probes of probeSize
	nextAt    protocol.Time
}

// startPMTUD begins discovery once the handshake is confirmed and the
// peer's max_udp_payload_size is known.
func (c *Conn) startPMTUD(now protocol.Time) {
	if c.cfg.DisablePMTUD || c.pmtud.started {
		return
	}
	ceiling := min(c.cfg.MaxUDPPayloadSize, int(min(c.peerParams.MaxUDPPayloadSize, 65527)))
	if ceiling <= c.path.mtu {
		return
	}
	first := now + protocol.Time(pmtudStartRTTs*c.loss.RTT().SmoothedRTT())
	c.pmtud = pmtudState{started: true, lo: c.path.mtu, hi: ceiling + 1, nextAt: first}
}

// pmtudWaiting reports whether a probe waits only for its time to come;
// one blocked by the congestion window or path validation waits for the ACK
// or validation that unblocks it, which calls PollTransmit anyway.
func (c *Conn) pmtudWaiting() bool {
	d := &c.pmtud
	return d.started && d.probeSize == 0 && d.hi-d.lo > pmtudGranularity && c.oneRTT.CanSeal() &&
		c.path.validated && c.loss.CanSend(protocol.SpaceAppData)
}

// pmtudProbeSize returns the size of the next probe, or 0 if none is due.
func (c *Conn) pmtudProbeSize(now protocol.Time) int {
	d := &c.pmtud
	if !d.started || d.probeSize != 0 || now < d.nextAt || !c.oneRTT.CanSeal() || !c.path.validated {
		return 0
	}
	if d.hi-d.lo <= pmtudGranularity {
		return 0
	}
	if d.failures == 0 && d.hi == c.cfg.MaxUDPPayloadSize+1 && d.lo == protocol.MinInitialDatagramSize {
		return d.hi - 1 // try the ceiling first: most paths carry it
	}
	return (d.lo + d.hi) / 2
}

// buildPMTUProbe writes a probe datagram of exactly size bytes: one 1-RTT
// packet with PING and PADDING (RFC 9000, 14.4).
func (c *Conn) buildPMTUProbe(now protocol.Time, out []byte, size int) int {
	if len(out) < size {
		return 0
	}
	c.maybeSkipPN()
	n := c.buildPaddedPacket(now, out, size, c.remoteCIDs.Current(), builtPacket{pmtuProbe: true}, func(b []byte, log *frameLog) []byte {
		log.add(logPing)
		return append(b, wire.FrameTypePing)
	})
	if n > 0 {
		c.pmtud.probeSize = size
	}
	return n
}

// onPMTUProbeAcked raises the datagram size to an acknowledged probe's.
func (c *Conn) onPMTUProbeAcked(size int) {
	d := &c.pmtud
	if size != d.probeSize {
		return
	}
	d.probeSize, d.failures = 0, 0
	d.lo = max(d.lo, size)
	if size > c.path.mtu {
		c.setMTU(size)
	}
	d.nextAt = c.traceNow
	if d.hi-d.lo <= pmtudGranularity {
		d.hi = c.cfg.MaxUDPPayloadSize + 1
		d.nextAt = c.traceNow.Add(pmtudRaiseTimer)
		if d.lo >= c.cfg.MaxUDPPayloadSize {
			d.nextAt = protocol.Never
		}
	}
}

// onPMTUProbeLost counts a lost probe; after pmtudMaxProbes the size is too
// large.
func (c *Conn) onPMTUProbeLost(size int) {
	d := &c.pmtud
	if size != d.probeSize {
		return
	}
	d.probeSize = 0
	d.failures++
	d.nextAt = c.traceNow
	if d.failures >= pmtudMaxProbes {
		d.failures = 0
		d.hi = size
		if d.hi-d.lo <= pmtudGranularity {
			d.hi = c.cfg.MaxUDPPayloadSize + 1
			d.nextAt = c.traceNow.Add(pmtudRaiseTimer)
		}
	}
}

// setMTU changes the datagram size for everything that depends on it.
func (c *Conn) setMTU(size int) {
	old := c.path.mtu
	c.path.mtu = size
	c.cc.SetMaxDatagramSize(size)
	c.pacer.SetMaxDatagramSize(size)
	if c.tracer != nil {
		c.tracer.MTUUpdated(int64(c.traceNow), uint32(old), uint32(size), c.pmtud.hi-c.pmtud.lo <= pmtudGranularity)
	}
}
