// Command client fetches files over HTTP/0.9 on QUIC (ALPN "hq-interop"),
// as the QUIC interop runner's endpoints do: client [flags] URL...
//
// With ROLE=client and TESTCASE set in the environment it is a QUIC
// interop runner endpoint: the URLs come from REQUESTS, the files go to
// /downloads, certificates are not verified, and the connections follow
// the test case's pattern; an unsupported TESTCASE exits with 127.
package main

import (
	"io"
	"os"

	"github.com/quicr/quicr/cmd/internal/cmdutil"
)

// Exit codes.
const (
	exitOK          = cmdutil.ExitOK
	exitError       = cmdutil.ExitError
	exitUnsupported = cmdutil.ExitUnsupported
)

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return cmdutil.Run(newApp(stdout, stderr), "client", args, stderr)
}
