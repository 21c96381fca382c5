package wire

import "strconv"

// AckRange is a run of acknowledged packet numbers, both ends inclusive
// (RFC 9000, 19.3.1).
type AckRange struct {
	Smallest, Largest uint64
}

// AckFrame is an ACK frame (RFC 9000, 19.3).
type AckFrame struct {
	// AckDelay is the raw ACK Delay field; the caller scales it by
	// 2^ack_delay_exponent microseconds (RFC 9000, 19.3).
	AckDelay uint64
	// Ranges lists the acknowledged ranges, largest first. Append expects
	// them to satisfy ValidAckRanges; Parse always leaves them so.
	Ranges []AckRange
	// ECN selects type 0x03, which carries the three ECN counts
	// (RFC 9000, 19.3.2).
	ECN            bool
	ECT0, ECT1, CE uint64
}

// ValidAckRanges reports whether r can be encoded in an ACK frame: at least
// one range, each with Smallest <= Largest <= 2^62-1, in descending order
// with at least one unacknowledged packet between neighbours, since the Gap
// field counts one less than the gap (RFC 9000, 19.3.1).
func ValidAckRanges(r []AckRange) bool {
	if len(r) == 0 || r[0].Largest > MaxVarint {
		return false
	}
	for i, ar := range r {
		if ar.Smallest > ar.Largest {
			return false
		}
		if i > 0 && (r[i-1].Smallest < 2 || ar.Largest > r[i-1].Smallest-2) {
			return false
		}
	}
	return true
}

// LargestAcked returns the Largest Acknowledged field, or 0 for no ranges.
func (f AckFrame) LargestAcked() uint64 {
	if len(f.Ranges) == 0 {
		return 0
	}
	return f.Ranges[0].Largest
}

// Type returns FrameTypeAckECN if f carries ECN counts, else FrameTypeAck.
func (f AckFrame) Type() uint64 {
	if f.ECN {
		return FrameTypeAckECN
	}
	return FrameTypeAck
}

// headerLen returns the length of everything but the additional ACK Ranges
// and the ACK Range Count: type, Largest Acknowledged, ACK Delay, First ACK
// Range and ECN counts.
func (f *AckFrame) headerLen() int {
	r := f.Ranges[0]
	n := 1 + VarintLen(r.Largest) + VarintLen(f.AckDelay) + VarintLen(r.Largest-r.Smallest)
	if f.ECN {
		n += VarintLen(f.ECT0) + VarintLen(f.ECT1) + VarintLen(f.CE)
	}
	return n
}

// rangeLen returns the encoded length of the Gap and ACK Range Length fields
// for f.Ranges[i], i >= 1.
func (f *AckFrame) rangeLen(i int) int {
	r := f.Ranges[i]
	return VarintLen(f.Ranges[i-1].Smallest-r.Largest-2) + VarintLen(r.Largest-r.Smallest)
}

// Len returns the encoded length of f, or 0 if f has no ranges.
func (f AckFrame) Len() int {
	if len(f.Ranges) == 0 {
		return 0
	}
	n := f.headerLen() + VarintLen(uint64(len(f.Ranges)-1))
	for i := 1; i < len(f.Ranges); i++ {
		n += f.rangeLen(i)
	}
	return n
}

// Append appends f to b. An ACK without ranges cannot be encoded, so then b
// is returned unchanged.
func (f AckFrame) Append(b []byte) []byte {
	return f.appendRanges(b, len(f.Ranges))
}

// appendRanges appends f as if it held only its first k ranges, k >= 1.
func (f *AckFrame) appendRanges(b []byte, k int) []byte {
	if k == 0 {
		return b
	}
	first := f.Ranges[0]
	b = append(b, byte(f.Type()))
	b = AppendVarint(b, first.Largest)
	b = AppendVarint(b, f.AckDelay)
	b = AppendVarint(b, uint64(k-1))
	b = AppendVarint(b, first.Largest-first.Smallest)
	for i := 1; i < k; i++ {
		r := f.Ranges[i]
		// RFC 9000, 19.3.1: largest = previous_smallest - gap - 2.
		b = AppendVarint(b, f.Ranges[i-1].Smallest-r.Largest-2)
		b = AppendVarint(b, r.Largest-r.Smallest)
	}
	if f.ECN {
		b = AppendVarint(b, f.ECT0)
		b = AppendVarint(b, f.ECT1)
		b = AppendVarint(b, f.CE)
	}
	return b
}

