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
	return cmdutil.Run(newApp(stdout, stderr), "server", args, stderr)
}
