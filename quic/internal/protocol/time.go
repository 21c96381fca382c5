package protocol

import "time"

// Time is a monotonic instant in nanoseconds since an epoch the I/O layer
// picks per endpoint (in tests, the simulator's virtual clock). The core
// never reads the wall clock; every input carries a Time. Durations between
// Times are plain time.Duration values.
type Time int64

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// Sub returns the duration t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Before reports whether t is before u.
func (t Time) Before(u Time) bool { return t < u }

// After reports whether t is after u.
func (t Time) After(u Time) bool { return t > u }

// Never is a Time no deadline reaches; NextTimeout returns it when no timer
// is armed.
const Never Time = 1<<63 - 1
