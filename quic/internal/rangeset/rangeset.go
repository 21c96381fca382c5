// Package rangeset keeps a sorted set of half-open uint64 ranges. It tracks
// received packet numbers for ACK generation (RFC 9000, 13.2.3) and
// received stream data offsets.
package rangeset

// Range is the half-open interval [Start, End).
type Range struct {
	Start, End uint64
}

// Len returns the number of values in r.
func (r Range) Len() uint64 { return r.End - r.Start }

// RangeSet is a set of uint64 values stored as sorted, disjoint,
// non-adjacent ranges. The zero value is an empty set with no cap on the
// number of ranges.
//
// The set forgets values below Floor: RemoveBelow and the range cap raise
// it, and later additions below it are ignored. A receiver uses this to
// avoid accepting packet numbers it can no longer acknowledge
// (RFC 9000, 13.2.3).
type RangeSet struct {
	r         []Range // ascending; reused so steady state does not allocate
	maxRanges int
	floor     uint64
}

// SetMaxRanges caps the number of ranges; when an addition exceeds it, the
// lowest ranges are dropped and Floor rises past them. n <= 0 means no cap.
func (s *RangeSet) SetMaxRanges(n int) {
	s.maxRanges = n
	s.enforceCap()
}

// Floor returns the value below which the set has forgotten everything.
func (s *RangeSet) Floor() uint64 { return s.floor }

// Len returns the number of ranges.
func (s *RangeSet) Len() int { return len(s.r) }

// Empty reports whether the set holds no values.
func (s *RangeSet) Empty() bool { return len(s.r) == 0 }

// At returns the i-th range counting from the largest: At(0) holds Max.
func (s *RangeSet) At(i int) Range { return s.r[len(s.r)-1-i] }

// Ranges returns the ranges in ascending order. The slice aliases the set
// and is valid until the next modification; callers must not modify it.
func (s *RangeSet) Ranges() []Range { return s.r }

// Min returns the smallest value in the set.
func (s *RangeSet) Min() (uint64, bool) {
	if len(s.r) == 0 {
		return 0, false
	}
	return s.r[0].Start, true
}

// Max returns the largest value in the set.
func (s *RangeSet) Max() (uint64, bool) {
	if len(s.r) == 0 {
		return 0, false
	}
	return s.r[len(s.r)-1].End - 1, true
}

// Clear empties the set, keeping its capacity, cap and floor.
func (s *RangeSet) Clear() { s.r = s.r[:0] }

// search returns the index of the first range whose End >= v, that is the
// first range that contains v, touches it from above or lies above it.
func (s *RangeSet) search(v uint64) int {
	lo, hi := 0, len(s.r)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.r[m].End < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Contains reports whether v is in the set.
func (s *RangeSet) Contains(v uint64) bool {
	n := len(s.r)
	if n > 0 && v >= s.r[n-1].Start { // fast path: the newest range
		return v < s.r[n-1].End
	}
	i := s.search(v + 1)
	return i < n && s.r[i].Start <= v && v < s.r[i].End
}

// AddOne adds v and reports whether it was newly added. Values below Floor
// are never added.
func (s *RangeSet) AddOne(v uint64) bool {
	if v == ^uint64(0) || v < s.floor || s.Contains(v) {
		return false
	}
	s.Add(v, v+1)
	return v >= s.floor // the cap may have dropped v's range at once
}

// Add adds [start, end). The part below Floor is ignored.
func (s *RangeSet) Add(start, end uint64) {
	if start < s.floor {
		start = s.floor
	}
	if start >= end {
		return
	}
	n := len(s.r)
	// Fast paths for in-order arrival: extend or append after the last range.
	if n == 0 || start > s.r[n-1].End {
		s.r = append(s.r, Range{start, end})
		s.enforceCap()
		return
	}
	if start >= s.r[n-1].Start {
		if end > s.r[n-1].End {
			s.r[n-1].End = end
		}
		return
	}
	i := s.search(start) // first range with End >= start: may merge
	j := i               // first range with Start > end: stays
	for j < n && s.r[j].Start <= end {
		j++
	}
	if i == j { // no overlap or adjacency: insert at i
		s.r = append(s.r, Range{})
		copy(s.r[i+1:], s.r[i:])
		s.r[i] = Range{start, end}
		s.enforceCap()
		return
	}
	merged := Range{min(start, s.r[i].Start), max(end, s.r[j-1].End)}
	s.r[i] = merged
	s.r = append(s.r[:i+1], s.r[j:]...)
}

// Remove removes [start, end) from the set. Floor is unchanged.
func (s *RangeSet) Remove(start, end uint64) {
	if start >= end {
		return
	}
	i := s.search(start + 1) // first range with End > start
	for i < len(s.r) && s.r[i].Start < end {
		r := s.r[i]
		switch {
		case r.Start < start && r.End > end: // split
			s.r = append(s.r, Range{})
			copy(s.r[i+2:], s.r[i+1:])
			s.r[i] = Range{r.Start, start}
			s.r[i+1] = Range{end, r.End}
			s.enforceCap()
			return
		case r.Start < start:
			s.r[i].End = start
			i++
		case r.End > end:
			s.r[i].Start = end
			return
		default:
			s.r = append(s.r[:i], s.r[i+1:]...)
		}
	}
}

// RemoveBelow removes every value below v and raises Floor to v.
func (s *RangeSet) RemoveBelow(v uint64) {
	if v <= s.floor {
		return
	}
	s.floor = v
	i := s.search(v + 1) // first range with End > v
	if i < len(s.r) && s.r[i].Start < v {
		s.r[i].Start = v
	}
	s.dropFirst(i)
}

// enforceCap drops the lowest ranges while the set holds too many.
func (s *RangeSet) enforceCap() {
	if s.maxRanges <= 0 || len(s.r) <= s.maxRanges {
		return
	}
	k := len(s.r) - s.maxRanges
	s.floor = max(s.floor, s.r[k-1].End)
	s.dropFirst(k)
}

// dropFirst removes the first k ranges, keeping the backing array.
func (s *RangeSet) dropFirst(k int) {
	if k == 0 {
		return
	}
	n := copy(s.r, s.r[k:])
	s.r = s.r[:n]
}
