package rangeset

import "testing"

// model is a naive bitmap of the values 0..255 with the set's floor rule.
type model struct {
	bits  [256]bool
	floor uint64
}

func (m *model) add(start, end uint64) {
	for v := max(start, m.floor); v < end; v++ {
		m.bits[v] = true
	}
}

func (m *model) remove(start, end uint64) {
	for v := start; v < end; v++ {
		m.bits[v] = false
	}
}

func (m *model) removeBelow(v uint64) {
	if v <= m.floor {
		return
	}
	m.floor = v
	m.remove(0, v)
}

// FuzzRangeSet applies operations decoded from the input to a RangeSet and
// to a bitmap model and checks they agree, along with the set's invariants.
func FuzzRangeSet(f *testing.F) {
	f.Add([]byte{0, 1, 5, 0, 10, 20, 1, 12, 3, 2, 15, 0})
	f.Add([]byte{3, 1, 0, 9, 1, 0, 0, 5, 9, 1, 0, 7, 4, 2, 0, 8, 3})
	f.Add([]byte{0, 0, 255, 1, 3, 200, 2, 100, 0, 0, 50, 60})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var s RangeSet
		var m model
		maxRanges := 0
		for len(ops) >= 3 {
			op, a, b := ops[0]%5, uint64(ops[1]), uint64(ops[2])
			ops = ops[3:]
			lo, hi := min(a, b), max(a, b)
			switch op {
			case 0:
				s.Add(lo, hi)
				m.add(lo, hi)
			case 1:
				got := s.AddOne(a)
				want := a >= m.floor && !m.bits[a]
				m.add(a, a+1)
				if got != want && s.Floor() <= m.floor { // a cap drop may also reject it
					t.Fatalf("AddOne(%d) = %v, want %v", a, got, want)
				}
			case 2:
				s.Remove(lo, hi)
				m.remove(lo, hi)
			case 3:
				s.RemoveBelow(a)
				m.removeBelow(a)
			case 4:
				maxRanges = int(a % 8)
				s.SetMaxRanges(maxRanges)
			}
			// Mirror cap drops in the model: they raise the floor.
			if s.Floor() > m.floor {
				m.removeBelow(s.Floor())
			}
			check(t, &s, &m, maxRanges)
		}
	})
}

func check(t *testing.T, s *RangeSet, m *model, maxRanges int) {
	t.Helper()
	r := s.Ranges()
	if maxRanges > 0 && len(r) > maxRanges {
		t.Fatalf("%d ranges over cap %d", len(r), maxRanges)
	}
	for i, x := range r {
		if x.Start >= x.End || x.Start < s.Floor() {
			t.Fatalf("bad range %v (floor %d) in %v", x, s.Floor(), r)
		}
		if i > 0 && r[i-1].End >= x.Start {
			t.Fatalf("ranges not disjoint and separated: %v", r)
		}
	}
	for v := uint64(0); v < 256; v++ {
		if s.Contains(v) != m.bits[v] {
			t.Fatalf("Contains(%d) = %v, model %v; ranges %v floor %d", v, s.Contains(v), m.bits[v], r, s.Floor())
		}
	}
	if len(r) > 0 {
		lo, _ := s.Min()
		hi, _ := s.Max()
		if lo != r[0].Start || hi != r[len(r)-1].End-1 || s.At(0) != r[len(r)-1] {
			t.Fatalf("Min/Max/At disagree with %v", r)
		}
	}
}
