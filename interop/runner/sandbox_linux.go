package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The paths every endpoint finds, as in the runner's containers
// (interop-runner.md, 1).
var sandboxMounts = []string{"/www", "/downloads", "/certs", "/logs"}

// sandboxScript runs as /bin/sh inside a fresh mount namespace: it binds
// the run's directories and hosts file over the fixed paths, then execs
// the endpoint, whose exit status becomes the process's.
const sandboxScript = `set -e
mount --bind "$QUICR_SB_WWW" /www
mount -o remount,bind,ro /www
mount --bind "$QUICR_SB_DOWNLOADS" /downloads
mount --bind "$QUICR_SB_CERTS" /certs
mount -o remount,bind,ro /certs
mount --bind "$QUICR_SB_LOGS" /logs
mount --bind "$QUICR_SB_HOSTS" /etc/hosts
unset QUICR_SB_WWW QUICR_SB_DOWNLOADS QUICR_SB_CERTS QUICR_SB_LOGS QUICR_SB_HOSTS
exec "$@"
`

// sandbox describes one endpoint process.
type sandbox struct {
	argv    []string
	env     []string // ROLE, TESTCASE, ...
	www     string
	dls     string
	certs   string
	logs    string
	hosts   string // a hosts file
	netns   string // path of a network namespace, "" for the runner's
	output  io.Writer
	started time.Time
}

// process is a running endpoint.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	code int // exit code once done; -1 when killed by a signal
}

// mountpointsRecord lists the mountpoints a runner created, so that the
// next runner removes them even if this one was killed before Close.
const mountpointsRecord = "/run/quicr-interop-mountpoints"

// ensureMountpoints creates the fixed paths the sandbox mounts over if
// they are missing, and returns the ones runners created (now or in a run
// that did not clean up), for removeMountpoints. The runner lock is held.
func ensureMountpoints() ([]string, error) {
	var made []string
	if b, err := os.ReadFile(mountpointsRecord); err == nil {
		made = strings.Fields(string(b))
	}
	for _, m := range sandboxMounts {
		if _, err := os.Stat(m); errors.Is(err, os.ErrNotExist) {
			if err := os.Mkdir(m, 0o755); err != nil {
				return made, err
			}
			if !slices.Contains(made, m) {
				made = append(made, m)
			}
		}
	}
	if len(made) > 0 {
		if err := os.WriteFile(mountpointsRecord, []byte(strings.Join(made, "\n")+"\n"), 0o644); err != nil {
			return made, err
		}
	}
	return made, nil
}

// removeMountpoints removes the empty directories runners made.
func removeMountpoints(made []string) {
	for _, p := range made {
		if slices.Contains(sandboxMounts, p) {
			os.Remove(p)
		}
	}
	os.Remove(mountpointsRecord)
}

// start launches the endpoint in its own mount namespace (and network
// namespace) and process group.
func (s *sandbox) start() (*process, error) {
	argv := []string{"unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", sandboxScript, "sh"}
	if s.netns != "" {
		argv = append([]string{"nsenter", "--net=" + s.netns}, argv...)
	}
	argv = append(argv, s.argv...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(baseEnv(), s.env...)
	cmd.Env = append(cmd.Env,
		"QUICR_SB_WWW="+s.www, "QUICR_SB_DOWNLOADS="+s.dls, "QUICR_SB_CERTS="+s.certs,
		"QUICR_SB_LOGS="+s.logs, "QUICR_SB_HOSTS="+s.hosts)
	cmd.Stdout, cmd.Stderr = s.output, s.output
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.started = time.Now()
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	return p, nil
}

// baseEnv is the part of the runner's environment endpoints inherit: the
// search path and home, nothing that could change their behaviour.
func baseEnv() []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	if h := os.Getenv("HOME"); h != "" {
		env = append(env, "HOME="+h)
	}
	return env
}

// wait waits for the process to exit or ctx to end; ok says it exited.
func (p *process) wait(ctx context.Context) (code int, ok bool) {
	select {
	case <-p.done:
		return p.code, true
	case <-ctx.Done():
		return 0, false
	}
}

// exited reports whether the process has exited, and its code.
func (p *process) exited() (int, bool) {
	select {
	case <-p.done:
		return p.code, true
	default:
		return 0, false
	}
}

// stop ends the process group: SIGTERM, then SIGKILL after grace, as
// docker compose's --timeout does.
func (p *process) stop(grace time.Duration) {
	if _, ok := p.exited(); ok {
		return
	}
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// writeHosts writes a hosts file mapping each name to its addresses.
func writeHosts(path string, names map[string][]string) error {
	b := []byte("127.0.0.1 localhost\n::1 localhost ip6-localhost\n")
	for _, n := range []string{"server", "server4", "server6", "server46"} {
		for _, a := range names[n] {
			b = fmt.Appendf(b, "%s %s\n", a, n)
		}
	}
	return os.WriteFile(path, b, 0o644)
}

// mkdirs creates directories under base.
func mkdirs(base string, names ...string) error {
	for _, n := range names {
		if err := os.MkdirAll(filepath.Join(base, n), 0o755); err != nil {
			return err
		}
	}
	return nil
}
