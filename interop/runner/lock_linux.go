package runner

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockPath serializes runners on one machine: every run uses UDP 443 in
// the host namespace and the fixed mountpoints, so two runners at once
// (say a test and the command) would meet each other's servers.
const lockPath = "/run/lock/quicr-interop.lock"

// acquireLock takes the machine-wide runner lock, waiting for another
// runner to finish if needed.
func acquireLock(logf func(string, ...any)) (*os.File, error) {
	path := lockPath
	if _, err := os.Stat("/run/lock"); err != nil {
		path = os.TempDir() + "/quicr-interop.lock"
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		logf("waiting for another interop runner (%s)", path)
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
