package qlogread_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogread"
)

// Example asserts on a trace the way a connection test would.
func Example() {
	var buf bytes.Buffer
	tr := qlog.NewTracer(&buf, qlog.RoleClient, []byte{1, 2, 3, 4, 5, 6, 7, 8}, nil)
	tr.KeyUpdated(0, qlog.KeyClient1RTT, 1, qlog.KeyTriggerLocalUpdate)
	tr.PacketSent(int64(2*time.Millisecond), &qlog.Packet{
		Header: qlog.PacketHeader{PacketType: qlog.PacketType1RTT, PacketNumber: 9, KeyPhase: 1},
		Raw:    qlog.RawInfo{Length: 60},
	})
	tr.Close()

	trace, err := qlogread.Parse(buf.Bytes())
	if err != nil {
		panic(err)
	}
	for _, e := range trace.Find("transport:packet_sent") {
		pn, _ := e.Number("header.packet_number")
		kp, _ := e.Number("header.key_phase")
		fmt.Printf("t=%vms pn=%v key_phase=%v\n", e.Time, pn, kp)
	}
	fmt.Println(trace.Any("security:key_updated", func(e qlogread.Event) bool {
		s, _ := e.String("trigger")
		return s == "local_update"
	}))
	// Output:
	// t=2ms pn=9 key_phase=1
	// true
}
