package main

import (
	"fmt"
	"io"
	"time"
)

// printSummary writes one line per downloaded file and a total: size,
// time and throughput in MB/s (10^6 bytes) and Mbit/s.
func printSummary(w io.Writer, dir string, ts []target, rs []result, elapsed time.Duration) {
	var total int64
	ok := 0
	for i, r := range rs {
		if !r.done {
			continue
		}
		ok++
		total += r.bytes
		fmt.Fprintf(w, "%10s  %10v  %s  %s\n", byteCount(r.bytes), r.time.Round(time.Microsecond), throughput(r.bytes, r.time), ts[i].outPath(dir))
	}
	fmt.Fprintf(w, "total: %d of %d files, %s in %v, %s\n", ok, len(rs), byteCount(total), elapsed.Round(time.Microsecond), throughput(total, elapsed))
}

// throughput formats n bytes in d as MB/s and Mbit/s.
func throughput(n int64, d time.Duration) string {
	if d <= 0 {
		d = time.Nanosecond
	}
	bps := float64(n) / d.Seconds()
	return fmt.Sprintf("%8.2f MB/s %9.2f Mbit/s", bps/1e6, bps*8/1e6)
}

// byteCount formats a byte count with a binary unit.
func byteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
