package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

func writeTrace(t *testing.T, dir string) string {
	t.Helper()
	odcid := []byte{1, 2, 3, 4}
	tr, err := qlog.NewDirTracer(dir, qlog.RoleServer, odcid, &qlog.Options{WallClock: func() time.Time { return time.Unix(0, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	tr.ConnectionStateUpdated(0, "", qlog.StateAttempted)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, qlog.FileName(qlog.RoleServer, odcid))
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	good := writeTrace(t, dir)
	bad := filepath.Join(dir, "01020304_client.sqlog")
	data, _ := os.ReadFile(good)
	if err := os.WriteFile(bad, append(data, "\x1e{\"time\":-1,\"name\":\"x:y\",\"data\":{}}\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		status int
		out    []string
	}{
		{"valid", []string{good}, 0, nil},
		{"invalid", []string{good, bad}, 1, []string{
			bad + `:1: header: vantage_point.type "server" differs from the file name's "client"`,
			bad + ":3: time -1 is negative",
			bad + `:3: unknown event name "x:y"`,
		}},
		{"missing file", []string{filepath.Join(dir, "nope.sqlog")}, 2, nil},
		{"no args", nil, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tt.args, &stdout, &stderr); got != tt.status {
				t.Errorf("status = %d, want %d; stderr %s", got, tt.status, stderr.String())
			}
			var lines []string
			if s := strings.TrimSpace(stdout.String()); s != "" {
				lines = strings.Split(s, "\n")
			}
			if strings.Join(lines, "\n") != strings.Join(tt.out, "\n") {
				t.Errorf("output:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(tt.out, "\n"))
			}
		})
	}
}
