//go:build linux

package runner

import (
	"strconv"
	"time"
)

// p2p is the runner's default scenario: 15 ms each way, 10 Mbit/s, a
// 25-packet queue (interop-runner.md, 2).
const p2p = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25"

// Files describes a set of files to serve: Count files of Size bytes,
// named by random slugs, or by NameLen random lowercase letters.
type Files struct {
	Count   int
	Size    int
	NameLen int
}

// Topology is where a case runs (see the package documentation).
type Topology int

// Topologies.
const (
	// Loopback runs both endpoints in the runner's network namespace with
	// the netem relay between them on loopback (topology B).
	Loopback Topology = iota
	// Namespaces runs them in network namespaces routed through a
	// middle namespace at the runner's addresses (topology A).
	Namespaces
)

func (t Topology) String() string {
	if t == Namespaces {
		return "netns"
	}
	return "loopback"
}

// TestCase is one of the interop runner's test cases or measurements.
type TestCase struct {
	Name   string // the runner's name
	Abbr   string // the matrix abbreviation
	Client string // TESTCASE the client sees
	Server string // TESTCASE the server sees
	Files  []Files
	// Scenario is the network simulator's SCENARIO string.
	Scenario string
	Timeout  time.Duration
	// Host is the URL host the client is given.
	Host string
	// ChainLen is the certificate chain length (1 unless stated).
	ChainLen int
	// NeedsKeyLog marks cases that are unsupported without a key log.
	NeedsKeyLog bool
	// Topology is the topology the case needs.
	Topology Topology
	// Runs is the number of runs of a measurement; 0 for a test case.
	Runs int
	// Check judges a run whose client exited with 0.
	Check func(r *run) error
}

// Measurement reports whether the case is a measurement (goodput,
// crosstraffic), whose result is a rate.
func (tc *TestCase) Measurement() bool { return tc.Runs > 0 }

const (
	kib = 1024
	mib = 1024 * 1024
)

