package wire

import (
	"bytes"
	"reflect"
	"testing"
)

// ACK frames worked by hand from RFC 9000, 19.3 and 19.3.1.
func TestAckFrameExamples(t *testing.T) {
	tests := []struct {
		name string
		f    AckFrame
		hex  string
	}{
		{
			// RFC 9001, A.3: the server's Initial acknowledges packet 0.
			"RFC 9001 server Initial",
			AckFrame{Ranges: []AckRange{{0, 0}}},
			"02 00 00 00 00",
		},
		{
			// gap = 95-90-2 = 3, then 80-10-2 = 68.
			"three ranges",
			AckFrame{AckDelay: 0x1234, Ranges: []AckRange{{95, 100}, {80, 90}, {0, 10}}},
			"02 4064 5234 02 05 03 0a 4044 0a",
		},
		{
			// A gap of one missing packet encodes as 0.
			"single missing packets",
			AckFrame{Ranges: []AckRange{{5, 5}, {3, 3}, {1, 1}}},
			"02 05 00 02 00 00 00 00 00",
		},
		{
			"ECN counts",
			AckFrame{AckDelay: 1, Ranges: []AckRange{{10, 20}}, ECN: true, ECT0: 1, ECT1: 2, CE: 3},
			"03 14 01 00 0a 01 02 03",
		},
	}
	for _, tt := range tests {
		want := mustHex(t, tt.hex)
		if !ValidAckRanges(tt.f.Ranges) {
			t.Errorf("%s: ranges invalid", tt.name)
		}
		if got := tt.f.Append(nil); !bytes.Equal(got, want) {
			t.Errorf("%s: Append = %x, want %x", tt.name, got, want)
		}
		var f AckFrame
		n, err := f.Parse(want)
		if err != nil || n != len(want) || !reflect.DeepEqual(f, tt.f) {
			t.Errorf("%s: Parse = %v, %d, %v; want %v", tt.name, f, n, err, tt.f)
		}
		if f.LargestAcked() != tt.f.Ranges[0].Largest {
			t.Errorf("%s: LargestAcked = %d", tt.name, f.LargestAcked())
		}
	}
}

func TestValidAckRanges(t *testing.T) {
	tests := []struct {
		r    []AckRange
		want bool
	}{
		{nil, false},
		{[]AckRange{{0, 0}}, true},
		{[]AckRange{{MaxVarint, MaxVarint}}, true},
		{[]AckRange{{0, MaxVarint + 1}}, false},
		{[]AckRange{{3, 2}}, false},
		{[]AckRange{{5, 5}, {3, 3}}, true},
		{[]AckRange{{5, 5}, {4, 4}}, false}, // adjacent: one range, not two
		{[]AckRange{{5, 5}, {5, 5}}, false},
		{[]AckRange{{1, 5}, {0, 0}}, false}, // previous smallest < 2
		{[]AckRange{{3, 5}, {7, 8}}, false}, // ascending
		{[]AckRange{{10, 20}, {0, 8}, {0, 0}}, false},
		{[]AckRange{{10, 20}, {4, 8}, {0, 2}}, true},
		{[]AckRange{{10, 20}, {9, 8}}, false},
	}
	for _, tt := range tests {
		if got := ValidAckRanges(tt.r); got != tt.want {
			t.Errorf("ValidAckRanges(%v) = %v, want %v", tt.r, got, tt.want)
		}
	}
	if (AckFrame{}).Len() != 0 || len((AckFrame{}).Append(nil)) != 0 || (AckFrame{}).LargestAcked() != 0 {
		t.Error("an ACK frame without ranges encoded to something")
	}
}

// manyAckRanges returns count ranges, largest first, whose gaps and lengths
// cover all varint sizes.
func manyAckRanges(count int) []AckRange {
	r := make([]AckRange, count)
	pn := uint64(1 << 40)
	for i := range r {
		length := uint64(i*i*97) % 20000
		r[i] = AckRange{Smallest: pn - length, Largest: pn}
		pn -= length + 2 + uint64(i*31)%100
	}
	return r
}

// FitRanges and AppendWithin keep the newest ranges that fit the budget and
// drop the oldest.
func TestAckFrameBudget(t *testing.T) {
	for _, ecn := range []bool{false, true} {
		full := AckFrame{AckDelay: 300, Ranges: manyAckRanges(100), ECN: ecn, ECT0: 1 << 20, CE: 5}
		if !ValidAckRanges(full.Ranges) {
			t.Fatal("manyAckRanges made invalid ranges")
		}
		for budget := -1; budget <= full.Len()+2; budget++ {
			k, length := full.FitRanges(budget)
			b, k2 := full.AppendWithin([]byte{0xaa}, budget)
			b = b[1:]
			if k2 != k || len(b) != length || (k > 0 && length > budget) {
				t.Fatalf("budget %d: FitRanges = %d, %d; AppendWithin wrote %d ranges, %d bytes", budget, k, length, k2, len(b))
			}
			if k < len(full.Ranges) {
				more := full
				more.Ranges = full.Ranges[:k+1]
				if more.Len() <= budget {
					t.Fatalf("budget %d: %d ranges fit but FitRanges chose %d", budget, k+1, k)
				}
			}
			if k == 0 {
				continue
			}
			var got AckFrame
			if _, err := got.Parse(b); err != nil || !reflect.DeepEqual(got.Ranges, full.Ranges[:k]) || got.ECN != ecn {
				t.Fatalf("budget %d: parsed %v, %v; want the first %d ranges", budget, got, err, k)
			}
		}
	}
	if k, n := (AckFrame{}).FitRanges(1000); k != 0 || n != 0 {
		t.Errorf("FitRanges without ranges = %d, %d", k, n)
	}
}

// Parse reuses the Ranges slice, so repeated parsing does not allocate.
func TestAckFrameParseReusesRanges(t *testing.T) {
	b := AckFrame{Ranges: manyAckRanges(32)}.Append(nil)
	var f AckFrame
	if _, err := f.Parse(b); err != nil {
		t.Fatal(err)
	}
	first := &f.Ranges[0]
	if _, err := f.Parse(b); err != nil || &f.Ranges[0] != first {
		t.Errorf("second Parse did not reuse Ranges (err %v)", err)
	}
}
