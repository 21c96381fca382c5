//go:build linux

package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"
)

// Matrix runs every case for every client/server pair, in the runner's
// order, and returns the results (pairs outer, cases inner).
func (r *Runner) Matrix(ctx context.Context, clients, servers []Endpoint, cases []*TestCase) []Result {
	var out []Result
	for _, s := range servers {
		for _, c := range clients {
			for _, tc := range cases {
				if ctx.Err() != nil {
					return out
				}
				r.opts.Logf("running %s (client %s, server %s)", tc.Name, c.Name, s.Name)
				res := r.Run(ctx, c, s, tc)
				r.opts.Logf("%s: %s %s %s", tc.Name, res.Status, res.Duration.Round(time.Millisecond), res.Reason)
				out = append(out, res)
			}
		}
	}
	return out
}

// cell formats a result as a matrix cell.
func (res Result) cell() string {
	switch {
	case res.Status == Unsupported:
		return "?"
	case res.Status == Succeeded && len(res.Kbps) > 0:
		return fmt.Sprintf("✓ %.0f (± %.0f) kbps", res.Mean, res.Stdev)
	}
	return fmt.Sprintf("%s %.1fs", res.Status.Symbol(), res.Duration.Seconds())
}

// PrintMatrix writes the runner-style table: a row per case, a column
// per client/server pair, then the reasons of failures.
func PrintMatrix(w io.Writer, results []Result) {
	var pairs []string
	var names []string
	cells := map[[2]string]string{}
	for _, res := range results {
		pair := res.Client + " → " + res.Server
		if !contains(pairs, pair) {
			pairs = append(pairs, pair)
		}
		name := res.Test + " (" + res.Abbr + ")"
		if !contains(names, name) {
			names = append(names, name)
		}
		cells[[2]string{name, pair}] = res.cell()
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "test\t%s\n", strings.Join(pairs, "\t"))
	for _, n := range names {
		row := []string{n}
		for _, p := range pairs {
			row = append(row, cells[[2]string{n, p}])
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	for _, res := range results {
		if res.Status != Succeeded && res.Reason != "" {
			fmt.Fprintf(w, "%s %s (%s → %s): %s\n", res.Status.Symbol(), res.Test, res.Client, res.Server, res.Reason)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonResult is a result as -json writes it.
type jsonResult struct {
	Test       string    `json:"test"`
	Abbr       string    `json:"abbr"`
	Client     string    `json:"client"`
	Server     string    `json:"server"`
	Result     string    `json:"result"`
	DurationMS int64     `json:"duration_ms"`
	Reason     string    `json:"reason,omitempty"`
	Kbps       []float64 `json:"kbps,omitempty"`
	Mean       float64   `json:"mean_kbps,omitempty"`
	Stdev      float64   `json:"stdev_kbps,omitempty"`
	LogDir     string    `json:"log_dir,omitempty"`
}

// WriteJSON writes the results as a JSON array to path.
func WriteJSON(path string, results []Result) error {
	out := make([]jsonResult, len(results))
	for i, r := range results {
		out[i] = jsonResult{r.Test, r.Abbr, r.Client, r.Server, r.Status.String(), r.Duration.Milliseconds(), r.Reason, r.Kbps, r.Mean, r.Stdev, r.LogDir}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
