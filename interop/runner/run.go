//go:build linux

package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quicr/quicr/interop/netem"
	"github.com/quicr/quicr/quic/quicdump"
)

// run is one execution of a case, and what the checks read.
type run struct {
	tc        *TestCase
	dir       string
	www       string
	downloads string
	files     []string // served names, in request order
	topology  Topology
	// clientSide and serverSide are the datagrams captured next to each
	// endpoint (the runner's trace_node_left and trace_node_right);
	// client and server are their decodings.
	clientSide, serverSide []quicdump.Datagram
	client, server         *quicdump.Dump
	logf                   func(format string, args ...any)
}

// errUnsupported marks a run that ended as UNSUPPORTED.
type errUnsupported struct{ reason string }

func (e errUnsupported) Error() string { return e.reason }

// Run runs one case (every run of a measurement) for a pair.
func (r *Runner) Run(ctx context.Context, client, server Endpoint, tc *TestCase) Result {
	res := Result{Test: tc.Name, Abbr: tc.Abbr, Client: client.Name, Server: server.Name}
	for _, ep := range []struct {
		e    Endpoint
		role string
	}{{client, "client"}, {server, "server"}} {
		if err := r.compliance(ctx, ep.e, ep.role); err != nil {
			res.Status, res.Reason = Unsupported, err.Error()
			return res
		}
	}
	runs := max(tc.Runs, 1)
	for i := range runs {
		dir, err := r.runDir(client, server, tc, i, runs)
		if err != nil {
			res.Status, res.Reason = Failed, err.Error()
			return res
		}
		if r.opts.LogDir != "" {
			res.LogDir = filepath.Dir(dir)
			if runs == 1 {
				res.LogDir = dir
			}
		}
		rn, d, err := r.runOnce(ctx, client, server, tc, dir, uint64(i))
		res.Duration += d
		if err == nil && tc.Measurement() {
			var kbps float64
			if kbps, err = goodput(rn); err == nil {
				res.Kbps = append(res.Kbps, kbps)
			}
		}
		if r.opts.LogDir == "" {
			os.RemoveAll(dir)
		} else {
			os.RemoveAll(filepath.Join(dir, "www"))
		}
		var unsup errUnsupported
		switch {
		case errors.As(err, &unsup):
			res.Status, res.Reason = Unsupported, err.Error()
			return res
		case err != nil:
			res.Status, res.Reason = Failed, err.Error()
			return res
		}
	}
	if tc.Measurement() {
		res.Mean, res.Stdev = meanStdev(res.Kbps)
	}
	return res
}

// runDir makes the directory of one run.
func (r *Runner) runDir(client, server Endpoint, tc *TestCase, i, runs int) (string, error) {
	if r.opts.LogDir == "" {
		return os.MkdirTemp("", "quicr-interop-")
	}
	dir := filepath.Join(r.opts.LogDir, server.Name+"_"+client.Name, tc.Name)
	if runs > 1 {
		dir = filepath.Join(dir, fmt.Sprint(i+1))
	}
	os.RemoveAll(dir)
	return dir, os.MkdirAll(dir, 0o755)
}

