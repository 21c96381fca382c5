// Package netem is a userspace UDP relay that reproduces the interop
// runner's ns-3 network scenarios on loopback, in real time: client ->
// relay -> server and back, each direction through the link models of
// netem/netmodel (the ones quicr's simulator uses), with ECN marks kept,
// NAT rebinding and an optional pcap of what was forwarded.
package netem

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

// Scenario is one of the runner's network simulator scenarios with its
// arguments (interop-runner.md section 3).
type Scenario struct {
	Name      string        // simple-p2p, drop-rate, corrupt-rate, droplist, blackhole, rebind
	Delay     time.Duration // one-way, each direction
	Bandwidth int64         // bits per second, each direction
	Queue     int           // packets

	// drop-rate and corrupt-rate: integer percentages and burst caps.
	RateToClient, RateToServer   int
	BurstToClient, BurstToServer int

	// droplist: 1-based indices of the datagrams to drop.
	DropsToClient, DropsToServer []int

	// blackhole: open for On, closed for Off, Repeat times; Direction is
	// both, toclient or toserver.
	On, Off   time.Duration
	Repeat    int
	Direction string

	// rebind: the first rebinding, then one every RebindFreq (0: once);
	// RebindAddr also changes the address.
	FirstRebind, RebindFreq time.Duration
	RebindAddr              bool
}

// flags each scenario accepts beyond delay, bandwidth and queue, and the
// ones it requires.
var scenarioFlags = map[string]struct{ allowed, required []string }{
	"simple-p2p":   {},
	"drop-rate":    {[]string{"rate_to_client", "rate_to_server", "burst_to_client", "burst_to_server"}, []string{"rate_to_client", "rate_to_server"}},
	"corrupt-rate": {[]string{"rate_to_client", "rate_to_server", "burst_to_client", "burst_to_server"}, []string{"rate_to_client", "rate_to_server"}},
	"droplist":     {[]string{"drops_to_client", "drops_to_server"}, nil},
	"blackhole":    {[]string{"on", "off", "repeat", "direction"}, []string{"on", "off"}},
	"rebind":       {[]string{"first-rebind", "rebind-freq", "rebind-addr"}, []string{"first-rebind"}},
}

// ParseScenario parses a runner SCENARIO string such as
// "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=30
// --rate_to_client=30 --burst_to_server=3 --burst_to_client=3".
func ParseScenario(s string) (Scenario, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return Scenario{}, fmt.Errorf("netem: empty scenario")
	}
	sc := Scenario{Name: fields[0]}
	spec, ok := scenarioFlags[sc.Name]
	if !ok {
		return Scenario{}, fmt.Errorf("netem: unsupported scenario %q", sc.Name)
	}
	seen := map[string]bool{}
	for _, f := range fields[1:] {
		key, val, hasVal := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if !strings.HasPrefix(f, "--") || key == "" {
			return Scenario{}, fmt.Errorf("netem: bad argument %q", f)
		}
		if seen[key] {
			return Scenario{}, fmt.Errorf("netem: repeated argument --%s", key)
		}
		seen[key] = true
		known := key == "delay" || key == "bandwidth" || key == "queue"
		for _, a := range spec.allowed {
			known = known || a == key
		}
		if !known {
			return Scenario{}, fmt.Errorf("netem: %s takes no --%s", sc.Name, key)
		}
		if !hasVal && key != "rebind-addr" {
			return Scenario{}, fmt.Errorf("netem: --%s needs a value", key)
		}
		if err := sc.set(key, val, hasVal); err != nil {
			return Scenario{}, fmt.Errorf("netem: --%s: %w", key, err)
		}
	}
	for _, req := range append([]string{"delay", "bandwidth", "queue"}, spec.required...) {
		if !seen[req] {
			return Scenario{}, fmt.Errorf("netem: %s needs --%s", sc.Name, req)
		}
	}
	if sc.Name == "blackhole" {
		if !seen["repeat"] {
			sc.Repeat = 1
		}
		if sc.Direction == "" {
			sc.Direction = "both"
		}
	}
	return sc, nil
}

func (sc *Scenario) set(key, val string, hasVal bool) error {
	var err error
	switch key {
	case "delay":
		sc.Delay, err = parseDuration(val)
	case "bandwidth":
		sc.Bandwidth, err = parseBandwidth(val)
	case "queue":
		sc.Queue, err = parseInt(val, 1, 1<<20)
	case "rate_to_client":
		sc.RateToClient, err = parseInt(val, 0, 100)
	case "rate_to_server":
		sc.RateToServer, err = parseInt(val, 0, 100)
	case "burst_to_client":
		sc.BurstToClient, err = parseInt(val, 0, 1<<20)
	case "burst_to_server":
		sc.BurstToServer, err = parseInt(val, 0, 1<<20)
	case "drops_to_client":
		sc.DropsToClient, err = parseList(val)
	case "drops_to_server":
		sc.DropsToServer, err = parseList(val)
	case "on":
		sc.On, err = parseDuration(val)
	case "off":
		sc.Off, err = parseDuration(val)
	case "repeat":
		sc.Repeat, err = parseInt(val, 1, 10000)
	case "direction":
		if val != "both" && val != "toclient" && val != "toserver" {
			err = fmt.Errorf("want both, toclient or toserver, not %q", val)
		}
		sc.Direction = val
	case "first-rebind":
		sc.FirstRebind, err = parseDuration(val)
		if err == nil && sc.FirstRebind == 0 {
			err = fmt.Errorf("must be positive")
		}
	case "rebind-freq":
		if val != "once" {
			sc.RebindFreq, err = parseDuration(val)
		}
	case "rebind-addr":
		sc.RebindAddr = !hasVal || val == "true" || val == "1"
		if hasVal && !sc.RebindAddr && val != "false" && val != "0" {
			err = fmt.Errorf("bad boolean %q", val)
		}
	}
	return err
}

