// Package cmdtest holds what the tests of cmd/client and cmd/server share:
// building a command, the environments of manual and runner mode, starting
// the server binary and reading its address, and checking qlog output.
package cmdtest

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Build builds the command in package dir pkg (relative to the test's
// directory) as name in a temporary directory and returns its path.
func Build(t *testing.T, name, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// RunnerEnv is the environment of a runner-mode endpoint.
func RunnerEnv(role, testcase, requests string) []string {
	return append(os.Environ(), "ROLE="+role, "TESTCASE="+testcase, "REQUESTS="+requests, "SSLKEYLOGFILE=", "QLOGDIR=")
}

// BareEnv is an environment without the runner's variables.
func BareEnv() []string { return RunnerEnv("", "", "") }

var servingRE = regexp.MustCompile(`serving .* on (\S+),`)

// StartServer runs the server binary and returns the address it listens
// on. The server stops with SIGTERM, and must exit 0, when the test ends;
// its log goes to the test's log.
func StartServer(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	DieWithTest(cmd)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrCh := make(chan string, 1)
	logDone := make(chan struct{})
	var log strings.Builder
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				addrCh <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-logDone
		if err := cmd.Wait(); err != nil {
			t.Errorf("server: %v\n%s", err, log.String())
		}
		t.Logf("server log:\n%s", log.String())
	})
	select {
	case a := <-addrCh:
		return a
	case <-logDone:
		t.Fatalf("server exited:\n%s", log.String())
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	return ""
}

// CheckQlog checks that dir holds n files named *suffix.
func CheckQlog(t *testing.T, dir, suffix string, n int) {
	t.Helper()
	ms, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	if err != nil || len(ms) != n {
		t.Errorf("qlog files %v, %v; want %d", ms, err, n)
	}
}
