package rangeset

import (
	"slices"
	"testing"
)

func TestAdd(t *testing.T) {
	tests := []struct {
		name string
		add  []Range
		want []Range
	}{
		{"empty range", []Range{{5, 5}}, nil},
		{"in order", []Range{{0, 1}, {1, 2}, {2, 3}}, []Range{{0, 3}}},
		{"gap", []Range{{0, 1}, {2, 3}}, []Range{{0, 1}, {2, 3}}},
		{"fill gap", []Range{{0, 1}, {2, 3}, {1, 2}}, []Range{{0, 3}}},
		{"before all", []Range{{10, 12}, {5, 6}}, []Range{{5, 6}, {10, 12}}},
		{"adjacent below", []Range{{10, 12}, {5, 10}}, []Range{{5, 12}}},
		{"merge many", []Range{{1, 2}, {3, 4}, {5, 6}, {7, 8}, {0, 7}}, []Range{{0, 8}}},
		{"inside", []Range{{0, 10}, {3, 4}}, []Range{{0, 10}}},
		{"overlap top", []Range{{0, 10}, {20, 30}, {25, 40}}, []Range{{0, 10}, {20, 40}}},
		{"middle insert", []Range{{0, 1}, {10, 11}, {5, 6}}, []Range{{0, 1}, {5, 6}, {10, 11}}},
		{"extend middle", []Range{{0, 1}, {4, 6}, {10, 11}, {3, 7}}, []Range{{0, 1}, {3, 7}, {10, 11}}},
	}
	for _, tt := range tests {
		var s RangeSet
		for _, r := range tt.add {
			s.Add(r.Start, r.End)
		}
		if !slices.Equal(s.Ranges(), tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, s.Ranges(), tt.want)
		}
	}
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name       string
		start, end uint64
		want       []Range
	}{
		{"none", 12, 18, []Range{{0, 10}, {20, 30}, {40, 50}}},
		{"split", 3, 5, []Range{{0, 3}, {5, 10}, {20, 30}, {40, 50}}},
		{"head of range", 20, 25, []Range{{0, 10}, {25, 30}, {40, 50}}},
		{"tail of range", 5, 15, []Range{{0, 5}, {20, 30}, {40, 50}}},
		{"span", 5, 45, []Range{{0, 5}, {45, 50}}},
		{"whole", 0, 50, []Range{}},
		{"exact middle", 20, 30, []Range{{0, 10}, {40, 50}}},
	}
	for _, tt := range tests {
		var s RangeSet
		s.Add(0, 10)
		s.Add(20, 30)
		s.Add(40, 50)
		s.Remove(tt.start, tt.end)
		if !slices.Equal(s.Ranges(), tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, s.Ranges(), tt.want)
		}
		if s.Floor() != 0 {
			t.Errorf("%s: Remove changed floor to %d", tt.name, s.Floor())
		}
	}
}

func TestRemoveBelowAndFloor(t *testing.T) {
	var s RangeSet
	s.Add(0, 10)
	s.Add(20, 30)
	s.RemoveBelow(25)
	if want := []Range{{25, 30}}; !slices.Equal(s.Ranges(), want) || s.Floor() != 25 {
		t.Fatalf("got %v floor %d", s.Ranges(), s.Floor())
	}
	if s.AddOne(24) || s.Contains(24) {
		t.Error("value below floor was added")
	}
	s.Add(20, 40)
	if want := []Range{{25, 40}}; !slices.Equal(s.Ranges(), want) {
		t.Errorf("add across floor: got %v", s.Ranges())
	}
	s.RemoveBelow(10) // lower than floor: no effect
	if s.Floor() != 25 {
		t.Errorf("floor dropped to %d", s.Floor())
	}
}

func TestCap(t *testing.T) {
	var s RangeSet
	s.SetMaxRanges(3)
	for _, v := range []uint64{0, 2, 4, 6} {
		if !s.AddOne(v) {
			t.Fatalf("AddOne(%d) = false", v)
		}
	}
	if want := []Range{{2, 3}, {4, 5}, {6, 7}}; !slices.Equal(s.Ranges(), want) || s.Floor() != 1 {
		t.Fatalf("got %v floor %d", s.Ranges(), s.Floor())
	}
	// A value adjacent to the lowest range merges and stays.
	if !s.AddOne(1) {
		t.Errorf("AddOne(1) = false; ranges %v", s.Ranges())
	}
	// Inserting in the middle drops the lowest.
	if !s.AddOne(8) || s.Floor() != 3 {
		t.Errorf("got %v floor %d", s.Ranges(), s.Floor())
	}
	// A new lowest range is dropped at once and reported as not added.
	var low RangeSet
	low.SetMaxRanges(2)
	low.AddOne(10)
	low.AddOne(12)
	if low.AddOne(5) || low.Floor() != 6 || low.Contains(5) {
		t.Errorf("AddOne(5) kept: %v floor %d", low.Ranges(), low.Floor())
	}
	s.SetMaxRanges(1)
	if want := []Range{{8, 9}}; !slices.Equal(s.Ranges(), want) || s.Floor() != 7 {
		t.Errorf("got %v floor %d", s.Ranges(), s.Floor())
	}
}

func TestAccessors(t *testing.T) {
	var s RangeSet
	if _, ok := s.Min(); ok {
		t.Error("Min of empty set")
	}
	if _, ok := s.Max(); ok {
		t.Error("Max of empty set")
	}
	if !s.AddOne(7) || s.AddOne(7) {
		t.Error("AddOne duplicate detection")
	}
	s.Add(1, 3)
	s.Add(10, 12)
	lo, _ := s.Min()
	hi, _ := s.Max()
	if lo != 1 || hi != 11 || s.Len() != 3 || s.Empty() {
		t.Errorf("min %d max %d len %d", lo, hi, s.Len())
	}
	if s.At(0) != (Range{10, 12}) || s.At(2) != (Range{1, 3}) || s.At(0).Len() != 2 {
		t.Errorf("At: %v %v", s.At(0), s.At(2))
	}
	for v, want := range map[uint64]bool{0: false, 1: true, 2: true, 3: false, 7: true, 8: false, 11: true, 12: false, ^uint64(0): false} {
		if s.Contains(v) != want {
			t.Errorf("Contains(%d) = %v", v, !want)
		}
	}
	if s.AddOne(^uint64(0)) {
		t.Error("added the largest uint64, which a half-open range cannot hold")
	}
	s.Clear()
	if !s.Empty() {
		t.Error("Clear left ranges")
	}
}

func TestSteadyStateAllocs(t *testing.T) {
	var s RangeSet
	s.SetMaxRanges(32)
	pn := uint64(0)
	allocs := testing.AllocsPerRun(100, func() {
		for i := 0; i < 64; i++ {
			s.AddOne(pn + 1) // out of order pairs
			s.AddOne(pn)
			pn += 3 // leave a gap
		}
		s.RemoveBelow(pn - 20)
	})
	if allocs != 0 {
		t.Errorf("%v allocs per run", allocs)
	}
}

func BenchmarkAddOutOfOrder(b *testing.B) {
	// Packets arrive in pairs swapped, with a loss every 16 packets.
	var s RangeSet
	s.SetMaxRanges(64)
	b.ReportAllocs()
	pn := uint64(0)
	for b.Loop() {
		if pn%16 != 15 {
			s.AddOne(pn ^ 1)
		}
		pn++
	}
}

func BenchmarkAddInOrder(b *testing.B) {
	var s RangeSet
	b.ReportAllocs()
	pn := uint64(0)
	for b.Loop() {
		s.AddOne(pn)
		pn++
	}
}