// maxDuration keeps blackhole arithmetic far from overflow.
const maxDuration = 24 * time.Hour

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 || d > maxDuration {
		return 0, fmt.Errorf("%v out of range", d)
	}
	return d, nil
}

func parseInt(s string, lo, hi int) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, err
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%d not in [%d, %d]", v, lo, hi)
	}
	return v, nil
}

func parseList(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	list := make([]int, 0, len(parts))
	for _, p := range parts {
		v, err := parseInt(p, 1, 1<<30)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, nil
}

// bandwidthUnits are ns-3 DataRate suffixes in bits per second; the B
// forms count bytes.
var bandwidthUnits = []struct {
	suffix string
	mult   float64
}{
	{"Gbps", 1e9}, {"Gb/s", 1e9}, {"Mbps", 1e6}, {"Mb/s", 1e6}, {"kbps", 1e3}, {"Kbps", 1e3}, {"kb/s", 1e3}, {"Kb/s", 1e3},
	{"GBps", 8e9}, {"GB/s", 8e9}, {"MBps", 8e6}, {"MB/s", 8e6}, {"KBps", 8e3}, {"kBps", 8e3}, {"KB/s", 8e3}, {"kB/s", 8e3},
	{"bps", 1}, {"b/s", 1}, {"Bps", 8}, {"B/s", 8},
}

// parseBandwidth parses an ns-3 data rate like "10Mbps".
func parseBandwidth(s string) (int64, error) {
	for _, u := range bandwidthUnits {
		num, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, err
		}
		bps := v * u.mult
		if !(bps >= 1 && bps <= 1e15) {
			return 0, fmt.Errorf("%s out of range", s)
		}
		return int64(bps), nil
	}
	return 0, fmt.Errorf("unknown unit in %q", s)
}

// String formats the scenario as the runner writes it; ParseScenario
// reads it back to the same value.
func (sc Scenario) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s --delay=%v --bandwidth=%dbps --queue=%d", sc.Name, sc.Delay, sc.Bandwidth, sc.Queue)
	switch sc.Name {
	case "drop-rate", "corrupt-rate":
		fmt.Fprintf(&b, " --rate_to_client=%d --rate_to_server=%d", sc.RateToClient, sc.RateToServer)
		fmt.Fprintf(&b, " --burst_to_client=%d --burst_to_server=%d", sc.BurstToClient, sc.BurstToServer)
	case "droplist":
		for _, l := range []struct {
			name string
			v    []int
		}{{"drops_to_client", sc.DropsToClient}, {"drops_to_server", sc.DropsToServer}} {
			if len(l.v) > 0 {
				s := make([]string, len(l.v))
				for i, x := range l.v {
					s[i] = strconv.Itoa(x)
				}
				fmt.Fprintf(&b, " --%s=%s", l.name, strings.Join(s, ","))
			}
		}
	case "blackhole":
		fmt.Fprintf(&b, " --on=%v --off=%v --repeat=%d --direction=%s", sc.On, sc.Off, sc.Repeat, sc.Direction)
	case "rebind":
		fmt.Fprintf(&b, " --first-rebind=%v", sc.FirstRebind)
		if sc.RebindFreq > 0 {
			fmt.Fprintf(&b, " --rebind-freq=%v", sc.RebindFreq)
		}
		if sc.RebindAddr {
			b.WriteString(" --rebind-addr")
		}
	}
	return b.String()
}

// Links returns the link configurations of the two directions: the
// bottleneck (MTU 1500) plus the scenario's error model.
func (sc Scenario) Links() (toServer, toClient netmodel.Config) {
	base := netmodel.Config{MTU: 1500, Delay: sc.Delay, Bandwidth: sc.Bandwidth, Queue: sc.Queue}
	toServer, toClient = base, base
	switch sc.Name {
	case "drop-rate":
		toServer.LossPercent, toServer.LossBurst = float64(sc.RateToServer), sc.BurstToServer
		toClient.LossPercent, toClient.LossBurst = float64(sc.RateToClient), sc.BurstToClient
	case "corrupt-rate":
		toServer.CorruptPercent, toServer.CorruptBurst = float64(sc.RateToServer), sc.BurstToServer
		toClient.CorruptPercent, toClient.CorruptBurst = float64(sc.RateToClient), sc.BurstToClient
	case "droplist":
		toServer.DropList = append([]int(nil), sc.DropsToServer...)
		toClient.DropList = append([]int(nil), sc.DropsToClient...)
	case "blackhole":
		var windows []netmodel.Window
		for k := range sc.Repeat {
			from := sc.On + time.Duration(k)*(sc.On+sc.Off)
			windows = append(windows, netmodel.Window{From: from, To: from + sc.Off})
		}
		if sc.Direction != "toclient" {
			toServer.Blackholes = windows
		}
		if sc.Direction != "toserver" {
			toClient.Blackholes = append([]netmodel.Window(nil), windows...)
		}
	}
	return toServer, toClient
}
