//go:build !linux

package cmdtest

import "os/exec"

// DieWithTest does nothing where the kernel has no parent-death signal.
func DieWithTest(*exec.Cmd) {}
