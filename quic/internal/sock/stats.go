package sock

import "sync/atomic"

// Stats counts the traffic through a Conn and the features it used.
type Stats struct {
	DatagramsSent     uint64 // counting each GSO segment
	BytesSent         uint64 // UDP payload bytes
	DatagramsReceived uint64 // after splitting GRO reads
	BytesReceived     uint64 // UDP payload bytes
	SendCalls         uint64 // sendmsg, sendmmsg or WriteTo calls that sent something
	RecvCalls         uint64 // recvmsg, recvmmsg or ReadFrom calls that returned data
	GSOSends          uint64 // sends that carried a UDP_SEGMENT control message
	GSOSegments       uint64 // datagrams sent inside GSO sends
	GROReceives       uint64 // reads that held more than one datagram
	GROSegments       uint64 // datagrams that arrived inside such reads
	ECNReceived       uint64 // datagrams that arrived ECT(0), ECT(1) or CE
	CEReceived        uint64 // datagrams that arrived CE
	Truncated         uint64 // reads cut short by a too small buffer
	Fallbacks         uint64 // features switched off at run time after a kernel refusal
}

// counters is the live, concurrently updated form of Stats.
type counters struct {
	datagramsSent, bytesSent, datagramsReceived, bytesReceived atomic.Uint64
	sendCalls, recvCalls                                       atomic.Uint64
	gsoSends, gsoSegments, groReceives, groSegments            atomic.Uint64
	ecnReceived, ceReceived, truncated, fallbacks              atomic.Uint64
}

func (c *counters) snapshot() Stats {
	return Stats{
		DatagramsSent:     c.datagramsSent.Load(),
		BytesSent:         c.bytesSent.Load(),
		DatagramsReceived: c.datagramsReceived.Load(),
		BytesReceived:     c.bytesReceived.Load(),
		SendCalls:         c.sendCalls.Load(),
		RecvCalls:         c.recvCalls.Load(),
		GSOSends:          c.gsoSends.Load(),
		GSOSegments:       c.gsoSegments.Load(),
		GROReceives:       c.groReceives.Load(),
		GROSegments:       c.groSegments.Load(),
		ECNReceived:       c.ecnReceived.Load(),
		CEReceived:        c.ceReceived.Load(),
		Truncated:         c.truncated.Load(),
		Fallbacks:         c.fallbacks.Load(),
	}
}

// countReceived accounts for the messages of one read call.
func (c *counters) countReceived(msgs []Message) {
	var dgrams, bytes, groReads, groSegs, ecn, ce uint64
	for i := range msgs {
		m := &msgs[i]
		segs := uint64(m.NumSegments())
		dgrams += segs
		bytes += uint64(m.N)
		if segs > 1 {
			groReads++
			groSegs += segs
		}
		if m.ECN != ECNNotECT {
			ecn += segs
			if m.ECN == ECNCE {
				ce += segs
			}
		}
	}
	c.recvCalls.Add(1)
	c.datagramsReceived.Add(dgrams)
	c.bytesReceived.Add(bytes)
	if groReads > 0 {
		c.groReceives.Add(groReads)
		c.groSegments.Add(groSegs)
	}
	if ecn > 0 {
		c.ecnReceived.Add(ecn)
		c.ceReceived.Add(ce)
	}
}
