package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	rec := func(stack string, elapsed, cpu float64, errText string) runRecord {
		return runRecord{
			Case: caseDownload, Stack: stack, Err: errText,
			Client: sideResult{Elapsed: elapsed, Bytes: 1 << 30, UserSec: cpu},
			Server: sideResult{UserSec: 2 * cpu},
		}
	}
	recs := []runRecord{
		rec(stackQuicr, 4, 1, ""), rec(stackQuicr, 2, 3, ""), rec(stackQuicr, 8, 2, ""),
		rec(stackQuicr, 1, 1, "crashed"),
		rec(stackQuicGo, 8, 4, ""),
	}
	sum := summarize(recs, []string{caseDownload}, []string{stackQuicr, stackQuicGo})
	if len(sum) != 2 {
		t.Fatalf("got %d summaries, want 2", len(sum))
	}
	q := sum[0]
	if q.Runs != 3 || q.Failed != 1 {
		t.Errorf("runs %d failed %d, want 3 and 1", q.Runs, q.Failed)
	}
	// Median elapsed 4 s for 1 GiB: 2.147 Gbit/s; median CPU 2 s/GiB.
	if q.Rate < 2.14 || q.Rate > 2.15 || q.CPUClient != 2 || q.CPUServer != 4 {
		t.Errorf("quicr summary %+v", q)
	}
	var out bytes.Buffer
	printTable(&out, &options{size: 1 << 30, runs: 3}, sum, []string{stackQuicr, stackQuicGo})
	if !strings.Contains(out.String(), "quicr/quic-go") {
		t.Errorf("table lacks the ratio row:\n%s", out.String())
	}
	// quicr took half the time of quic-go at half the CPU.
	if r := ratio(&sum[0], &sum[1]); r.Rate != 2 || r.CPUClient != 0.5 {
		t.Errorf("ratio %+v", r)
	}
}

func TestPick(t *testing.T) {
	if got, err := pick("rr, idle", allCases); err != nil || len(got) != 2 {
		t.Errorf("pick = %v, %v", got, err)
	}
	for _, bad := range []string{"", "rr,nope"} {
		if _, err := pick(bad, allCases); err == nil {
			t.Errorf("pick(%q) succeeded", bad)
		}
	}
}
