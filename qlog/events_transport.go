package qlog

// PacketSent logs transport:packet_sent. Version Negotiation packets carry
// p.SupportedVersions, Stateless Resets p.StatelessResetToken.
func (t *ConnectionTracer) PacketSent(now int64, p *Packet) {
	if t == nil || !t.begin(now, evPacketSent) {
		return
	}
	t.e.packet(p, true)
	t.finish()
}

// PacketReceived logs transport:packet_received; p.Trigger may be
// ReceivedKeysAvailable for a packet that waited for its keys.
func (t *ConnectionTracer) PacketReceived(now int64, p *Packet) {
	if t == nil || !t.begin(now, evPacketReceived) {
		return
	}
	t.e.packet(p, false)
	t.finish()
}

// PacketDropped logs transport:packet_dropped. Only the header fields
// known at drop time need be set (at least the packet type); details, if
// not empty, is written as details.message.
func (t *ConnectionTracer) PacketDropped(now int64, h *PacketHeader, raw RawInfo, trigger DropTrigger, details string) {
	if t == nil || !t.begin(now, evPacketDropped) {
		return
	}
	t.e.header(h)
	t.e.raw(&raw)
	if details != "" {
		t.e.object("details")
		t.e.str("message", details)
		t.e.end('}')
	}
	t.e.strOpt("trigger", string(trigger))
	t.finish()
}

// PacketBuffered logs transport:packet_buffered, usually with
// BufferKeysUnavailable.
func (t *ConnectionTracer) PacketBuffered(now int64, h *PacketHeader, raw RawInfo, trigger BufferTrigger) {
	if t == nil || !t.begin(now, evPacketBuffered) {
		return
	}
	t.e.header(h)
	t.e.raw(&raw)
	t.e.strOpt("trigger", string(trigger))
	t.finish()
}

// PacketsAcked logs transport:packets_acked: packets of one space
// acknowledged for the first time.
func (t *ConnectionTracer) PacketsAcked(now int64, space PacketNumberSpace, packetNumbers []uint64) {
	if t == nil || !t.begin(now, evPacketsAcked) {
		return
	}
	t.e.str("packet_number_space", string(space))
	t.e.array("packet_numbers")
	for _, pn := range packetNumbers {
		t.e.elemUint(pn)
	}
	t.e.end(']')
	t.finish()
}

// StreamStateUpdated logs transport:stream_state_updated for one side of
// a stream; the stream type comes from the ID (RFC 9000, 2.1). old and
// trigger may be "".
func (t *ConnectionTracer) StreamStateUpdated(now int64, streamID uint64, side StreamSide, old, new StreamState, trigger Initiator) {
	if t == nil || !t.begin(now, evStreamStateUpdated) {
		return
	}
	e := &t.e
	e.uint("stream_id", streamID)
	e.str("stream_type", streamTypeName(streamID&0x2 != 0))
	e.strOpt("old", string(old))
	e.str("new", string(new))
	e.str("stream_side", string(side))
	e.strOpt("trigger", string(trigger))
	t.finish()
}

// Datagrams is the data of datagrams_sent and datagrams_received: one
// batch handed to or taken from the socket.
type Datagrams struct {
	// Lengths holds each UDP payload's size; its length is the count.
	Lengths []uint64
	// ECN is the codepoint of the batch; "" is not logged.
	ECN ECN
	// Checksums are the CRC32c of each payload, to match packets'
	// datagram_payload_checksum; nil: not logged.
	Checksums []uint32
}

// DatagramsSent logs transport:datagrams_sent.
func (t *ConnectionTracer) DatagramsSent(now int64, d *Datagrams) {
	if t == nil || !t.begin(now, evDatagramsSent) {
		return
	}
	t.e.datagrams(d)
	t.finish()
}

// DatagramsReceived logs transport:datagrams_received.
func (t *ConnectionTracer) DatagramsReceived(now int64, d *Datagrams) {
	if t == nil || !t.begin(now, evDatagramsReceived) {
		return
	}
	t.e.datagrams(d)
	t.finish()
}

func (e *enc) datagrams(d *Datagrams) {
	e.uint("count", uint64(len(d.Lengths)))
	e.array("raw")
	for _, n := range d.Lengths {
		e.elemObject()
		e.uint("length", n)
		e.end('}')
	}
	e.end(']')
	if d.ECN != "" {
		e.array("ecn")
		for range d.Lengths {
			e.sep()
			e.b = appendString(e.b, string(d.ECN))
		}
		e.end(']')
	}
	if d.Checksums != nil {
		e.array("datagram_payload_checksums")
		for _, c := range d.Checksums {
			e.elemUint(uint64(c))
		}
		e.end(']')
	}
}

// DatagramDropped logs transport:datagram_dropped: a UDP payload that held
// no QUIC packet worth a packet_dropped.
func (t *ConnectionTracer) DatagramDropped(now int64, length uint64) {
	if t == nil || !t.begin(now, evDatagramDropped) {
		return
	}
	t.e.object("raw")
	t.e.uint("length", length)
	t.e.end('}')
	t.finish()
}
