//go:build linux

package runner

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Status is a case's outcome, as the runner reports it.
type Status int

// Outcomes.
const (
	Succeeded Status = iota
	Failed
	Unsupported
)

// Symbol returns the matrix symbol of s.
func (s Status) Symbol() string {
	switch s {
	case Succeeded:
		return "✓"
	case Failed:
		return "✕"
	}
	return "?"
}

func (s Status) String() string {
	switch s {
	case Succeeded:
		return "succeeded"
	case Failed:
		return "failed"
	}
	return "unsupported"
}

// Result is the outcome of one case for one client/server pair.
type Result struct {
	Test     string
	Abbr     string
	Client   string
	Server   string
	Status   Status
	Duration time.Duration
	// Reason explains a failure or an unsupported case.
	Reason string
	// Kbps are a measurement's per-run goodputs; Mean and Stdev summarize
	// them.
	Kbps        []float64
	Mean, Stdev float64
	// LogDir holds the run's files when Options.LogDir is set.
	LogDir string
}

// Options configure a Runner.
type Options struct {
	// LogDir keeps every run's files (served files excepted) under
	// LogDir/<server>_<client>/<test>/; empty removes them.
	LogDir string
	// Logf receives progress and diagnostics; nil discards them.
	Logf func(format string, args ...any)
	// Seed drives file names and contents and the relay's random draws;
	// 0 picks one from the clock.
	Seed uint64
	// Loopback runs every case in topology B, even those that prefer
	// network namespaces.
	Loopback bool
}

// Runner runs interop cases between endpoints on this machine.
type Runner struct {
	opts  Options
	made  []string // mountpoints the runner created
	lock  *os.File // the machine-wide runner lock
	nsErr error    // why topology A is unavailable, or nil
	mu    sync.Mutex
	runID int
	// compliant caches each endpoint role's compliance probe.
	compliant map[string]error
}

// ErrUnavailable wraps the reason the runner cannot work on this machine
// (not root, no mount namespaces, ...).
var ErrUnavailable = errors.New("interop runner unavailable")

// New checks that this machine can sandbox endpoints and returns a
// Runner. Close undoes what it set up.
func New(opts Options) (*Runner, error) {
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.Seed == 0 {
		opts.Seed = uint64(time.Now().UnixNano())
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w: needs root for mount namespaces", ErrUnavailable)
	}
	for _, tool := range []string{"unshare", "nsenter", "mount"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
	}
	if b, err := exec.Command("unshare", "--mount", "--propagation", "private", "true").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%w: cannot create a mount namespace: %v %s", ErrUnavailable, err, b)
	}
	lock, err := acquireLock(opts.Logf)
	if err != nil {
		return nil, fmt.Errorf("runner lock: %w", err)
	}
	made, err := ensureMountpoints()
	if err != nil {
		removeMountpoints(made)
		lock.Close()
		return nil, err
	}
	r := &Runner{opts: opts, made: made, lock: lock, compliant: map[string]error{}}
	cleanStaleNamespaces()
	r.nsErr = namespacesAvailable()
	if r.nsErr != nil {
		opts.Logf("network namespaces unavailable (%v): every case runs on loopback", r.nsErr)
	}
	return r, nil
}

// Close removes the mountpoints the runner created and lets the next
// runner go.
func (r *Runner) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lock == nil {
		return
	}
	removeMountpoints(r.made)
	r.lock.Close()
	r.lock = nil
}

func (r *Runner) nextID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runID++
	return r.runID
}
