package main

// sideResult is what a server or client subprocess prints as its RESULT
// line; the parent adds the rusage figures.
type sideResult struct {
	Role    string    `json:"role"`
	Elapsed float64   `json:"elapsed_s,omitempty"` // client: measured interval
	Bytes   int64     `json:"bytes,omitempty"`     // client: body bytes received
	Ops     int       `json:"ops,omitempty"`       // client: exchanges or connections
	Conns   int       `json:"conns"`               // connections made or accepted
	Stats   connStats `json:"conn_stats"`          // summed over connections
	Refused int64     `json:"refused,omitempty"`   // client: connections refused and retried
	// The rr case: seconds each worker spent in OpenStreamSync, on average.
	OpenWait float64    `json:"open_wait_s,omitempty"`
	Socket   socketInfo `json:"socket"`
	// Socket counters, where the stack has them.
	SockStats map[string]uint64 `json:"sock_stats,omitempty"`
	// The idle case: memory before the connections and with them open.
	MemBefore memSample `json:"mem_before"`
	MemAfter  memSample `json:"mem_after"`

	// Filled in by the parent from os.ProcessState.
	UserSec   float64 `json:"user_s"`
	SysSec    float64 `json:"sys_s"`
	MaxRSSKiB int64   `json:"max_rss_kib"`
}

func (r *sideResult) cpu() float64 { return r.UserSec + r.SysSec }

// memPerConn is the resident and heap growth per open connection, KiB.
func (r *sideResult) memPerConn() (rss, heap float64) {
	if r.Conns == 0 {
		return 0, 0
	}
	n := float64(r.Conns) * 1024
	return float64(r.MemAfter.RSS-r.MemBefore.RSS) / n, float64(r.MemAfter.Heap-r.MemBefore.Heap) / n
}
