package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// memSample is a process's memory after a full GC.
type memSample struct {
	RSS  int64 `json:"rss"`  // resident set, bytes
	Heap int64 `json:"heap"` // Go heap in use plus goroutine stacks, bytes
}

// sampleMemory collects garbage, returns freed memory to the OS and reads
// the resident set from /proc/self/statm.
func sampleMemory() memSample {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{RSS: residentBytes(), Heap: int64(ms.HeapInuse + ms.StackInuse)}
}

func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
