// Command bench measures quicr against quic-go side by side over loopback:
// a bulk download, many small request/response exchanges on one
// connection, new connections per second (sequential and parallel), and
// memory per idle connection. Each case runs its server and client as
// separate processes (this program re-executed with -role), so that the
// CPU time and peak RSS of each side come from the kernel's rusage.
// Linux only.
//
//	go run ./cmd/bench                      # everything, defaults
//	go run ./cmd/bench -short               # under a minute
//	go run ./cmd/bench -cases download -size 256m -runs 3 -json
//	go run ./cmd/bench -stacks quicr -cases rr -profile /tmp/prof
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// The cases, as -cases names them.
const (
	caseDownload = "download" // (a) one large body on one stream
	caseRR       = "rr"       // (b) small exchanges, many in flight
	caseHSSeq    = "hs-seq"   // (c) new connections, one at a time
	caseHSPar    = "hs-par"   // (c) new connections, -parallel at a time
	caseIdle     = "idle"     // (d) memory per idle connection
)

var allCases = []string{caseDownload, caseRR, caseHSSeq, caseHSPar, caseIdle}

type options struct {
	cases, stacks string
	size          int64
	sizeFlag      string
	requests      int
	inflight      int
	reqSize       int
	respSize      int
	conns         int
	parallel      int
	idle          int
	runs          int
	short         bool
	jsonOut       bool
	jsonFile      string
	profileDir    string
	noGSO         bool
	maxStreams    int64
	timeout       time.Duration

	// Subprocess modes.
	role, stack, caseName, addr, cert string
	cpuProfile, memProfile            string
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&o.cases, "cases", strings.Join(allCases, ","), "cases to run, comma-separated: "+strings.Join(allCases, ", "))
	fs.StringVar(&o.stacks, "stacks", stackQuicr+","+stackQuicGo, "stacks to run, comma-separated")
	fs.StringVar(&o.sizeFlag, "size", "1g", "download size (k, m, g suffixes are powers of 1024)")
	fs.IntVar(&o.requests, "requests", 10000, "exchanges in the rr case")
	fs.IntVar(&o.inflight, "inflight", 64, "exchanges in flight in the rr case")
	fs.IntVar(&o.reqSize, "reqsize", 100, "request size in the rr, hs and idle cases")
	fs.IntVar(&o.respSize, "respsize", 1024, "response size in the rr, hs and idle cases")
	fs.IntVar(&o.conns, "conns", 1000, "connections in the hs cases")
	fs.IntVar(&o.parallel, "parallel", 64, "connections in progress at once in hs-par and idle")
	fs.IntVar(&o.idle, "idle", 1000, "connections held open in the idle case")
	fs.IntVar(&o.runs, "runs", 1, "repetitions of each case; the median is reported")
	fs.BoolVar(&o.short, "short", false, "small sizes for a check under a minute (64 MiB, 1000 exchanges, 200 connections)")
	fs.BoolVar(&o.jsonOut, "json", false, "print JSON (every run and the medians) instead of the table")
	fs.StringVar(&o.jsonFile, "jsonfile", "", "also write the JSON into this file (with the table on stdout)")
	fs.StringVar(&o.profileDir, "profile", "", "write CPU and allocation profiles of every subprocess into this directory")
	fs.BoolVar(&o.noGSO, "nogso", false, "switch GSO off in both stacks")
	fs.Int64Var(&o.maxStreams, "maxstreams", 0, "concurrent incoming streams a peer may open, both stacks (0: their default, 100)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "limit for one run of one case")
	fs.StringVar(&o.role, "role", "", "internal: run as the server or client subprocess")
	fs.StringVar(&o.stack, "stack", "", "internal: the subprocess's stack")
	fs.StringVar(&o.caseName, "case", "", "internal: the subprocess's case")
	fs.StringVar(&o.addr, "addr", "", "internal: the server address for the client")
	fs.StringVar(&o.cert, "cert", "", "internal: the server certificate (base64 DER) for the client")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "internal: the subprocess's CPU profile file")
	fs.StringVar(&o.memProfile, "memprofile", "", "internal: the subprocess's allocation profile file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// scripts/bench.sh runs us from interop/bench (go run -C): resolve the
	// output paths against the directory it was started in.
	if dir := os.Getenv("BENCH_CWD"); dir != "" {
		for _, p := range []*string{&o.profileDir, &o.jsonFile} {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
	}
	if o.short {
		o.sizeFlag, o.requests, o.conns, o.idle = "64m", 1000, 200, 200
	}
	size, err := parseSize(o.sizeFlag)
	if err != nil {
		return nil, err
	}
	o.size = size
	if o.runs < 1 || o.inflight < 1 || o.parallel < 1 || o.requests < 1 || o.conns < 1 || o.idle < 1 {
		return nil, fmt.Errorf("-runs, -inflight, -parallel, -requests, -conns and -idle must be positive")
	}
	if o.reqSize > maxRequest || o.respSize < 0 {
		return nil, fmt.Errorf("-reqsize must be at most %d and -respsize not negative", maxRequest)
	}
	return o, nil
}

func main() {
	log.SetFlags(0)
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		os.Exit(2)
	}
	if o.role == "" {
		log.SetPrefix("bench: ")
		if err := orchestrate(o); err != nil {
			log.Fatal(err)
		}
		return
	}
	log.SetPrefix(o.stack + " " + o.role + ": ")
	if err := runRole(o); err != nil {
		log.Fatal(err)
	}
}

// runRole runs a subprocess, profiled if asked.
func runRole(o *options) error {
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var err error
	switch o.role {
	case "server":
		err = runServer(o)
	case "client":
		err = runClient(o)
	default:
		err = fmt.Errorf("unknown -role %q", o.role)
	}
	if err == nil && o.memProfile != "" {
		err = writeAllocProfile(o.memProfile)
	}
	return err
}

func writeAllocProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

// printResult writes a subprocess's RESULT line for the parent.
func printResult(r *sideResult) {
	b, err := json.Marshal(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("RESULT %s\n", b)
}
