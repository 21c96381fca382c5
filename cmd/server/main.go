// Command server serves a directory over HTTP/0.9 on QUIC (ALPN
// "hq-interop"), as the QUIC interop runner's endpoints do.
//
// Run bare, it serves the current directory on UDP port 4433 with a fresh
// self-signed certificate. With ROLE=server and TESTCASE set in the
// environment it is a QUIC interop runner endpoint: UDP 443 on IPv4 and
// IPv6, /www, /certs/cert.pem and /certs/priv.key, and the behaviour the
// test case asks for; an unsupported TESTCASE exits with 127.
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
			fmt.Fprintln(stderr, "server:", msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, "server:", err)
	return exitError
}
