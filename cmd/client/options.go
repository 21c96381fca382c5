package main

import (
	"errors"
	"fmt"
	"github.com/quicr/quicr/cmd/internal/cmdutil"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic"
)

// options is what the client runs with, from the flags and, in runner
// mode, the environment.
type options struct {
	targets         []target
	out             string
	insecure        bool
	caFile          string
	alpn            string
	qlogDir, keylog string
	conf            quic.Config
	mode            fetchMode
	chacha20        bool
	keyUpdate       bool // initiate a key update once data flows
	timeout         time.Duration
	quiet, verbose  bool
	testcase        string // set in runner mode
}

// newOptions reads the flags. In runner mode (ROLE=client, TESTCASE set)
// the runner's settings replace the defaults of the flags that were not
// given; an unsupported TESTCASE returns ok false.
func newOptions(c *cli.Context) (o *options, ok bool, err error) {
	o = &options{
		out:       c.String("out"),
		insecure:  c.Bool("insecure"),
		caFile:    c.String("ca"),
		alpn:      c.String("alpn"),
		qlogDir:   c.String("qlog-dir"),
		keylog:    c.String("keylog"),
		chacha20:  c.Bool("chacha20"),
		keyUpdate: c.Bool("key-update"),
		timeout:   c.Duration("timeout"),
		quiet:     c.Bool("quiet"),
		verbose:   c.Bool("verbose"),
	}
	urls := c.Args().Slice()
	if os.Getenv("ROLE") == "client" && os.Getenv("TESTCASE") != "" {
		o.testcase = os.Getenv("TESTCASE")
		if !runnerTestcase(o.testcase, o) {
			return o, false, nil
		}
		if !c.IsSet("out") {
			o.out = runnerOut
		}
		if !c.IsSet("insecure") {
			o.insecure = true
		}
		if len(urls) == 0 {
			// Up to ~100 KB for multiplexing: split it, don't copy it.
			urls = strings.Fields(os.Getenv("REQUESTS"))
		}
	}
	if len(urls) == 0 {
		return nil, false, errors.New("no URL given (see --help)")
	}
	if o.targets, err = parseTargets(urls); err != nil {
		return nil, false, err
	}
	if c.IsSet("versions") || o.conf.Versions == nil {
		if o.conf.Versions, err = cmdutil.ParseVersions(c.String("versions")); err != nil {
			return nil, false, fmt.Errorf("--versions: %w", err)
		}
	}
	if o.conf.CongestionControl, err = cmdutil.ParseCC(c.String("cc")); err != nil {
		return nil, false, fmt.Errorf("--cc: %w", err)
	}
	if c.IsSet("handshake-timeout") {
		o.conf.HandshakeTimeout = c.Duration("handshake-timeout")
	}
	if c.IsSet("key-update-interval") {
		o.conf.KeyUpdateInterval = c.Uint64("key-update-interval")
	}
	if c.IsSet("0rtt") {
		o.conf.Allow0RTT = c.Bool("0rtt")
	}
	if o.qlogDir != "" {
		o.conf.Tracer = qlog.DirTracer(o.qlogDir)
	}
	set := 0
	for _, f := range []struct {
		name string
		mode fetchMode
	}{{"parallel", modeParallel}, {"sequential", modeSequential}, {"resume", modeResume}} {
		if c.Bool(f.name) {
			o.mode = f.mode
			set++
		}
	}
	if set > 1 {
		return nil, false, errors.New("--parallel, --sequential and --resume exclude each other")
	}
	if o.conf.Allow0RTT && o.mode != modeResume {
		if set > 0 {
			return nil, false, errors.New("--0rtt needs the --resume pattern")
		}
		o.mode = modeResume
	}
	if o.mode == modeResume && len(o.targets) < 2 {
		return nil, false, errors.New("--resume and --0rtt need at least two URLs")
	}
	if o.alpn == "" {
		return nil, false, errors.New("--alpn: no application protocol given")
	}
	return o, true, nil
}
