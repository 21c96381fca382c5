//go:build linux

package runner

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Endpoint is an implementation under test: the commands that play the
// client and the server role.
type Endpoint struct {
	Name   string
	Client string // path of the client command
	Server string // path of the server command
	// URLArgs passes the REQUESTS URLs as arguments too, as quic-go's
	// run_endpoint.sh does; the contract itself is the environment.
	URLArgs bool
}

// ErrNotBuilt says a built-in endpoint's sources are not in the tree yet.
var ErrNotBuilt = errors.New("endpoint sources not present")

// ResolveEndpoint turns a -client/-server name into an Endpoint:
// "quicr" builds this module's cmd/client and cmd/server, "quic-go" runs
// scripts/peers.sh, and anything else is a path to a command that plays
// both roles by ROLE.
func ResolveEndpoint(name string) (Endpoint, error) {
	switch name {
	case "quicr":
		return buildQuicr()
	case "quic-go":
		return buildQuicGo()
	}
	path, err := filepath.Abs(name)
	if err != nil {
		return Endpoint{}, err
	}
	if st, err := os.Stat(path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return Endpoint{}, fmt.Errorf("%s is not an executable file", name)
	}
	return Endpoint{Name: filepath.Base(path), Client: path, Server: path}, nil
}

// repoRoot finds the quicr checkout above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "scripts", "peers.sh")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the quicr checkout (no scripts/peers.sh above the working directory)")
		}
		dir = parent
	}
}

// buildQuicGo builds (or reuses) quic-go's interop endpoints with
// scripts/peers.sh.
func buildQuicGo() (Endpoint, error) {
	root, err := repoRoot()
	if err != nil {
		return Endpoint{}, err
	}
	// Only a module that cannot be had (no module proxy, empty cache) makes
	// the peer unavailable; a failing build is an error.
	dl := exec.Command("go", "-C", filepath.Join(root, "interop", "quicgo"), "mod", "download")
	dl.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
	if b, err := dl.CombinedOutput(); err != nil {
		return Endpoint{}, fmt.Errorf("%w: go mod download in interop/quicgo: %v: %s", ErrPeerUnavailable, err, strings.TrimSpace(string(b)))
	}
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "peers.sh"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Endpoint{}, fmt.Errorf("scripts/peers.sh: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	ep := Endpoint{Name: "quic-go", URLArgs: true}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "client="); ok {
			ep.Client = v
		}
		if v, ok := strings.CutPrefix(sc.Text(), "server="); ok {
			ep.Server = v
		}
	}
	if ep.Client == "" || ep.Server == "" {
		return Endpoint{}, errors.New("scripts/peers.sh printed no binary paths")
	}
	return ep, nil
}

// ErrPeerUnavailable wraps the reason a peer's sources cannot be fetched
// on this machine.
var ErrPeerUnavailable = errors.New("interop peer unavailable")

// buildQuicr builds this module's cmd/client and cmd/server into the Go
// build cache directory.
func buildQuicr() (Endpoint, error) {
	root, err := repoRoot()
	if err != nil {
		return Endpoint{}, err
	}
	for _, d := range []string{"cmd/client", "cmd/server"} {
		if _, err := os.Stat(filepath.Join(root, d)); err != nil {
			return Endpoint{}, fmt.Errorf("quicr: %s: %w", d, ErrNotBuilt)
		}
	}
	cache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return Endpoint{}, fmt.Errorf("go env GOCACHE: %w", err)
	}
	out := filepath.Join(strings.TrimSpace(string(cache)), "quicr-peers", "quicr")
	cmd := exec.Command("go", "build", "-o", out+"/", "./cmd/client", "./cmd/server")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return Endpoint{}, fmt.Errorf("building quicr endpoints: %v: %s", err, strings.TrimSpace(string(b)))
	}
	return Endpoint{Name: "quicr", Client: filepath.Join(out, "client"), Server: filepath.Join(out, "server")}, nil
}