// TestCases returns every runner test case and measurement in the
// runner's order (interop-runner.md, 2).
func TestCases() []*TestCase {
	std := func(name, abbr, testcase string, files []Files, check func(*run) error) *TestCase {
		return &TestCase{Name: name, Abbr: abbr, Client: testcase, Server: testcase, Files: files,
			Scenario: p2p, Timeout: 60 * time.Second, Host: "server4", ChainLen: 1, Check: check}
	}
	basic := checks(checkHandshakes(1), checkV1, checkFiles)
	cases := []*TestCase{
		std("handshake", "H", "handshake", []Files{{1, 1 * kib, 0}}, checks(checkV1, checkFiles, checkNoRetry, checkHandshakes(1))),
		std("transfer", "DC", "transfer", []Files{{1, 2 * mib, 0}, {1, 3 * mib, 0}, {1, 5 * mib, 0}}, basic),
		func() *TestCase {
			tc := std("longrtt", "LR", "handshake", []Files{{1, 1 * kib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkClientHelloRepeated))
			tc.Scenario = "simple-p2p --delay=750ms --bandwidth=10Mbps --queue=25"
			return tc
		}(),
		std("chacha20", "C20", "chacha20", []Files{{1, 3 * mib, 0}}, checks(checkHandshakes(1), checkChaCha20Only, checkV1, checkFiles)),
		keyLog(std("multiplexing", "M", "transfer", []Files{{1999, 32, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkStreamLimit))),
		std("retry", "S", "retry", []Files{{1, 10 * kib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkRetry)),
		keyLog(std("resumption", "R", "resumption", []Files{{1, 5 * kib, 0}, {1, 10 * kib, 0}}, checks(checkHandshakes(2), checkResumption, checkV1, checkFiles))),
		std("zerortt", "Z", "zerortt", []Files{{40, 32, 250}}, checks(checkHandshakes(2), checkV1, checkFiles, checkZeroRTT)),
		std("http3", "3", "http3", []Files{{1, 5 * kib, 0}, {1, 10 * kib, 0}, {1, 500 * kib, 0}}, basic),
		func() *TestCase {
			tc := std("blackhole", "B", "transfer", []Files{{1, 10 * mib, 0}}, basic)
			tc.Scenario = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s"
			return tc
		}(),
		func() *TestCase {
			tc := keyLog(std("keyupdate", "U", "keyupdate", []Files{{1, 3 * mib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkKeyUpdate)))
			tc.Server = "transfer"
			return tc
		}(),
		keyLog(std("ecn", "E", "ecn", []Files{{1, 100 * kib, 0}}, checks(checkV1, checkFiles, checkNoRetry, checkHandshakes(1), checkECN))),
		func() *TestCase {
			tc := keyLog(std("amplificationlimit", "A", "transfer", []Files{{1, 5 * kib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkAmplification)))
			tc.Scenario = "droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_server=2,3,4,5,6,7"
			tc.ChainLen = 9
			return tc
		}(),
		lossy(std("handshakeloss", "L1", "multiconnect", []Files{{50, 1 * kib, 0}}, checks(checkHandshakes(50), checkV1, checkFiles)), "drop-rate", 30, 300*time.Second),
		lossy(std("transferloss", "L2", "transfer", []Files{{1, 2 * mib, 0}}, basic), "drop-rate", 2, 60*time.Second),
		lossy(std("handshakecorruption", "C1", "multiconnect", []Files{{50, 1 * kib, 0}}, checks(checkHandshakes(50), checkV1, checkFiles)), "corrupt-rate", 30, 300*time.Second),
		lossy(std("transfercorruption", "C2", "transfer", []Files{{1, 2 * mib, 0}}, basic), "corrupt-rate", 2, 60*time.Second),
		func() *TestCase {
			tc := std("ipv6", "6", "transfer", []Files{{1, 5 * kib, 0}, {1, 10 * kib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkIPv6Only))
			tc.Host = "server6"
			tc.Topology = Namespaces
			return tc
		}(),
		std("v2", "V2", "v2", []Files{{1, 1 * kib, 0}}, checks(checkV2, checkFiles)),
		func() *TestCase {
			tc := keyLog(std("rebind-port", "BP", "transfer", []Files{{1, 10 * mib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkPaths(false))))
			tc.Scenario = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s"
			return tc
		}(),
		func() *TestCase {
			tc := keyLog(std("rebind-addr", "BA", "transfer", []Files{{1, 10 * mib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkPaths(true))))
			tc.Scenario = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s --rebind-addr"
			return tc
		}(),
		func() *TestCase {
			tc := keyLog(std("connectionmigration", "CM", "transfer", []Files{{1, 2 * mib, 0}}, checks(checkHandshakes(1), checkV1, checkFiles, checkPaths(false), checkClientMigrated)))
			tc.Server = "connectionmigration"
			tc.Host = "server46"
			tc.Topology = Namespaces
			return tc
		}(),
		func() *TestCase {
			tc := std("goodput", "G", "transfer", []Files{{1, 10 * mib, 0}}, basic)
			tc.Runs = 5
			return tc
		}(),
		func() *TestCase {
			tc := std("crosstraffic", "C", "transfer", []Files{{1, 25 * mib, 0}}, basic)
			tc.Runs, tc.Timeout, tc.Topology = 5, 180*time.Second, Namespaces
			return tc
		}(),
	}
	return cases
}

func keyLog(tc *TestCase) *TestCase {
	tc.NeedsKeyLog = true
	return tc
}

// lossy sets a drop-rate or corrupt-rate scenario with a burst cap of 3.
func lossy(tc *TestCase, scenario string, rate int, timeout time.Duration) *TestCase {
	tc.Scenario = scenario + " --delay=15ms --bandwidth=10Mbps --queue=25" +
		" --rate_to_client=" + strconv.Itoa(rate) + " --rate_to_server=" + strconv.Itoa(rate) + " --burst_to_client=3 --burst_to_server=3"
	tc.Timeout = timeout
	return tc
}

// TestCaseByName finds a case by its runner name or abbreviation.
func TestCaseByName(name string) *TestCase {
	for _, tc := range TestCases() {
		if tc.Name == name || tc.Abbr == name {
			return tc
		}
	}
	return nil
}
