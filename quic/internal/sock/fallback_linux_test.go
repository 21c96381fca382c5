//go:build linux

package sock

import (
	"net/netip"
	"testing"
)

// TestFallbacks runs one exchange with each feature switched off and
// checks that the datagrams still arrive intact and the counters show the
// feature unused.
func TestFallbacks(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"all on", Options{}},
		{"no GSO", Options{DisableGSO: true}},
		{"no GRO", Options{DisableGRO: true}},
		{"no ECN", Options{DisableECN: true}},
		{"no batch", Options{DisableBatch: true}},
		{"batch of 2", Options{BatchSize: 2}},
		{"all off", Options{DisableGSO: true, DisableGRO: true, DisableECN: true, DisableBatch: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := listen(t, "udp4", "127.0.0.1:0", tt.opts)
			rx := listen(t, "udp4", "127.0.0.1:0", tt.opts)
			caps := tx.Caps()
			if caps.GSO == tt.opts.DisableGSO || rx.Caps().GRO == tt.opts.DisableGRO || caps.ECN == tt.opts.DisableECN || caps.Batch == tt.opts.DisableBatch {
				t.Fatalf("caps %+v do not follow options %+v", caps, tt.opts)
			}
			to := rx.LocalAddr()
			// Eight datagrams in one GSO buffer, then a batch: two single
			// datagrams and a three-segment message.
			if err := tx.WriteGSO(gsoBuffer(0, 8, 1000, 300), 1000, to, ECNCE, netip.Addr{}); err != nil {
				t.Fatal(err)
			}
			batch := []Message{
				{Buf: payload(8, 1200), Addr: to, ECN: ECNECT0},
				{Buf: payload(9, 20), Addr: to},
				{Buf: gsoBuffer(10, 3, 600, 600), Addr: to, ECN: ECNECT1, SegSize: 600},
			}
			if n, err := tx.WriteBatch(batch); n != 3 || err != nil {
				t.Fatalf("WriteBatch = %d, %v", n, err)
			}
			got := readDatagrams(t, rx, 13)
			want := map[int][]byte{8: payload(8, 1200), 9: payload(9, 20)}
			for i := range 8 {
				want[i] = payload(i, 1000)
			}
			want[7] = payload(7, 300)
			for i := 10; i < 13; i++ {
				want[i] = payload(i, 600)
			}
			checkDatagrams(t, got, want)
			wantECN := func(i int) uint8 {
				switch {
				case tt.opts.DisableECN || i == 9:
					return ECNNotECT
				case i < 8:
					return ECNCE
				case i == 8:
					return ECNECT0
				}
				return ECNECT1
			}
			for _, r := range got {
				if i := int(r.data[1]); r.ecn != wantECN(i) {
					t.Errorf("datagram %d: ECN %02b, want %02b", i, r.ecn, wantECN(i))
				}
			}
			st, rs := tx.Stats(), rx.Stats()
			if st.DatagramsSent != 13 || rs.DatagramsReceived != 13 || st.BytesSent != rs.BytesReceived || st.Fallbacks != 0 {
				t.Fatalf("sender %+v receiver %+v", st, rs)
			}
			switch {
			case tt.opts.DisableGSO && (st.GSOSends != 0 || st.GSOSegments != 0):
				t.Fatalf("GSO off but sender stats %+v", st)
			case !tt.opts.DisableGSO && (st.GSOSends != 2 || st.GSOSegments != 11):
				t.Fatalf("GSO on but sender stats %+v, want 2 GSO sends of 11 datagrams", st)
			case tt.opts.DisableGRO && rs.GROReceives != 0:
				t.Fatalf("GRO off but receiver stats %+v", rs)
			case tt.opts.DisableECN && rs.ECNReceived != 0:
				t.Fatalf("ECN off but receiver stats %+v", rs)
			case !tt.opts.DisableECN && (rs.ECNReceived != 12 || rs.CEReceived != 8):
				t.Fatalf("ECN on but receiver stats %+v, want 12 marked, 8 CE", rs)
			}
			// One sendmmsg per write call, unless batching is off (one
			// sendmsg per entry) or the batch holds fewer entries.
			var wantCalls uint64
			switch {
			case tt.opts.DisableBatch && tt.opts.DisableGSO:
				wantCalls = 13
			case tt.opts.DisableBatch:
				wantCalls = 4 // GSO buffer, two singles, GSO message
			case tt.opts.BatchSize == 2:
				wantCalls = 3 // GSO buffer, then three entries in two calls
			default:
				wantCalls = 2
			}
			if st.SendCalls != wantCalls {
				t.Fatalf("%d send calls, want %d (stats %+v)", st.SendCalls, wantCalls, st)
			}
		})
	}
}

// TestEnvKillSwitches checks that New reads the QUICR_DISABLE_* variables.
func TestEnvKillSwitches(t *testing.T) {
	t.Setenv(EnvDisableGSO, "1")
	t.Setenv(EnvDisableGRO, "1")
	t.Setenv(EnvDisableECN, "1")
	t.Setenv(EnvDisableBatch, "1")
	c, err := Listen("udp4", "127.0.0.1:0", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if caps := c.Caps(); caps.GSO || caps.GRO || caps.ECN || caps.Batch || !caps.PktInfo {
		t.Fatalf("caps %+v, want GSO, GRO, ECN and batching off", caps)
	}
	d := listen(t, "udp4", "127.0.0.1:0", Options{}) // IgnoreEnv
	if caps := d.Caps(); !caps.GSO || !caps.GRO || !caps.ECN || !caps.Batch {
		t.Fatalf("caps %+v, want all on with IgnoreEnv", caps)
	}
}
