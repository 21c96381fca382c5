package main

import (
	"fmt"
	"github.com/quicr/quicr/cmd/internal/cmdutil"
	"net"
	"net/netip"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/quic"
)

// options is what the server runs with, from the flags and, in runner
// mode, the environment.
type options struct {
	listen, www       string
	certFile, keyFile string
	alpn              []string
	qlogDir, keylog   string
	conf              quic.Config
	preferredHosts    []string // host:port for preferred_address
	quiet, verbose    bool
	testcase          string // set in runner mode
}

// newOptions reads the flags. In runner mode (ROLE=server, TESTCASE set)
// the runner's paths and the test case's settings replace the defaults of
// the flags that were not given; an unsupported TESTCASE returns ok false.
func newOptions(c *cli.Context) (o *options, ok bool, err error) {
	o = &options{
		listen:   c.String("listen"),
		www:      c.String("www"),
		certFile: c.String("cert"),
		keyFile:  c.String("key"),
		qlogDir:  c.String("qlog-dir"),
		keylog:   c.String("keylog"),
		quiet:    c.Bool("quiet"),
		verbose:  c.Bool("verbose"),
	}
	for a := range strings.SplitSeq(c.String("alpn"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			o.alpn = append(o.alpn, a)
		}
	}
	if len(o.alpn) == 0 {
		return nil, false, fmt.Errorf("--alpn: no application protocol given")
	}
	if os.Getenv("ROLE") == "server" && os.Getenv("TESTCASE") != "" {
		o.testcase = os.Getenv("TESTCASE")
		if !runnerTestcase(o.testcase, o) {
			return o, false, nil
		}
		setDefault(c, "listen", &o.listen, runnerListen)
		setDefault(c, "www", &o.www, runnerWWW)
		setDefault(c, "cert", &o.certFile, runnerCert)
		setDefault(c, "key", &o.keyFile, runnerKey)
	}
	if c.IsSet("versions") || o.conf.Versions == nil {
		if o.conf.Versions, err = cmdutil.ParseVersions(c.String("versions")); err != nil {
			return nil, false, fmt.Errorf("--versions: %w", err)
		}
	}
	if c.IsSet("retry") {
		o.conf.RequireAddressValidation = c.Bool("retry")
	}
	if o.conf.CongestionControl, err = cmdutil.ParseCC(c.String("cc")); err != nil {
		return nil, false, fmt.Errorf("--cc: %w", err)
	}
	if c.IsSet("handshake-timeout") {
		o.conf.HandshakeTimeout = c.Duration("handshake-timeout")
	}
	o.conf.KeyUpdateInterval = c.Uint64("key-update")
	if c.IsSet("0rtt") {
		o.conf.Allow0RTT = c.Bool("0rtt")
	}
	if c.IsSet("preferred-address") {
		o.preferredHosts = c.StringSlice("preferred-address")
	}
	if err := o.resolvePreferred(); err != nil {
		return nil, false, fmt.Errorf("--preferred-address: %w", err)
	}
	if o.qlogDir != "" {
		o.conf.Tracer = qlog.DirTracer(o.qlogDir)
	}
	o.conf.MaxIncomingStreams = c.Int64("max-streams")
	if (o.certFile == "") != (o.keyFile == "") {
		return nil, false, fmt.Errorf("--cert and --key go together")
	}
	return o, true, nil
}

// setDefault sets *v to def unless the flag was given.
func setDefault(c *cli.Context, flag string, v *string, def string) {
	if !c.IsSet(flag) {
		*v = def
	}
}

// resolvePreferred resolves the preferred addresses, at most one per
// address family.
func (o *options) resolvePreferred() error {
	for _, h := range o.preferredHosts {
		ua, err := net.ResolveUDPAddr("udp", h)
		if err != nil {
			return err
		}
		ap := ua.AddrPort()
		ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		slot := &o.conf.PreferredAddressV6
		if ap.Addr().Is4() {
			slot = &o.conf.PreferredAddressV4
		}
		if slot.IsValid() {
			return fmt.Errorf("two addresses of one family (%v, %v)", *slot, ap)
		}
		*slot = ap
	}
	return nil
}
