package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// summary is the median over the runs of one case on one stack.
type summary struct {
	Case     string  `json:"case"`
	Stack    string  `json:"stack"`
	Runs     int     `json:"runs"`
	Failed   int     `json:"failed"` // runs that crashed or timed out
	Rate     float64 `json:"rate"`
	RateUnit string  `json:"rate_unit"`
	// CPU seconds (user+sys) per CPUUnit of work, each side.
	CPUClient float64 `json:"cpu_client"`
	CPUServer float64 `json:"cpu_server"`
	CPUUnit   string  `json:"cpu_unit"`
	// Peak RSS of each side, MiB.
	RSSClient float64 `json:"peak_rss_client_mib"`
	RSSServer float64 `json:"peak_rss_server_mib"`
	// The idle case: resident and heap growth per connection, KiB.
	MemClient  float64 `json:"rss_per_conn_client_kib,omitempty"`
	MemServer  float64 `json:"rss_per_conn_server_kib,omitempty"`
	HeapClient float64 `json:"heap_per_conn_client_kib,omitempty"`
	HeapServer float64 `json:"heap_per_conn_server_kib,omitempty"`
	// Packets the client sent per packet the server sent (mostly ACKs in
	// the download case), and packets the server's sender declared lost.
	ClientPerServerPkt float64 `json:"client_per_server_packets"`
	LostServer         float64 `json:"lost_server_packets"`
	// Connections the server refused and the client retried.
	Refused float64 `json:"refused"`
	// The rr case: the share of the run a worker spent waiting in
	// OpenStreamSync for stream credit, percent.
	OpenWaitPct float64 `json:"open_wait_pct,omitempty"`
}

// figures computes one run's numbers.
func figures(r runRecord) summary {
	s := summary{Case: r.Case, Stack: r.Stack, Runs: 1}
	c, v := &r.Client, &r.Server
	var units float64
	switch r.Case {
	case caseDownload:
		s.RateUnit, s.CPUUnit = "Gbit/s", "cpu-s/GiB"
		s.Rate = float64(c.Bytes) * 8 / c.Elapsed / 1e9
		units = float64(c.Bytes) / (1 << 30)
	case caseRR:
		s.RateUnit, s.CPUUnit = "req/s", "cpu-s/1k req"
		s.Rate = float64(c.Ops) / c.Elapsed
		units = float64(c.Ops) / 1000
	default:
		s.RateUnit, s.CPUUnit = "conn/s", "cpu-s/1k conn"
		s.Rate = float64(c.Ops) / c.Elapsed
		units = float64(c.Ops) / 1000
	}
	if units > 0 {
		s.CPUClient, s.CPUServer = c.cpu()/units, v.cpu()/units
	}
	s.RSSClient, s.RSSServer = float64(c.MaxRSSKiB)/1024, float64(v.MaxRSSKiB)/1024
	if r.Case == caseIdle {
		s.MemClient, s.HeapClient = c.memPerConn()
		s.MemServer, s.HeapServer = v.memPerConn()
	}
	if v.Stats.PacketsSent > 0 {
		s.ClientPerServerPkt = float64(c.Stats.PacketsSent) / float64(v.Stats.PacketsSent)
	}
	s.LostServer = float64(v.Stats.PacketsLost)
	s.Refused = float64(c.Refused)
	if c.Elapsed > 0 {
		s.OpenWaitPct = 100 * c.OpenWait / c.Elapsed
	}
	return s
}

// summarize takes the median of every figure over the runs.
func summarize(recs []runRecord, cases, stacks []string) []summary {
	var out []summary
	for _, cs := range cases {
		for _, st := range stacks {
			var runs []summary
			failed := 0
			for _, r := range recs {
				switch {
				case r.Case != cs || r.Stack != st:
				case r.Err != "":
					failed++
				default:
					runs = append(runs, figures(r))
				}
			}
			if len(runs) == 0 {
				if failed > 0 {
					out = append(out, summary{Case: cs, Stack: st, Failed: failed})
				}
				continue
			}
			m := runs[0]
			m.Runs, m.Failed = len(runs), failed
			mf := fields(&m)
			for i := range mf {
				vals := make([]float64, len(runs))
				for j := range runs {
					vals[j] = *fields(&runs[j])[i]
				}
				*mf[i] = median(vals)
			}
			out = append(out, m)
		}
	}
	return out
}

