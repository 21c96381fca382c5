package qlog_test

import (
	"io"
	"testing"

	"github.com/quicr/quicr/qlog"
)

// benchPacket is a typical 1-RTT packet: an ACK, a STREAM frame and padding.
func benchPacket(frames *[3]qlog.Frame, ranges []qlog.AckRange, pn uint64) qlog.Packet {
	frames[0] = qlog.Frame{Type: qlog.FrameAck, AckDelay: 250000, AckRanges: ranges}
	frames[1] = qlog.Frame{Type: qlog.FrameStream, StreamID: 4, Offset: pn * 1100, Length: 1100}
	frames[2] = qlog.Frame{Type: qlog.FramePadding, Length: 12}
	return qlog.Packet{
		Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: pn, DestConnectionID: testSCID},
		Raw:    qlog.RawInfo{Length: 1200, PayloadLength: 1170},
		Frames: frames[:],
	}
}

func BenchmarkPacketSent(b *testing.B) {
	tr := qlog.NewTracer(io.Discard, qlog.RoleClient, testODCID, nil)
	defer tr.Close()
	ranges := []qlog.AckRange{{Smallest: 10, Largest: 20}, {Smallest: 0, Largest: 8}}
	var frames [3]qlog.Frame
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := benchPacket(&frames, ranges, uint64(i))
		tr.PacketSent(int64(i)*1000, &p)
	}
}

func BenchmarkPacketSentNil(b *testing.B) {
	var tr *qlog.ConnectionTracer
	ranges := []qlog.AckRange{{Smallest: 10, Largest: 20}, {Smallest: 0, Largest: 8}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if tr != nil {
			var frames [3]qlog.Frame
			p := benchPacket(&frames, ranges, uint64(i))
			tr.PacketSent(int64(i)*1000, &p)
		}
	}
}

func BenchmarkMetricsUpdated(b *testing.B) {
	tr := qlog.NewTracer(io.Discard, qlog.RoleClient, testODCID, nil)
	defer tr.Close()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tr.MetricsUpdated(int64(i)*1000, &qlog.Metrics{CongestionWindow: 12000, BytesInFlight: uint64(i % 10000), SmoothedRTT: 40000000})
	}
}

// TestPacketSentAllocs pins the allocation-free event path.
func TestPacketSentAllocs(t *testing.T) {
	tr := qlog.NewTracer(io.Discard, qlog.RoleClient, testODCID, nil)
	defer tr.Close()
	ranges := []qlog.AckRange{{Smallest: 10, Largest: 20}, {Smallest: 0, Largest: 8}}
	var frames [3]qlog.Frame
	pn := uint64(0)
	allocs := testing.AllocsPerRun(100, func() {
		p := benchPacket(&frames, ranges, pn)
		pn++
		tr.PacketSent(int64(pn)*1000, &p)
	})
	if allocs != 0 {
		t.Errorf("PacketSent allocates %v times per event, want 0", allocs)
	}
	var nilTracer *qlog.ConnectionTracer
	if a := testing.AllocsPerRun(100, func() {
		p := benchPacket(&frames, ranges, pn)
		nilTracer.PacketSent(0, &p)
	}); a != 0 {
		t.Errorf("nil PacketSent allocates %v times", a)
	}
}
