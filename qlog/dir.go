package qlog

import (
	"encoding/hex"
	"os"
	"path/filepath"
)

// TracerFactory creates the tracer of a new connection, or returns nil to
// leave it untraced. odcid is the Destination Connection ID of the
// client's first Initial packet. A quic Config holds one.
type TracerFactory func(role Role, odcid []byte) *ConnectionTracer

// FileName returns the trace file name for a connection,
// "<odcid>_<client|server>.sqlog" (qlog.md 4).
func FileName(role Role, odcid []byte) string {
	return hex.EncodeToString(odcid) + "_" + role.String() + ".sqlog"
}

// NewDirTracer creates dir if needed, then the file FileName(role, odcid)
// in it, and returns a tracer writing to that file. A trailing slash on
// dir is fine, as QLOGDIR values often have one.
func NewDirTracer(dir string, role Role, odcid []byte, opts *Options) (*ConnectionTracer, error) {
	dir = filepath.Clean(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, FileName(role, odcid)), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	return NewTracer(f, role, odcid, opts), nil
}

// DirTracer returns a factory writing one file per connection into dir.
// A connection whose file cannot be created runs untraced: tracing must
// never fail a connection.
func DirTracer(dir string) TracerFactory {
	return func(role Role, odcid []byte) *ConnectionTracer {
		t, err := NewDirTracer(dir, role, odcid, nil)
		if err != nil {
			return nil
		}
		return t
	}
}

// FromEnv returns DirTracer($QLOGDIR), or nil when QLOGDIR is unset or
// empty, as the qlog main schema suggests for command-line tools.
func FromEnv() TracerFactory {
	dir := os.Getenv("QLOGDIR")
	if dir == "" {
		return nil
	}
	return DirTracer(dir)
}
