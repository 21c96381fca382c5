package main

import (
	"bytes"
	"crypto/tls"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		certs int
		key   string
	}{
		{"default", nil, 1, "ECDSA"},
		{"long chain", []string{"-chain", "9"}, 9, "ECDSA"},
		{"rsa", []string{"-rsa", "-names", "localhost"}, 1, "RSA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "certs")
			var out, errOut bytes.Buffer
			if err := run(append([]string{"-dir", dir}, tt.args...), &out, &errOut); err != nil {
				t.Fatalf("%v (%s)", err, errOut.String())
			}
			if !strings.Contains(out.String(), tt.key) {
				t.Errorf("output %q does not name the %s key", out.String(), tt.key)
			}
			pair, err := tls.LoadX509KeyPair(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "priv.key"))
			if err != nil {
				t.Fatal(err)
			}
			if len(pair.Certificate) != tt.certs {
				t.Fatalf("%d certificates, want %d", len(pair.Certificate), tt.certs)
			}
		})
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-chain", "0x"}, {"-chain", "-3"}, {"extra"}} {
		var out, errOut bytes.Buffer
		if err := run(append([]string{"-dir", t.TempDir()}, args...), &out, &errOut); err == nil {
			t.Errorf("run(%q) succeeded", args)
		}
	}
}