// fields lists a summary's numbers in table order.
func fields(s *summary) []*float64 {
	return []*float64{
		&s.Rate, &s.CPUClient, &s.CPUServer, &s.RSSClient, &s.RSSServer,
		&s.MemClient, &s.MemServer, &s.HeapClient, &s.HeapServer,
		&s.ClientPerServerPkt, &s.LostServer, &s.Refused, &s.OpenWaitPct,
	}
}

func median(v []float64) float64 {
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// printTable prints the medians aligned, with a quicr/quic-go ratio row
// under each case run on both.
func printTable(w io.Writer, o *options, sum []summary, stacks []string) {
	fmt.Fprintf(w, "download %d MiB; rr %d x %d B -> %d B, %d in flight; hs %d conns (par %d); idle %d conns; median of %d run(s)\n",
		o.size>>20, o.requests, o.reqSize, o.respSize, o.inflight, o.conns, o.parallel, o.idle, o.runs)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tstack\trate\tunit\tcpu cli\tcpu srv\tcpu unit\tpeak RSS cli MiB\tpeak RSS srv MiB\tKiB/conn cli\tKiB/conn srv\tcli/srv pkts\tsrv lost\trefused\tcredit wait %\tfailed\t")
	row := func(s summary, stack string) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d/%d\t\n",
			s.Case, stack, num(s.Rate), s.RateUnit, num(s.CPUClient), num(s.CPUServer), s.CPUUnit,
			num(s.RSSClient), num(s.RSSServer), idleNum(s, s.MemClient), idleNum(s, s.MemServer),
			num(s.ClientPerServerPkt), num(s.LostServer), num(s.Refused), rrNum(s, s.OpenWaitPct), s.Failed, s.Failed+s.Runs)
	}
	for i, s := range sum {
		row(s, s.Stack)
		if i+1 < len(sum) && sum[i+1].Case == s.Case {
			continue
		}
		// The last stack of this case: add the ratio if both ran.
		var q, g *summary
		for j := range sum {
			if sum[j].Case == s.Case {
				switch sum[j].Stack {
				case stackQuicr:
					q = &sum[j]
				case stackQuicGo:
					g = &sum[j]
				}
			}
		}
		if q != nil && g != nil && q.Runs > 0 && g.Runs > 0 {
			r := ratio(q, g)
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
				s.Case, "quicr/quic-go", ratioStr(r.Rate), "x", ratioStr(r.CPUClient), ratioStr(r.CPUServer), "x",
				ratioStr(r.RSSClient), ratioStr(r.RSSServer), idleRatio(s, r.MemClient), idleRatio(s, r.MemServer),
				ratioStr(r.ClientPerServerPkt), "", "", "", "")
		}
	}
	tw.Flush()
	fmt.Fprintln(w, "rate: higher is better; cpu (user+sys per unit of work), RSS and KiB/conn: lower is better.")
	fmt.Fprintln(w, "KiB/conn: resident growth per open connection after a GC (idle case only). cli/srv pkts: packets the")
	fmt.Fprintln(w, "client sent per packet the server sent (ACK frequency in download). refused: connections retried after CONNECTION_REFUSED.")
	fmt.Fprintln(w, "credit wait %: share of the rr run a worker spent in OpenStreamSync waiting for MAX_STREAMS.")
	fmt.Fprintln(w, "failed: runs that crashed or timed out (left out of the medians; see stderr).")
}

// ratio divides each of q's figures by g's.
func ratio(q, g *summary) summary {
	r := *q
	qf, gf, rf := fields(q), fields(g), fields(&r)
	for i := range rf {
		*rf[i] = 0
		if *gf[i] != 0 {
			*rf[i] = *qf[i] / *gf[i]
		}
	}
	return r
}

func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

func ratioStr(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

func idleNum(s summary, v float64) string {
	if s.Case != caseIdle {
		return "-"
	}
	return num(v)
}

func idleRatio(s summary, v float64) string {
	if s.Case != caseIdle {
		return "-"
	}
	return ratioStr(v)
}

func rrNum(s summary, v float64) string {
	if s.Case != caseRR {
		return "-"
	}
	return num(v)
}
