// Command client fetches files over HTTP/0.9 on QUIC (ALPN "hq-interop"),
// as the QUIC interop runner's endpoints do: client [flags] URL...
//
// With ROLE=client and TESTCASE set in the environment it is a QUIC
// interop runner endpoint: the URLs come from REQUESTS, the files go to
// /downloads, certificates are not verified, and the connections follow
// the test case's pattern; an unsupported TESTCASE exits with 127.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1
	exitUnsupported = 127 // the interop runner's "test case not supported"
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := ec.Error(); msg != "" {
			fmt.Fprintln(stderr, "client:", msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "client:", err)
	return exitError
}