// runOnce runs one execution of a case in dir and checks it. The
// duration is the client's run time.
func (r *Runner) runOnce(ctx context.Context, client, server Endpoint, tc *TestCase, dir string, runIdx uint64) (*run, time.Duration, error) {
	id := r.nextID()
	rng := rand.New(rand.NewPCG(r.opts.Seed, uint64(id)))
	rn := &run{tc: tc, dir: dir, www: filepath.Join(dir, "www"), downloads: filepath.Join(dir, "downloads"), logf: r.opts.Logf}
	if err := mkdirs(dir, "www", "downloads", "certs", "client/qlog", "server/qlog", "server-downloads", "sim"); err != nil {
		return rn, 0, err
	}
	var err error
	if rn.files, err = generateFiles(rn.www, tc.Files, rng); err != nil {
		return rn, 0, err
	}
	if err := generateCerts(filepath.Join(dir, "certs"), tc.ChainLen); err != nil {
		return rn, 0, err
	}
	sc, err := netem.ParseScenario(tc.Scenario)
	if err != nil {
		return rn, 0, err
	}
	rn.topology = tc.Topology
	if rn.topology == Namespaces && (r.opts.Loopback || r.nsErr != nil) {
		if tc.Name == "connectionmigration" {
			return rn, 0, errUnsupported{"harness: connectionmigration needs network namespaces"}
		}
		if tc.Name == "crosstraffic" {
			return rn, 0, errUnsupported{errNoCrossTraffic.Error()}
		}
		rn.topology = Loopback
	}
	nw, err := r.setupNet(id, rn.topology, sc, tc)
	if err != nil {
		return rn, 0, err
	}
	defer nw.close()

	// The server, and the runner's readiness probe (Version Negotiation
	// within 10 s, interop-runner.md, 1).
	srvOut, err := os.Create(filepath.Join(dir, "server", "output.txt"))
	if err != nil {
		return rn, 0, err
	}
	defer srvOut.Close()
	srv := &sandbox{
		argv: []string{server.Server},
		env:  endpointEnv("server", tc.Server, ""),
		www:  rn.www, dls: filepath.Join(dir, "server-downloads"), certs: filepath.Join(dir, "certs"),
		logs: filepath.Join(dir, "server"), hosts: filepath.Join(dir, "hosts-server"),
		netns: nw.serverNetns, output: srvOut,
	}
	if err := writeHosts(srv.hosts, nw.serverHosts); err != nil {
		return rn, 0, err
	}
	sp, err := srv.start()
	if err != nil {
		return rn, 0, fmt.Errorf("server: %w", err)
	}
	defer sp.stop(2 * time.Second)
	if err := waitReady(ctx, nw.probeNetns, nw.probeAddr, sp); err != nil {
		if code, ok := sp.exited(); ok && code == 127 {
			return rn, 0, errUnsupported{"server answered 127"}
		}
		return rn, 0, fmt.Errorf("server not ready: %w", err)
	}

	// The network: capture points, then the relay.
	if err := nw.start(ctx, sc, r.opts.Seed+runIdx, r.opts.Logf); err != nil {
		return rn, 0, err
	}
	if tc.Name == "crosstraffic" {
		if nw.ns == nil {
			return rn, 0, errUnsupported{errNoCrossTraffic.Error()}
		}
		ct, err := startCrossTraffic(nw.ns)
		if err != nil {
			return rn, 0, fmt.Errorf("cross traffic: %w", err)
		}
		defer func() { r.opts.Logf("cross traffic sent %d bytes", ct.stop()) }()
	}

	cliOut, err := os.Create(filepath.Join(dir, "client", "output.txt"))
	if err != nil {
		return rn, 0, err
	}
	defer cliOut.Close()
	urls := make([]string, len(rn.files))
	for i, f := range rn.files {
		urls[i] = fmt.Sprintf("https://%s/%s", nw.urlHost(tc.Host), f)
	}
	cli := &sandbox{
		argv: []string{client.Client},
		env:  endpointEnv("client", tc.Client, strings.Join(urls, " ")),
		www:  rn.www, dls: rn.downloads, certs: filepath.Join(dir, "certs"),
		logs: filepath.Join(dir, "client"), hosts: filepath.Join(dir, "hosts-client"),
		netns: nw.clientNetns, output: cliOut,
	}
	if client.URLArgs {
		cli.argv = append(cli.argv, urls...)
	}
	if err := writeHosts(cli.hosts, nw.clientHosts); err != nil {
		return rn, 0, err
	}
	cp, err := cli.start()
	if err != nil {
		return rn, 0, fmt.Errorf("client: %w", err)
	}
	tctx, cancel := context.WithTimeout(ctx, tc.Timeout)
	code, exited := cp.wait(tctx)
	cancel()
	took := time.Since(cli.started)
	cp.stop(2 * time.Second)
	// Let datagrams in flight reach the capture, as compose's shutdown does.
	time.Sleep(20 * time.Millisecond)
	sp.stop(2 * time.Second)
	rn.clientSide, rn.serverSide = nw.stop()
	r.opts.Logf("%s: %s", tc.Name, nw.stats())
	if r.opts.LogDir != "" {
		// The runner's names for the simulator's two capture points.
		writePcap(filepath.Join(dir, "sim", "trace_node_left.pcap"), rn.clientSide)
		writePcap(filepath.Join(dir, "sim", "trace_node_right.pcap"), rn.serverSide)
	}

	keys, haveKeys := readKeyLog(filepath.Join(dir, "client", "keys.log"), filepath.Join(dir, "server", "keys.log"))
	rn.client = quicdump.Decode(rn.clientSide, keys)
	rn.server = quicdump.Decode(rn.serverSide, keys)
	if r.opts.LogDir != "" {
		// Decoded traces are kept for failed runs too: they are what a
		// failure is debugged from.
		writeTrace(filepath.Join(dir, "sim", "trace_node_left.txt"), rn.client)
		writeTrace(filepath.Join(dir, "sim", "trace_node_right.txt"), rn.server)
	}
	switch {
	case !exited && ctx.Err() != nil:
		return rn, took, fmt.Errorf("interrupted: %w", ctx.Err())
	case !exited:
		return rn, took, fmt.Errorf("timeout after %v", tc.Timeout)
	case code == 127:
		return rn, took, errUnsupported{"client answered 127"}
	case code != 0:
		return rn, took, fmt.Errorf("client exited with %d", code)
	}
	if tc.NeedsKeyLog && !haveKeys {
		return rn, took, errUnsupported{"no usable key log"}
	}
	if err := tc.Check(rn); err != nil {
		return rn, took, err
	}
	return rn, took, nil
}

