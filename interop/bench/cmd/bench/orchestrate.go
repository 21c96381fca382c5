package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// runRecord is one run of one case on one stack.
type runRecord struct {
	Case   string     `json:"case"`
	Stack  string     `json:"stack"`
	Run    int        `json:"run"`
	Client sideResult `json:"client"`
	Server sideResult `json:"server"`
	Err    string     `json:"error,omitempty"`
}

// orchestrate runs every chosen case on every chosen stack -runs times,
// stacks alternating within each repetition, and prints the medians.
func orchestrate(o *options) error {
	cases, err := pick(o.cases, allCases)
	if err != nil {
		return err
	}
	stacks, err := pick(o.stacks, []string{stackQuicr, stackQuicGo})
	if err != nil {
		return err
	}
	if o.profileDir != "" {
		if err := os.MkdirAll(o.profileDir, 0o755); err != nil {
			return err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	var records []runRecord
	for _, cs := range cases {
		for run := range o.runs {
			for _, st := range stacks {
				fmt.Fprintf(os.Stderr, "bench: %s %s run %d/%d\n", cs, st, run+1, o.runs)
				rec, err := runPair(self, o, cs, st, run)
				if err != nil {
					// A crash or timeout of one run is a result too: note
					// it and go on with the others.
					fmt.Fprintf(os.Stderr, "bench: %s on %s failed: %v\n", cs, st, err)
					rec.Err = err.Error()
				}
				records = append(records, rec)
			}
		}
	}
	sum := summarize(records, cases, stacks)
	out, err := json.MarshalIndent(map[string]any{"config": configOf(o), "runs": records, "summary": sum}, "", "  ")
	if err != nil {
		return err
	}
	out = append(out, '\n')
	if o.jsonFile != "" {
		if err := os.WriteFile(o.jsonFile, out, 0o644); err != nil {
			return err
		}
	}
	if o.jsonOut {
		if _, err := os.Stdout.Write(out); err != nil {
			return err
		}
	} else {
		printTable(os.Stdout, o, sum, stacks)
	}
	failed := 0
	for _, r := range records {
		if r.Err != "" {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d runs failed", failed, len(records))
	}
	return nil
}

// configOf is the part of the options the JSON output records.
func configOf(o *options) map[string]any {
	return map[string]any{
		"size": o.size, "requests": o.requests, "inflight": o.inflight,
		"reqsize": o.reqSize, "respsize": o.respSize, "conns": o.conns,
		"parallel": o.parallel, "idle": o.idle, "runs": o.runs, "nogso": o.noGSO,
		"maxstreams": o.maxStreams,
	}
}

func pick(list string, known []string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !slices.Contains(known, s) {
			return nil, fmt.Errorf("unknown %q (want some of %s)", s, strings.Join(known, ","))
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("nothing chosen from %s", strings.Join(known, ","))
	}
	return out, nil
}

// proc is a running subprocess and its RESULT lines.
type proc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
}

func start(ctx context.Context, self string, o *options, role, cs, st, addr, cert string, run int) (*proc, error) {
	args := []string{
		"-role", role, "-stack", st, "-case", cs,
		"-size", strconv.FormatInt(o.size, 10),
		"-requests", strconv.Itoa(o.requests), "-inflight", strconv.Itoa(o.inflight),
		"-reqsize", strconv.Itoa(o.reqSize), "-respsize", strconv.Itoa(o.respSize),
		"-conns", strconv.Itoa(o.conns), "-parallel", strconv.Itoa(o.parallel),
		"-idle", strconv.Itoa(o.idle), "-timeout", o.timeout.String(),
		"-maxstreams", strconv.FormatInt(o.maxStreams, 10),
	}
	if addr != "" {
		args = append(args, "-addr", addr, "-cert", cert)
	}
	if o.profileDir != "" {
		base := filepath.Join(o.profileDir, fmt.Sprintf("%s-%s-%s-%d", cs, st, role, run+1))
		args = append(args, "-cpuprofile", base+".cpu.pprof", "-memprofile", base+".alloc.pprof")
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ()
	if o.noGSO {
		cmd.Env = append(cmd.Env, "QUICR_DISABLE_GSO=1", "QUIC_GO_DISABLE_GSO=true")
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, stdin: stdin, lines: make(chan string, 4)}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	return p, nil
}

// line waits for the next line that starts with prefix.
func (p *proc) line(prefix string) (string, error) {
	for l := range p.lines {
		if rest, ok := strings.CutPrefix(l, prefix+" "); ok {
			return rest, nil
		}
		fmt.Fprintln(os.Stderr, l)
	}
	return "", fmt.Errorf("%s exited before %s", p.cmd.Args[0], prefix)
}

func (p *proc) result() (sideResult, error) {
	var r sideResult
	l, err := p.line("RESULT")
	if err != nil {
		return r, err
	}
	return r, json.Unmarshal([]byte(l), &r)
}

// finish closes stdin, waits, and adds the rusage figures to r.
func (p *proc) finish(r *sideResult) error {
	p.stdin.Close()
	for range p.lines { // drain so that the process can exit
	}
	if err := p.cmd.Wait(); err != nil {
		return err
	}
	ps := p.cmd.ProcessState
	r.UserSec, r.SysSec = ps.UserTime().Seconds(), ps.SystemTime().Seconds()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		r.MaxRSSKiB = ru.Maxrss // KiB on Linux
	}
	return nil
}

// runPair runs one case once: server, then client, then both figures.
func runPair(self string, o *options, cs, st string, run int) (runRecord, error) {
	rec := runRecord{Case: cs, Stack: st, Run: run + 1}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	srv, err := start(ctx, self, o, "server", cs, st, "", "", run)
	if err != nil {
		return rec, err
	}
	defer srv.cmd.Process.Kill()
	ready, err := srv.line("READY")
	if err != nil {
		return rec, err
	}
	addr, cert, _ := strings.Cut(ready, " ")
	t0 := time.Now()
	cli, err := start(ctx, self, o, "client", cs, st, addr, cert, run)
	if err != nil {
		return rec, err
	}
	defer cli.cmd.Process.Kill()
	if rec.Client, err = cli.result(); err != nil {
		return rec, fmt.Errorf("client: %w", err)
	}
	if cs == caseIdle { // the server samples while the client holds on
		if rec.Server, err = srv.result(); err != nil {
			return rec, fmt.Errorf("server: %w", err)
		}
	}
	if err := cli.finish(&rec.Client); err != nil {
		return rec, fmt.Errorf("client: %w", err)
	}
	if cs != caseIdle {
		srv.stdin.Close()
		if rec.Server, err = srv.result(); err != nil {
			return rec, fmt.Errorf("server: %w", err)
		}
	}
	if err := srv.finish(&rec.Server); err != nil {
		return rec, fmt.Errorf("server: %w", err)
	}
	fmt.Fprintf(os.Stderr, "bench:   done in %.1f s\n", time.Since(t0).Seconds())
	return rec, nil
}
