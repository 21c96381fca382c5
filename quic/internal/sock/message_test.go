package sock

import (
	"bytes"
	"testing"
)

func TestMessageSegments(t *testing.T) {
	buf := make([]byte, 100)
	for i := range buf {
		buf[i] = byte(i)
	}
	tests := []struct {
		name     string
		n, seg   int
		wantSegs []int // lengths
	}{
		{"empty", 0, 0, nil},
		{"single no GRO", 40, 40, []int{40}},
		{"segsize zero", 40, 0, []int{40}},
		{"segsize larger", 40, 50, []int{40}},
		{"even split", 90, 30, []int{30, 30, 30}},
		{"short last", 100, 30, []int{30, 30, 30, 10}},
		{"one byte last", 61, 30, []int{30, 30, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{Buf: buf, N: tt.n, SegSize: tt.seg}
			if got := m.NumSegments(); got != len(tt.wantSegs) {
				t.Fatalf("NumSegments = %d, want %d", got, len(tt.wantSegs))
			}
			off := 0
			for i, l := range tt.wantSegs {
				s := m.Segment(i)
				if !bytes.Equal(s, buf[off:off+l]) {
					t.Fatalf("Segment(%d) = %v, want buf[%d:%d]", i, s, off, off+l)
				}
				off += l
			}
			if off != tt.n {
				t.Fatalf("segments cover %d bytes, want %d", off, tt.n)
			}
		})
	}
}

func TestOptionsWithEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		opts Options
		want Options
	}{
		{"none", nil, Options{}, Options{}},
		{"gso", map[string]string{EnvDisableGSO: "1"}, Options{}, Options{DisableGSO: true}},
		{"gro true", map[string]string{EnvDisableGRO: "true"}, Options{}, Options{DisableGRO: true}},
		{"ecn yes", map[string]string{EnvDisableECN: "yes"}, Options{}, Options{DisableECN: true}},
		{"batch", map[string]string{EnvDisableBatch: "1"}, Options{}, Options{DisableBatch: true}},
		{"zero is off", map[string]string{EnvDisableGSO: "0", EnvDisableECN: "false"}, Options{}, Options{}},
		{"options kept", map[string]string{EnvDisableGSO: "0"}, Options{DisableGSO: true}, Options{DisableGSO: true}},
		{"ignored", map[string]string{EnvDisableGSO: "1"}, Options{IgnoreEnv: true}, Options{IgnoreEnv: true}},
		{"all", map[string]string{EnvDisableGSO: "1", EnvDisableGRO: "1", EnvDisableECN: "1", EnvDisableBatch: "1"},
			Options{BatchSize: 3}, Options{DisableGSO: true, DisableGRO: true, DisableECN: true, DisableBatch: true, BatchSize: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.opts.withEnv(func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
