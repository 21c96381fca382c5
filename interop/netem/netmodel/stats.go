package netmodel

import (
	"fmt"
	"strings"
)

// Stats counts what happened to the datagrams of one link direction.
type Stats struct {
	Sent           uint64 // datagrams offered to the link
	SentBytes      uint64 // their UDP payload bytes
	Delivered      uint64 // datagrams handed to the receiver (duplicates included)
	DeliveredBytes uint64
	Dropped        [NumDropReasons]uint64 // by reason; Dropped[Delivered] stays 0
	Duplicated     uint64                 // extra copies made
	Corrupted      uint64                 // datagrams altered by the corruption model
	CEMarked       uint64                 // ECT datagrams marked CE by the queue
}

// TotalDropped sums the drops over all reasons.
func (s *Stats) TotalDropped() uint64 {
	var n uint64
	for _, c := range s.Dropped {
		n += c
	}
	return n
}

// String prints the non-zero counters.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sent %d (%d B) delivered %d (%d B)", s.Sent, s.SentBytes, s.Delivered, s.DeliveredBytes)
	for r, c := range s.Dropped {
		if c != 0 {
			fmt.Fprintf(&b, " %s %d", DropReason(r), c)
		}
	}
	for _, f := range []struct {
		name string
		n    uint64
	}{{"duplicated", s.Duplicated}, {"corrupted", s.Corrupted}, {"ce", s.CEMarked}} {
		if f.n != 0 {
			fmt.Fprintf(&b, " %s %d", f.name, f.n)
		}
	}
	return b.String()
}
