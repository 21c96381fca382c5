package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/quicr/quicr/cmd/internal/cmdtest"
	"github.com/quicr/quicr/quic"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestParseTargets(t *testing.T) {
	tests := []struct {
		url              string
		host, addr, file string
		ok               bool
	}{
		{"https://server4:443/word-word-word", "server4", "server4:443", "word-word-word", true},
		{"https://server6/a", "server6", "server6:443", "a", true},
		{"https://[fd00:cafe:cafe:100::100]:443/x", "fd00:cafe:cafe:100::100", "[fd00:cafe:cafe:100::100]:443", "x", true},
		{"https://localhost:4433/dir/file.bin", "localhost", "localhost:4433", "dir/file.bin", true},
		{"https://h/../../etc/passwd", "", "", "", false},
		{"https://h/", "", "", "", false},
		{"https://h", "", "", "", false},
		{"http://h/x", "", "", "", false},
		{"https:///x", "", "", "", false},
		{"::", "", "", "", false},
	}
	for _, tt := range tests {
		ts, err := parseTargets([]string{tt.url})
		if (err == nil) != tt.ok {
			t.Errorf("parseTargets(%q): %v, want ok %v", tt.url, err, tt.ok)
			continue
		}
		if err == nil && (ts[0].host != tt.host || ts[0].addr != tt.addr || ts[0].file != tt.file) {
			t.Errorf("parseTargets(%q) = %+v", tt.url, ts[0])
		}
	}
}

func TestRunnerTestcase(t *testing.T) {
	v1, v12 := []quic.Version{quic.Version1}, []quic.Version{quic.Version1, quic.Version2}
	tests := []struct {
		tc        string
		ok        bool
		mode      fetchMode
		versions  []quic.Version
		chacha20  bool
		keyUpdate bool
		zeroRTT   bool
	}{
		{"handshake", true, modeParallel, v1, false, false, false},
		{"transfer", true, modeParallel, v1, false, false, false},
		{"retry", true, modeParallel, v1, false, false, false},
		{"ecn", true, modeParallel, v1, false, false, false},
		{"v2", true, modeParallel, v12, false, false, false},
		{"chacha20", true, modeParallel, v1, true, false, false},
		{"multiconnect", true, modeSequential, v1, false, false, false},
		{"resumption", true, modeResume, v1, false, false, false},
		{"zerortt", true, modeResume, v1, false, false, true},
		{"keyupdate", true, modeParallel, v1, false, true, false},
		{"http3", true, modeParallel, v1, false, false, false},
		{"connectionmigration", false, 0, nil, false, false, false},
		{"silver-lake-road", false, 0, nil, false, false, false},
	}
	for _, tt := range tests {
		var o options
		ok := runnerTestcase(tt.tc, &o)
		if ok != tt.ok {
			t.Errorf("%s: ok %v", tt.tc, ok)
		}
		if !ok {
			continue
		}
		if o.mode != tt.mode || !slices.Equal(o.conf.Versions, tt.versions) || o.chacha20 != tt.chacha20 || o.keyUpdate != tt.keyUpdate || o.conf.Allow0RTT != tt.zeroRTT {
			t.Errorf("%s: mode %v, versions %v, chacha20 %v, key update %v, 0-RTT %v", tt.tc, o.mode, o.conf.Versions, o.chacha20, o.keyUpdate, o.conf.Allow0RTT)
		}
	}
}

func TestSummary(t *testing.T) {
	ts := []target{{file: "a"}, {file: "b/c"}, {file: "missing"}}
	rs := []result{
		{done: true, bytes: 1 << 20, time: time.Second},
		{done: true, bytes: 1000, time: time.Millisecond},
		{err: errors.New("refused")},
	}
	var b bytes.Buffer
	printSummary(&b, "/dl", ts, rs, 2*time.Second)
	want := "" +
		"   1.0 MiB          1s      1.05 MB/s      8.39 Mbit/s  /dl/a\n" +
		"    1000 B         1ms      1.00 MB/s      8.00 Mbit/s  /dl/b/c\n" +
		"total: 2 of 3 files, 1.0 MiB in 2s,     0.52 MB/s      4.20 Mbit/s\n"
	if b.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", b.String(), want)
	}
}

// runClient runs the client binary and returns its exit code, stdout and
// stderr.
func runClient(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, stdout.String(), stderr.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	t.Fatalf("client: %v", err)
	return 0, "", ""
}

// makeFiles writes n random files of the given sizes into dir.
func makeFiles(t *testing.T, dir string, sizes ...int) map[string][]byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(len(sizes)), 7))
	files := map[string][]byte{}
	for i, n := range sizes {
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		name := fmt.Sprintf("file-%d-%d", i, n)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	return files
}

// checkDownloads checks that dir holds exactly files.
func checkDownloads(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(files) {
		t.Errorf("%s holds %d entries, want %d", dir, len(entries), len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; want %d bytes, identical", name, len(got), err, len(want))
		}
	}
}

func urls(addr string, names ...string) []string {
	var us []string
	for _, n := range names {
		us = append(us, "https://"+addr+"/"+n)
	}
	slices.Sort(us)
	return us
}

