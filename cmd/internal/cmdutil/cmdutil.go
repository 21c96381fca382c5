// Package cmdutil holds what cmd/client and cmd/server share: exit codes,
// running a urfave/cli app to an exit code, and parsing QUIC versions and
// congestion controllers from flags.
package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/quicr/quicr/quic"
	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUnsupported = 127 // the interop runner's "test case not supported"
)

// Run runs app on args and returns the exit code; errors are printed to
// stderr prefixed with name.
func Run(app *cli.App, name string, args []string, stderr io.Writer) int {
	err := app.Run(args)
	if err == nil {
		return ExitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := ec.Error(); msg != "" {
			fmt.Fprintln(stderr, name+":", msg)
		}
		return ec.ExitCode()
	}
	fmt.Fprintln(stderr, name+":", err)
	return ExitError
}

// ParseVersions reads a comma-separated list of QUIC versions: "1" or
// "v1", "2" or "v2", or a number such as 0x6b3343cf.
func ParseVersions(s string) ([]quic.Version, error) {
	var vs []quic.Version
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "":
			continue
		case "1", "v1":
			vs = append(vs, quic.Version1)
		case "2", "v2":
			vs = append(vs, quic.Version2)
		default:
			n, err := strconv.ParseUint(f, 0, 32)
			if err != nil || n == 0 {
				return nil, fmt.Errorf("bad QUIC version %q (want 1, 2, v1, v2 or a number like 0x6b3343cf)", f)
			}
			vs = append(vs, quic.Version(n))
		}
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("no QUIC version in %q", s)
	}
	return vs, nil
}

// ParseCC reads a congestion controller's name.
func ParseCC(s string) (quic.CongestionControl, error) {
	switch strings.ToLower(s) {
	case "cubic":
		return quic.Cubic, nil
	case "newreno", "reno":
		return quic.NewReno, nil
	}
	return 0, fmt.Errorf("unknown congestion controller %q (want cubic or newreno)", s)
}