// FitRanges returns how many of f's ranges, taken largest first, fit in an
// ACK frame of at most budget bytes, and that frame's length. It returns
// 0, 0 if not even the first range fits.
func (f AckFrame) FitRanges(budget int) (ranges, length int) {
	if len(f.Ranges) == 0 {
		return 0, 0
	}
	hdr := f.headerLen()
	if hdr+1 > budget {
		return 0, 0
	}
	ranges, length = 1, hdr+1
	sum := 0
	for i := 1; i < len(f.Ranges); i++ {
		sum += f.rangeLen(i)
		// The length grows with i, so the first miss ends the search.
		n := hdr + VarintLen(uint64(i)) + sum
		if n > budget {
			break
		}
		ranges, length = i+1, n
	}
	return ranges, length
}

// AppendWithin appends f to b using at most budget bytes, dropping the
// oldest (smallest) ranges that do not fit. It returns the new slice and the
// number of ranges written; 0 means nothing fit and b is unchanged.
func (f AckFrame) AppendWithin(b []byte, budget int) ([]byte, int) {
	k, _ := f.FitRanges(budget)
	return f.appendRanges(b, k), k
}

// Parse fills f from the ACK frame at the start of b. It reuses
// f.Ranges[:0], so parsing into the same AckFrame does not allocate once
// the slice has grown. A range reaching below packet number 0 is a
// FRAME_ENCODING_ERROR (RFC 9000, 19.3.1).
func (f *AckFrame) Parse(b []byte) (int, error) {
	typ, v, n, err := parseVarintFields(b, FrameTypeAck, FrameTypeAckECN, 4)
	if err != nil {
		return 0, err
	}
	largest, delay, count, firstRange := v[0], v[1], v[2], v[3]
	// Each ACK Range takes at least two bytes; checking up front bounds
	// the work and the growth of f.Ranges by the input.
	if count > uint64(len(b)-n)/2 {
		return 0, encodingError(typ, reasonTruncated)
	}
	if firstRange > largest {
		return 0, encodingError(typ, reasonAckRangeNegative)
	}
	smallest := largest - firstRange
	ranges := append(f.Ranges[:0], AckRange{Smallest: smallest, Largest: largest})
	for range count {
		gap, m := ConsumeVarint(b[n:])
		if m < 0 {
			return 0, encodingError(typ, reasonTruncated)
		}
		n += m
		length, m := ConsumeVarint(b[n:])
		if m < 0 {
			return 0, encodingError(typ, reasonTruncated)
		}
		n += m
		// RFC 9000, 19.3.1: largest = previous_smallest - gap - 2 and
		// smallest = largest - ack_range; neither may go negative.
		if smallest < gap+2 {
			return 0, encodingError(typ, reasonAckRangeNegative)
		}
		largest = smallest - gap - 2
		if length > largest {
			return 0, encodingError(typ, reasonAckRangeNegative)
		}
		smallest = largest - length
		ranges = append(ranges, AckRange{Smallest: smallest, Largest: largest})
	}
	f.Ranges = ranges
	f.AckDelay = delay
	f.ECN = typ == FrameTypeAckECN
	f.ECT0, f.ECT1, f.CE = 0, 0, 0
	if f.ECN {
		for _, c := range [...]*uint64{&f.ECT0, &f.ECT1, &f.CE} {
			v, m := ConsumeVarint(b[n:])
			if m < 0 {
				return 0, encodingError(typ, reasonTruncated)
			}
			n += m
			*c = v
		}
	}
	return n, nil
}

// String describes f.
func (f AckFrame) String() string {
	b := append(make([]byte, 0, 64), "ACK"...)
	b = appendUintField(b, "delay", f.AckDelay)
	b = append(b, " ranges="...)
	for i, r := range f.Ranges {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendUint(b, r.Smallest, 10)
		b = append(b, '-')
		b = strconv.AppendUint(b, r.Largest, 10)
	}
	if f.ECN {
		b = appendUintField(b, "ect0", f.ECT0)
		b = appendUintField(b, "ect1", f.ECT1)
		b = appendUintField(b, "ce", f.CE)
	}
	return string(b)
}
