//go:build linux

package runner

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// complianceTimeout bounds the compliance probe. The runner's server probe
// has none and hangs on a server that ignores unknown cases; failing after
// a while reports the same thing.
const complianceTimeout = 10 * time.Second

// compliance runs the runner's compliance probe once per endpoint role: an
// unknown TESTCASE must make the endpoint exit with 127 (interop-runner.md,
// 1).
func (r *Runner) compliance(ctx context.Context, ep Endpoint, role string) error {
	key := role + "\x00" + ep.Name + "\x00" + ep.Client + "\x00" + ep.Server
	r.mu.Lock()
	err, done := r.compliant[key]
	r.mu.Unlock()
	if done {
		return err
	}
	err = r.probeCompliance(ctx, ep, role)
	if err != nil {
		r.opts.Logf("%s %s is not compliant: %v", ep.Name, role, err)
	}
	r.mu.Lock()
	r.compliant[key] = err
	r.mu.Unlock()
	return err
}

func (r *Runner) probeCompliance(ctx context.Context, ep Endpoint, role string) error {
	dir, err := os.MkdirTemp("", "quicr-compliance-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := mkdirs(dir, "www", "downloads", "certs", "logs"); err != nil {
		return err
	}
	// Endpoints may load their certificates before they look at TESTCASE.
	if err := generateCerts(filepath.Join(dir, "certs"), 1); err != nil {
		return err
	}
	hosts := filepath.Join(dir, "hosts")
	if err := writeHosts(hosts, map[string][]string{"server4": {"127.0.0.1"}}); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(r.opts.Seed, 0))
	testcase := fileName(rng, 0, map[string]bool{})
	bin := ep.Server
	if role == "client" {
		bin = ep.Client
	}
	sb := &sandbox{
		argv: []string{bin}, env: endpointEnv(role, testcase, ""),
		www: filepath.Join(dir, "www"), dls: filepath.Join(dir, "downloads"), certs: filepath.Join(dir, "certs"),
		logs: filepath.Join(dir, "logs"), hosts: hosts, output: io.Discard,
	}
	p, err := sb.start()
	if err != nil {
		return err
	}
	defer p.stop(time.Second)
	ctx, cancel := context.WithTimeout(ctx, complianceTimeout)
	defer cancel()
	code, ok := p.wait(ctx)
	switch {
	case !ok:
		return fmt.Errorf("%s ignored an unknown TESTCASE for %v", role, complianceTimeout)
	case code != 127:
		return fmt.Errorf("%s exited with %d for an unknown TESTCASE, want 127", role, code)
	}
	return nil
}
