package netmodel

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestSchedule(t *testing.T) {
	var s Schedule[int]
	rng := rand.New(rand.NewPCG(9, 9))
	type ev struct {
		at  time.Duration
		seq uint64
	}
	var want []ev
	for i := range 1000 {
		at := time.Duration(rng.IntN(50))
		seq := s.Push(at, i)
		want = append(want, ev{at, seq})
	}
	slices.SortFunc(want, func(a, b ev) int {
		if a.at != b.at {
			return int(a.at - b.at)
		}
		return int(a.seq) - int(b.seq)
	})
	for i, w := range want {
		at, seq, ok := s.Peek()
		if !ok || at != w.at || seq != w.seq {
			t.Fatalf("peek %d: %v %d, want %v %d", i, at, seq, w.at, w.seq)
		}
		if at, v := s.Pop(); at != w.at || uint64(v)+1 != w.seq {
			t.Fatalf("pop %d: %v %d", i, at, v)
		}
	}
	if _, _, ok := s.Peek(); ok || s.Len() != 0 {
		t.Error("schedule not empty")
	}
	s.Push(1, 1)
	s.Clear()
	if s.Len() != 0 || s.LastSeq() != 1001 {
		t.Errorf("after Clear: len %d, last seq %d", s.Len(), s.LastSeq())
	}
}