func TestBinary(t *testing.T) {
	client, server := cmdtest.Build(t, "client", "."), cmdtest.Build(t, "server", "../server")
	t.Run("unsupported", func(t *testing.T) {
		for _, tc := range []string{"connectionmigration", "amber-wind-song"} {
			start := time.Now()
			code, _, stderr := runClient(t, client, cmdtest.RunnerEnv("client", tc, "https://server4:443/x"))
			if code != exitUnsupported {
				t.Errorf("TESTCASE=%s: exit status %d, want 127\n%s", tc, code, stderr)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("TESTCASE=%s: took %v to exit", tc, d)
			}
		}
	})
	t.Run("help", func(t *testing.T) {
		code, stdout, _ := runClient(t, client, cmdtest.BareEnv(), "--help")
		if code != 0 {
			t.Fatalf("--help: exit status %d", code)
		}
		for _, want := range []string{"--out", "--insecure", "--sequential", "--resume", "INTEROP RUNNER MODE", "EXAMPLES"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("--help lacks %q", want)
			}
		}
	})

	www := t.TempDir()
	// Each connection's total stays under the quic package's initial
	// flow-control windows (512 KiB per stream, 768 KiB per connection).
	files := makeFiles(t, www, 0, 1, 1000, 100<<10, 400<<10)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	addr := startServer(t, server, "--www", www)

	t.Run("bare", func(t *testing.T) {
		out := t.TempDir()
		two := map[string][]byte{names[0]: files[names[0]], names[1]: files[names[1]]}
		qlogDir := filepath.Join(t.TempDir(), "qlog")
		code, stdout, stderr := runClient(t, client, cmdtest.BareEnv(), append([]string{"--insecure", "--out", out, "--qlog-dir", qlogDir}, urls(addr, names[0], names[1])...)...)
		if code != 0 {
			t.Fatalf("exit status %d\n%s", code, stderr)
		}
		checkDownloads(t, out, two)
		cmdtest.CheckQlog(t, qlogDir, "_client.sqlog", 1)
		if !regexp.MustCompile(`(?m)^total: 2 of 2 files, .* MB/s .* Mbit/s$`).MatchString(stdout) {
			t.Errorf("no total in the summary:\n%s", stdout)
		}
		for _, n := range []string{names[0], names[1]} {
			if !strings.Contains(stdout, filepath.Join(out, n)+"\n") {
				t.Errorf("no summary line for %s:\n%s", n, stdout)
			}
		}
	})
	t.Run("verification", func(t *testing.T) {
		// Without --insecure the self-signed certificate is refused.
		code, _, stderr := runClient(t, client, cmdtest.BareEnv(), "--out", t.TempDir(), urls(addr, names[0])[0])
		if code != 1 || !strings.Contains(stderr, "certificate") {
			t.Errorf("exit status %d, want 1 and a certificate error:\n%s", code, stderr)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		out := t.TempDir()
		code, _, stderr := runClient(t, client, cmdtest.BareEnv(), append([]string{"-k", "-o", out}, urls(addr, names[0], "no-such-file")...)...)
		if code != 1 || !strings.Contains(stderr, "no-such-file") {
			t.Errorf("exit status %d, want 1 naming the file:\n%s", code, stderr)
		}
		checkDownloads(t, out, map[string][]byte{names[0]: files[names[0]]})
	})

	runner := []struct {
		testcase string
		logs     []string // each must appear in the client's stderr
		count    int      // connections
	}{
		{"transfer", []string{"v1, hq-interop"}, 1},
		{"multiconnect", nil, len(files)},
		{"resumption", []string{", resumed"}, 2},
		{"chacha20", []string{"TLS_CHACHA20_POLY1305_SHA256"}, 1},
		{"keyupdate", []string{"initiated a key update"}, 1},
	}
	for _, r := range runner {
		t.Run("runner "+r.testcase, func(t *testing.T) {
			out := t.TempDir()
			env := cmdtest.RunnerEnv("client", r.testcase, strings.Join(urls(addr, names...), " "))
			code, _, stderr := runClient(t, client, env, "--out", out, "--verbose")
			if code != 0 {
				t.Fatalf("exit status %d\n%s", code, stderr)
			}
			checkDownloads(t, out, files)
			for _, want := range r.logs {
				if !strings.Contains(stderr, want) {
					t.Errorf("client log lacks %q:\n%s", want, stderr)
				}
			}
			if n := strings.Count(stderr, "connected to "); n != r.count {
				t.Errorf("%d connections, want %d:\n%s", n, r.count, stderr)
			}
		})
	}
	t.Run("runner zerortt", func(t *testing.T) {
		zr := startServer(t, server, "--www", www, "--0rtt")
		out := t.TempDir()
		code, _, stderr := runClient(t, client, cmdtest.RunnerEnv("client", "zerortt", strings.Join(urls(zr, names...), " ")), "--out", out)
		if code != 0 {
			t.Fatalf("exit status %d\n%s", code, stderr)
		}
		checkDownloads(t, out, files)
		if !strings.Contains(stderr, ", resumed, 0-RTT accepted") || strings.Count(stderr, "connected to ") != 2 {
			t.Errorf("want two connections, the second with 0-RTT:\n%s", stderr)
		}
	})
	t.Run("runner v2", func(t *testing.T) {
		v2 := startServer(t, server, "--www", www, "--versions", "v2,v1")
		out := t.TempDir()
		code, _, stderr := runClient(t, client, cmdtest.RunnerEnv("client", "v2", urls(v2, names[2])[0]), "--out", out)
		if code != 0 || !strings.Contains(stderr, "v2, hq-interop") {
			t.Fatalf("exit status %d, want 0 on a v2 connection\n%s", code, stderr)
		}
		checkDownloads(t, out, map[string][]byte{names[2]: files[names[2]]})
	})
}

// startServer runs the server binary on a loopback port with args, as in
// manual mode.
func startServer(t *testing.T, bin string, args ...string) string {
	t.Helper()
	return cmdtest.StartServer(t, bin, cmdtest.BareEnv(), append([]string{"--listen", "127.0.0.1:0"}, args...)...)
}
