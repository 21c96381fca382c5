//go:build linux

// Command runner runs interop runner test cases between QUIC endpoints on
// this machine, without Docker, and prints the runner's result matrix.
//
//	go run ./interop/cmd/runner -client quic-go -server quic-go -tests handshake,transfer
//
// -client and -server take comma-separated endpoint names: "quicr" (this
// module's cmd/client and cmd/server), "quic-go" (built by
// scripts/peers.sh) or the path of any command that follows the
// endpoint contract. It needs root. The exit status is 1 if a supported
// case failed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/quicr/quicr/interop/runner"
)

func main() {
	clientFlag := flag.String("client", "quicr", "client endpoints, comma-separated: quicr, quic-go or a path")
	serverFlag := flag.String("server", "quicr", "server endpoints, comma-separated: quicr, quic-go or a path")
	testsFlag := flag.String("tests", "", "comma-separated test cases (names or abbreviations); default all")
	logDir := flag.String("logs", "", "keep each run's key log, qlog, traces and output under this directory")
	jsonOut := flag.String("json", "", "write the results as JSON to this file")
	seed := flag.Uint64("seed", 0, "seed for file names, contents and the relay (0: from the clock)")
	loopback := flag.Bool("loopback", false, "run every case on loopback, even those that prefer network namespaces")
	quiet := flag.Bool("q", false, "print only the matrix")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	// A closed output pipe must not kill the runner before it has
	// stopped its endpoints and removed its namespaces.
	signal.Ignore(syscall.SIGPIPE)

	cases, err := selectCases(*testsFlag)
	if err != nil {
		log.Fatal(err)
	}
	clients, err := resolve(*clientFlag)
	if err != nil {
		log.Fatal(err)
	}
	servers, err := resolve(*serverFlag)
	if err != nil {
		log.Fatal(err)
	}
	if len(clients) == 0 || len(servers) == 0 {
		log.Print("no client/server pair to run")
		return
	}
	opts := runner.Options{LogDir: *logDir, Seed: *seed, Loopback: *loopback, Logf: log.Printf}
	if *quiet {
		opts.Logf = nil
	}
	r, err := runner.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	results := r.Matrix(ctx, clients, servers, cases)
	runner.PrintMatrix(os.Stdout, results)
	if *jsonOut != "" {
		if err := runner.WriteJSON(*jsonOut, results); err != nil {
			log.Print(err)
		}
	}
	for _, res := range results {
		if res.Status == runner.Failed {
			r.Close()
			os.Exit(1)
		}
	}
}

func selectCases(list string) ([]*runner.TestCase, error) {
	if list == "" {
		return runner.TestCases(), nil
	}
	var cases []*runner.TestCase
	for _, name := range strings.Split(list, ",") {
		tc := runner.TestCaseByName(strings.TrimSpace(name))
		if tc == nil {
			return nil, fmt.Errorf("unknown test case %q", name)
		}
		cases = append(cases, tc)
	}
	return cases, nil
}

// resolve builds the named endpoints; a built-in whose sources are not
// in the tree yet is skipped with a message.
func resolve(list string) ([]runner.Endpoint, error) {
	var eps []runner.Endpoint
	for _, name := range strings.Split(list, ",") {
		ep, err := runner.ResolveEndpoint(strings.TrimSpace(name))
		if errors.Is(err, runner.ErrNotBuilt) {
			log.Printf("skipping %s: %v", name, err)
			continue
		}
		if err != nil {
			return nil, err
		}
		eps = append(eps, ep)
	}
	return eps, nil
}
