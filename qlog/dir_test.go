package qlog_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogcheck"
)

func TestFileName(t *testing.T) {
	if got := qlog.FileName(qlog.RoleServer, testODCID); got != "4b9a1e07c2d35f68_server.sqlog" {
		t.Errorf("FileName = %q", got)
	}
	if got := qlog.FileName(qlog.RoleClient, nil); got != "_client.sqlog" {
		t.Errorf("FileName(nil) = %q", got)
	}
}

func TestDirTracer(t *testing.T) {
	base := t.TempDir()
	tests := []struct {
		name, dir string
		role      qlog.Role
	}{
		{"existing", base, qlog.RoleClient},
		{"trailing slash", base + "/", qlog.RoleServer},
		{"created", filepath.Join(base, "a", "b") + "/", qlog.RoleClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := qlog.DirTracer(tt.dir)(tt.role, testODCID)
			if tr == nil {
				t.Fatal("DirTracer returned nil")
			}
			tr.ConnectionStarted(0, local4, remote4, testSCID, testODCID)
			if err := tr.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(tt.dir, qlog.FileName(tt.role, testODCID))
			probs, err := qlogcheck.CheckFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range probs {
				t.Errorf("%s: %s", path, p)
			}
		})
	}
}

func TestDirTracerFailure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if tr := qlog.DirTracer(file)(qlog.RoleClient, testODCID); tr != nil {
		t.Error("DirTracer under a regular file returned a tracer")
	}
	if _, err := qlog.NewDirTracer(file, qlog.RoleClient, testODCID, nil); err == nil {
		t.Error("NewDirTracer under a regular file did not fail")
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("QLOGDIR", "")
	if qlog.FromEnv() != nil {
		t.Error("FromEnv with QLOGDIR empty is not nil")
	}
	dir := t.TempDir()
	t.Setenv("QLOGDIR", dir+"/")
	f := qlog.FromEnv()
	if f == nil {
		t.Fatal("FromEnv with QLOGDIR set is nil")
	}
	tr := f(qlog.RoleServer, testODCID)
	tr.SpinBitUpdated(0, true)
	if err := tr.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "4b9a1e07c2d35f68_server.sqlog")); err != nil {
		t.Error(err)
	}
}
