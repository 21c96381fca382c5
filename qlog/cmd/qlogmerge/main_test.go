package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	odcid := []byte{1, 2, 3, 4}
	var paths []string
	for _, role := range []qlog.Role{qlog.RoleClient, qlog.RoleServer} {
		tr, err := qlog.NewDirTracer(dir, role, odcid, &qlog.Options{WallClock: func() time.Time { return time.Unix(1e9, 0) }})
		if err != nil {
			t.Fatal(err)
		}
		tr.ConnectionStateUpdated(0, "", qlog.StateAttempted)
		tr.Close()
		paths = append(paths, filepath.Join(dir, qlog.FileName(role, odcid)))
	}
	out := filepath.Join(dir, "both.qlog")
	var stdout, stderr bytes.Buffer
	if got := run(append([]string{"-o", out}, paths...), &stdout, &stderr); got != 0 {
		t.Fatalf("status %d: %s", got, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Title  string
		Traces []json.RawMessage
	}
	if err := json.Unmarshal(data, &f); err != nil || len(f.Traces) != 2 || f.Title != "01020304_client.sqlog + 01020304_server.sqlog" {
		t.Fatalf("merged file: %v, %d traces, title %q", err, len(f.Traces), f.Title)
	}
	stdout.Reset()
	if got := run(paths[:1], &stdout, &stderr); got != 0 || !json.Valid(stdout.Bytes()) {
		t.Errorf("stdout output: status %d, valid %v", got, json.Valid(stdout.Bytes()))
	}
	if got := run([]string{filepath.Join(dir, "missing")}, &stdout, &stderr); got != 2 {
		t.Errorf("missing input: status %d, want 2", got)
	}
	if got := run(nil, &stdout, &stderr); got != 2 {
		t.Errorf("no args: status %d, want 2", got)
	}
	bad := filepath.Join(dir, "bad.sqlog")
	os.WriteFile(bad, []byte("nope"), 0o644)
	if got := run([]string{bad}, &stdout, &stderr); got != 1 {
		t.Errorf("bad input: status %d, want 1", got)
	}
}
