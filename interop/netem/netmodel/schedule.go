package netmodel

import "time"

// Schedule is the drivers' event queue: a binary min-heap of values by
// arrival time, ties broken by insertion order so runs are deterministic.
type Schedule[T any] struct {
	items []scheduled[T]
	seq   uint64
}

type scheduled[T any] struct {
	at  time.Duration
	seq uint64
	v   T
}

// Len returns the number of queued values.
func (s *Schedule[T]) Len() int { return len(s.items) }

// Push queues v for time at and returns its sequence number (1, 2, ...).
func (s *Schedule[T]) Push(at time.Duration, v T) uint64 {
	s.seq++
	s.items = append(s.items, scheduled[T]{at, s.seq, v})
	h := s.items
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return s.seq
}

// LastSeq returns the sequence number of the latest Push.
func (s *Schedule[T]) LastSeq() uint64 { return s.seq }

// Peek returns the earliest value's time and sequence number; ok is false
// when the schedule is empty.
func (s *Schedule[T]) Peek() (at time.Duration, seq uint64, ok bool) {
	if len(s.items) == 0 {
		return 0, 0, false
	}
	return s.items[0].at, s.items[0].seq, true
}

// Pop removes and returns the earliest value. The schedule must not be
// empty.
func (s *Schedule[T]) Pop() (time.Duration, T) {
	h := s.items
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h[last] = scheduled[T]{}
	h = h[:last]
	s.items = h
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && s.less(l, m) {
			m = l
		}
		if r < len(h) && s.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top.at, top.v
}

// Clear empties the schedule.
func (s *Schedule[T]) Clear() {
	clear(s.items)
	s.items = s.items[:0]
}

func (s *Schedule[T]) less(i, j int) bool {
	a, b := &s.items[i], &s.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}