// endpointEnv is the environment of an endpoint (interop-runner.md, 1).
func endpointEnv(role, testcase, requests string) []string {
	return []string{
		"ROLE=" + role, "TESTCASE=" + testcase, "REQUESTS=" + requests,
		"SSLKEYLOGFILE=/logs/keys.log", "QLOGDIR=/logs/qlog/",
		"CLIENT_PARAMS=", "SERVER_PARAMS=", "CRON=", "PROTOCOLS=",
	}
}

// readKeyLog reads the first usable key log: non-empty with a
// SERVER_HANDSHAKE_TRAFFIC_SECRET line, as the runner requires.
func readKeyLog(paths ...string) (quicdump.KeyLog, bool) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(quicdump.LabelServerHandshake)) {
			continue
		}
		kl, err := quicdump.ParseKeyLog(bytes.NewReader(b))
		if err == nil {
			return kl, true
		}
	}
	return nil, false
}

// goodput computes a measurement's rate as the runner does: the bits
// served over the time between the first and the last server 1-RTT packet
// in the client-side trace, in kbit/s.
func goodput(rn *run) (float64, error) {
	var first, last time.Time
	for _, p := range rn.client.Packets {
		if p.ToServer || p.Type != quicdump.Packet1RTT {
			continue
		}
		if first.IsZero() {
			first = p.Time
		}
		last = p.Time
	}
	ms := float64(last.Sub(first).Microseconds()) / 1000
	if first.IsZero() || ms <= 0 {
		return 0, errors.New("no server 1-RTT packets to time")
	}
	size := 0
	for _, f := range rn.tc.Files {
		size += f.Count * f.Size
	}
	return 8 * float64(size) / ms, nil
}

func meanStdev(xs []float64) (mean, stdev float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) > 1 {
		for _, x := range xs {
			stdev += (x - mean) * (x - mean)
		}
		stdev = math.Sqrt(stdev / float64(len(xs)-1))
	}
	return mean, stdev
}

// waitReady sends the runner's probe, a long-header packet of version
// "WAIT", until the server answers with Version Negotiation.
func waitReady(ctx context.Context, netns string, addr netip.AddrPort, sp *process) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := dialUDP(netns, addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	probe := make([]byte, 1207)
	probe[0] = 0xc0
	copy(probe[1:], "WAIT")
	buf := make([]byte, 1500)
	for {
		if code, ok := sp.exited(); ok {
			return fmt.Errorf("server exited with %d", code)
		}
		if _, err := conn.Write(probe); err != nil && ctx.Err() == nil {
			// ICMP port unreachable until the server listens.
			time.Sleep(50 * time.Millisecond)
		}
		conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := conn.Read(buf)
		if err == nil && n >= 5 && bytes.Equal(buf[1:5], []byte{0, 0, 0, 0}) {
			return nil
		}
		if ctx.Err() != nil {
			return errors.New("no Version Negotiation within 10 s")
		}
	}
}

// writeTrace writes a one-line-per-packet listing of a decoded trace.
func writeTrace(path string, d *quicdump.Dump) {
	var b bytes.Buffer
	var t0 time.Time
	if len(d.Packets) > 0 {
		t0 = d.Packets[0].Time
	}
	for _, p := range d.Packets {
		dir := "S->C"
		if p.ToServer {
			dir = "C->S"
		}
		fmt.Fprintf(&b, "%10.6f %s %v -> %v ecn=%d %v v=%v dcid=%v scid=%v pn=%d kp=%v size=%d", p.Time.Sub(t0).Seconds(), dir, p.Src, p.Dst, p.ECN, p.Type, p.Version, p.DCID, p.SCID, p.PN, p.KeyPhase, p.Size)
		if len(p.Token) > 0 {
			fmt.Fprintf(&b, " token=%x", p.Token)
		}
		if len(p.Messages) > 0 {
			fmt.Fprintf(&b, " tls=%v", p.Messages)
		}
		for _, f := range p.Frames {
			if _, ok := f.(*quicdump.PaddingFrame); !ok {
				fmt.Fprintf(&b, " [%v]", f)
			}
		}
		if p.Err != nil {
			fmt.Fprintf(&b, " err=%v", p.Err)
		}
		b.WriteByte('\n')
	}
	os.WriteFile(path, b.Bytes(), 0o644)
}
