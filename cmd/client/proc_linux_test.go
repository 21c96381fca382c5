package main

import (
	"os/exec"
	"syscall"
)

// dieWithTest makes the child get SIGKILL if the test process dies first
// (a timeout panic skips the cleanups that would stop it).
func dieWithTest(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
