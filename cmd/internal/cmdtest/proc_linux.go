package cmdtest

import (
	"os/exec"
	"syscall"
)

// DieWithTest makes the child get SIGKILL if the test process dies first
// (a timeout panic skips the cleanups that would stop it).
func DieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
