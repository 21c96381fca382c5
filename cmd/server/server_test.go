package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/quicr/quicr/certs"
	"github.com/quicr/quicr/cmd/internal/cmdtest"
	"github.com/quicr/quicr/cmd/internal/cmdutil"
	"github.com/quicr/quicr/interop/hq"
	"github.com/quicr/quicr/quic"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestParseVersions(t *testing.T) {
	tests := []struct {
		in   string
		want []quic.Version
		ok   bool
	}{
		{"1,2", []quic.Version{quic.Version1, quic.Version2}, true},
		{"v2, v1", []quic.Version{quic.Version2, quic.Version1}, true},
		{"V1", []quic.Version{quic.Version1}, true},
		{"0x6b3343cf,1", []quic.Version{quic.Version2, quic.Version1}, true},
		{"0x1a2a3a4a", []quic.Version{0x1a2a3a4a}, true},
		{"", nil, false},
		{",", nil, false},
		{"v3", nil, false},
		{"0", nil, false},
		{"0x100000000", nil, false},
	}
	for _, tt := range tests {
		got, err := cmdutil.ParseVersions(tt.in)
		if (err == nil) != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("cmdutil.ParseVersions(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestRunnerTestcase(t *testing.T) {
	v21 := []quic.Version{quic.Version2, quic.Version1}
	tests := []struct {
		tc        string
		ok        bool
		retry     bool
		versions  []quic.Version
		zeroRTT   bool
		preferred []string
	}{
		{"handshake", true, false, nil, false, nil},
		{"transfer", true, false, nil, false, nil},
		{"multiconnect", true, false, nil, false, nil},
		{"chacha20", true, false, nil, false, nil},
		{"resumption", true, false, nil, false, nil},
		{"ecn", true, false, nil, false, nil},
		{"retry", true, true, nil, false, nil},
		{"v2", true, false, v21, false, nil},
		{"zerortt", true, false, nil, true, nil},
		{"connectionmigration", true, false, nil, false, []string{"server6:443"}},
		{"http3", true, false, nil, false, nil},
		{"keyupdate", false, false, nil, false, nil}, // the server sees transfer
		{"forest-quiet-river", false, false, nil, false, nil},
	}
	for _, tt := range tests {
		var o options
		ok := runnerTestcase(tt.tc, &o)
		if ok != tt.ok || o.conf.RequireAddressValidation != tt.retry || !slices.Equal(o.conf.Versions, tt.versions) ||
			o.conf.Allow0RTT != tt.zeroRTT || !slices.Equal(o.preferredHosts, tt.preferred) {
			t.Errorf("%s: ok %v, retry %v, versions %v, 0-RTT %v, preferred %v", tt.tc, ok, o.conf.RequireAddressValidation, o.conf.Versions, o.conf.Allow0RTT, o.preferredHosts)
		}
	}
}

func TestResolvePreferred(t *testing.T) {
	tests := []struct {
		hosts  []string
		v4, v6 string
		ok     bool
	}{
		{[]string{"127.0.0.2:443"}, "127.0.0.2:443", "", true},
		{[]string{"[::1]:4433", "192.0.2.1:4433"}, "192.0.2.1:4433", "[::1]:4433", true},
		{[]string{"[::ffff:192.0.2.1]:443"}, "192.0.2.1:443", "", true},
		{[]string{"127.0.0.2:443", "127.0.0.3:443"}, "", "", false},
		{[]string{"no-port"}, "", "", false},
	}
	for _, tt := range tests {
		o := options{preferredHosts: tt.hosts}
		err := o.resolvePreferred()
		if (err == nil) != tt.ok {
			t.Errorf("%v: %v, want ok %v", tt.hosts, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		if got := addrString(o.conf.PreferredAddressV4); got != tt.v4 {
			t.Errorf("%v: IPv4 %s, want %s", tt.hosts, got, tt.v4)
		}
		if got := addrString(o.conf.PreferredAddressV6); got != tt.v6 {
			t.Errorf("%v: IPv6 %s, want %s", tt.hosts, got, tt.v6)
		}
	}
}

func addrString(ap netip.AddrPort) string {
	if !ap.IsValid() {
		return ""
	}
	return ap.String()
}

func TestBinary(t *testing.T) {
	bin := cmdtest.Build(t, "server", ".")
	t.Run("unsupported", func(t *testing.T) {
		for _, tc := range []string{"keyupdate", "pale-blue-dot"} {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			cmd := exec.CommandContext(ctx, bin)
			cmd.Env = cmdtest.RunnerEnv("server", tc, "")
			start := time.Now()
			out, err := cmd.CombinedOutput()
			cancel()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitUnsupported {
				t.Errorf("TESTCASE=%s: %v, want exit status 127\n%s", tc, err, out)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("TESTCASE=%s: took %v to exit", tc, d)
			}
		}
	})
	t.Run("help", func(t *testing.T) {
		out, err := exec.Command(bin, "--help").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"--listen", "--www", "--retry", "--versions", "--keylog", "INTEROP RUNNER MODE", "EXAMPLES"} {
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("--help lacks %q", want)
			}
		}
	})
	t.Run("bad flag", func(t *testing.T) {
		err := exec.Command(bin, "--versions", "v9").Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitError {
			t.Errorf("--versions v9: %v, want exit status 1", err)
		}
	})
	t.Run("dual-stack", func(t *testing.T) {
		www := t.TempDir()
		body := bytes.Repeat([]byte("dual-stack "), 10000)
		if err := os.WriteFile(filepath.Join(www, "f"), body, 0o644); err != nil {
			t.Fatal(err)
		}
		addr := cmdtest.StartServer(t, bin, nil, "--listen", "[::]:0", "--www", www)
		_, port, _ := net.SplitHostPort(addr)
		for _, host := range []string{"127.0.0.1", "::1"} {
			c := dial(t, net.JoinHostPort(host, port), nil)
			var got bytes.Buffer
			if _, err := hq.Get(context.Background(), c, "/f", &got); err != nil || !bytes.Equal(got.Bytes(), body) {
				t.Errorf("over %s: %d bytes, %v", host, got.Len(), err)
			}
			c.CloseWithError(0, "")
			<-c.Context().Done()
		}
	})
	t.Run("runner resumption", func(t *testing.T) {
		www, certDir, keylog := t.TempDir(), runnerCerts(t), filepath.Join(t.TempDir(), "logs", "keys.log")
		if err := os.WriteFile(filepath.Join(www, "f"), []byte("resume me"), 0o644); err != nil {
			t.Fatal(err)
		}
		qlogDir := filepath.Join(t.TempDir(), "qlog") + "/"
		t.Cleanup(func() { cmdtest.CheckQlog(t, qlogDir, "_server.sqlog", 2) }) // after the server stopped
		env := cmdtest.RunnerEnv("server", "resumption", "")
		env = append(env, "SSLKEYLOGFILE="+keylog, "QLOGDIR="+qlogDir)
		addr := cmdtest.StartServer(t, bin, env, "--listen", "127.0.0.1:0", "--www", www,
			"--cert", filepath.Join(certDir, certs.CertFile), "--key", filepath.Join(certDir, certs.KeyFile))
		cache := tls.NewLRUClientSessionCache(4)
		for i, wantResumed := range []bool{false, true} {
			c := dial(t, addr, cache)
			var got bytes.Buffer
			if _, err := hq.Get(context.Background(), c, "/f", &got); err != nil || got.String() != "resume me" {
				t.Errorf("connection %d: %q, %v", i, got.Bytes(), err)
			}
			// The ticket follows the handshake; the file came after it.
			if r := c.ConnectionState().TLS.DidResume; r != wantResumed {
				t.Errorf("connection %d: resumed %v, want %v", i, r, wantResumed)
			}
			c.CloseWithError(0, "")
			<-c.Context().Done()
		}
		kl, err := os.ReadFile(keylog)
		if err != nil || !regexp.MustCompile(`(?m)^SERVER_HANDSHAKE_TRAFFIC_SECRET `).Match(kl) {
			t.Errorf("key log: %v, %q", err, kl)
		}
	})
}

// runnerCerts writes a certificate chain as the runner's certs.sh does,
// with openssl's "EC PARAMETERS" block before the key.
func runnerCerts(t *testing.T) string {
	t.Helper()
	ch, err := certs.GenerateChain(certs.Options{ExtraNames: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(ch.KeyPEM, []byte("EC PARAMETERS")) {
		ch.KeyPEM = append([]byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"), ch.KeyPEM...)
	}
	dir := t.TempDir()
	if err := ch.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// dial connects to the server without verifying its certificate.
func dial(t *testing.T, addr string, cache tls.ClientSessionCache) *quic.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := quic.Dial(ctx, addr, &tls.Config{InsecureSkipVerify: true, ServerName: "localhost", NextProtos: []string{hq.ALPN}, ClientSessionCache: cache}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
