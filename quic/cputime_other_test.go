//go:build !unix

package quic

import "time"

// processCPU reports false: no CPU accounting on this platform.
func processCPU() (time.Duration, bool) { return 0, false }
