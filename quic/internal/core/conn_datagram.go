package core

import (
	"errors"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// Datagram errors.
var (
	ErrDatagramsDisabled = errors.New("quic: datagrams not negotiated")
	ErrDatagramTooLarge  = errors.New("quic: datagram too large")
)

// MaxDatagramSize returns the largest datagram payload SendDatagram takes
// now: what fits in one packet on the path, bounded by the peer's
// max_datagram_frame_size (RFC 9221, 3 and 5).
func (c *Conn) MaxDatagramSize() int {
	if !c.cfg.EnableDatagrams || !c.havePeerParams || c.peerParams.MaxDatagramFrameSize == 0 {
		return 0
	}
	// Short header with a 4-byte packet number, frame type and length.
	overhead := 1 + c.remoteCIDs.Current().Len() + 4 + protect.TagLen + 1 + 2
	n := c.path.mtu - overhead
	return min(n, int(c.peerParams.MaxDatagramFrameSize)-3)
}

// SendDatagram queues an unreliable datagram (RFC 9221). It is sent when
// congestion control allows and never retransmitted; when the queue is
// full the oldest datagram is dropped and counted.
func (c *Conn) SendDatagram(p []byte) error {
	if c.state >= stateClosing {
		return c.connError()
	}
	max := c.MaxDatagramSize()
	if max == 0 {
		return ErrDatagramsDisabled
	}
	if len(p) > max {
		return ErrDatagramTooLarge
	}
	if len(c.datagramsOut) >= c.cfg.MaxDatagramQueue {
		c.datagramsOut[0] = nil
		c.datagramsOut = c.datagramsOut[1:]
		c.stats.DatagramsDropped++
	}
	c.datagramsOut = append(c.datagramsOut, append([]byte(nil), p...))
	return nil
}

// ReadDatagram returns the oldest received datagram.
func (c *Conn) ReadDatagram() ([]byte, bool) {
	if len(c.datagramsIn) == 0 {
		return nil, false
	}
	d := c.datagramsIn[0]
	c.datagramsIn[0] = nil
	c.datagramsIn = c.datagramsIn[1:]
	return d, true
}

var _ = packet.IsLongHeader
var _ = protocol.SpaceAppData
