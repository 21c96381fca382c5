package runner

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// nsPrefix starts the name of every network namespace the runner makes;
// the runner's pid follows, so that stale ones can be told from those of
// a runner still alive.
const nsPrefix = "quicr-"

// The runner's addresses (interop-runner.md, 1 and 3 A).
const (
	clientV4 = "193.167.0.100"
	clientV6 = "fd00:cafe:cafe:0::100"
	simLV4   = "193.167.0.2"
	simLV6   = "fd00:cafe:cafe:0::2"
	simRV4   = "193.167.100.2"
	simRV6   = "fd00:cafe:cafe:100::2"
	serverV4 = "193.167.100.100"
	serverV6 = "fd00:cafe:cafe:100::100"
)

// Fixed link-layer addresses of the veth ends, so every namespace gets
// permanent neighbour entries and no datagram waits on ARP or neighbour
// discovery (whose first solicitation on a fresh veth is sometimes lost,
// costing a one-second retransmission).
const (
	clientMAC = "02:00:c1:00:00:01"
	simLMAC   = "02:00:c1:00:00:02"
	simRMAC   = "02:00:c1:00:00:03"
	serverMAC = "02:00:c1:00:00:04"
)

// namespaces is topology A: client, sim and server network namespaces,
// veth pairs c0-l0 and s0-r0, and the sim routing between them.
type namespaces struct {
	client, sim, server string // names
}

// path returns the /run/netns path of a namespace name.
func nsPath(name string) string { return "/run/netns/" + name }

// cleanStaleNamespaces deletes runner namespaces whose runner is gone.
func cleanStaleNamespaces() {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		rest, ok := strings.CutPrefix(name, nsPrefix)
		if !ok {
			continue
		}
		pidStr, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid == os.Getpid() {
			continue
		}
		if syscall.Kill(pid, 0) == syscall.ESRCH {
			exec.Command("ip", "netns", "del", name).Run()
		}
	}
}

// setupNamespaces builds topology A for run number id. bandwidth, if
// non-zero, shapes both directions in the sim with tbf (bits/s, with a
// queue of about queue full-size packets); the kernel here has no
// sch_netem, so there is no added delay.
func setupNamespaces(id int, bandwidth int64, queue int) (*namespaces, error) {
	base := fmt.Sprintf("%s%d-%d-", nsPrefix, os.Getpid(), id)
	n := &namespaces{client: base + "c", sim: base + "sim", server: base + "s"}
	steps := [][]string{
		{"netns", "add", n.client}, {"netns", "add", n.sim}, {"netns", "add", n.server},
		{"link", "add", "c0", "address", clientMAC, "netns", n.client, "type", "veth", "peer", "name", "l0", "address", simLMAC, "netns", n.sim},
		{"link", "add", "s0", "address", serverMAC, "netns", n.server, "type", "veth", "peer", "name", "r0", "address", simRMAC, "netns", n.sim},
		{"-n", n.client, "addr", "add", clientV4 + "/24", "dev", "c0"},
		{"-n", n.client, "addr", "add", clientV6 + "/64", "dev", "c0", "nodad"},
		{"-n", n.sim, "addr", "add", simLV4 + "/24", "dev", "l0"},
		{"-n", n.sim, "addr", "add", simLV6 + "/64", "dev", "l0", "nodad"},
		{"-n", n.sim, "addr", "add", simRV4 + "/24", "dev", "r0"},
		{"-n", n.sim, "addr", "add", simRV6 + "/64", "dev", "r0", "nodad"},
		{"-n", n.server, "addr", "add", serverV4 + "/24", "dev", "s0"},
		{"-n", n.server, "addr", "add", serverV6 + "/64", "dev", "s0", "nodad"},
	}
	for _, ns := range []string{n.client, n.sim, n.server} {
		steps = append(steps, []string{"-n", ns, "link", "set", "lo", "up"})
	}
	steps = append(steps,
		[]string{"-n", n.client, "link", "set", "c0", "up"},
		[]string{"-n", n.sim, "link", "set", "l0", "up"},
		[]string{"-n", n.sim, "link", "set", "r0", "up"},
		[]string{"-n", n.server, "link", "set", "s0", "up"},
		[]string{"-n", n.client, "route", "add", "193.167.0.0/16", "via", simLV4},
		[]string{"-n", n.client, "-6", "route", "add", "fd00:cafe:cafe::/48", "via", simLV6},
		[]string{"-n", n.server, "route", "add", "193.167.0.0/16", "via", simRV4},
		[]string{"-n", n.server, "-6", "route", "add", "fd00:cafe:cafe::/48", "via", simRV6},
	)
	for _, e := range []struct{ ns, addr, mac, dev string }{
		{n.client, simLV4, simLMAC, "c0"}, {n.client, simLV6, simLMAC, "c0"},
		{n.sim, clientV4, clientMAC, "l0"}, {n.sim, clientV6, clientMAC, "l0"},
		{n.sim, serverV4, serverMAC, "r0"}, {n.sim, serverV6, serverMAC, "r0"},
		{n.server, simRV4, simRMAC, "s0"}, {n.server, simRV6, simRMAC, "s0"},
	} {
		steps = append(steps, []string{"-n", e.ns, "neigh", "replace", e.addr, "lladdr", e.mac, "dev", e.dev, "nud", "permanent"})
	}
	// Duplicate address detection on the link-local addresses takes about
	// a second and held the first IPv6 datagrams (a migration's
	// PATH_CHALLENGEs to server6) in the neighbour queues, so DAD is off
	// in every namespace before any interface exists, and the sim
	// forwards before its links come up.
	sysctl := func(ns string, kv ...string) []string {
		return append([]string{"netns", "exec", ns, "sysctl", "-q", "-w"}, kv...)
	}
	noDAD := []string{"net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0"}
	steps = append(steps[:3:3], append([][]string{
		sysctl(n.client, noDAD...),
		sysctl(n.server, noDAD...),
		sysctl(n.sim, append(noDAD, "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")...),
	}, steps[3:]...)...)
	for _, s := range steps {
		if err := ipCmd(s...); err != nil {
			n.close()
			return nil, err
		}
	}
	if bandwidth > 0 {
		limit := strconv.Itoa(max(queue, 1) * 1500)
		rate := strconv.FormatInt(bandwidth, 10) + "bit"
		for _, dev := range []string{"l0", "r0"} {
			cmd := exec.Command("ip", "netns", "exec", n.sim, "tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate, "burst", "15000", "limit", limit)
			if b, err := cmd.CombinedOutput(); err != nil {
				n.close()
				return nil, fmt.Errorf("tc on %s: %v: %s", dev, err, strings.TrimSpace(string(b)))
			}
		}
	}
	return n, nil
}

func ipCmd(args ...string) error {
	if b, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(b)))
	}
	return nil
}

// close deletes the namespaces, and with them the veth pairs.
func (n *namespaces) close() {
	for _, ns := range []string{n.client, n.sim, n.server} {
		exec.Command("ip", "netns", "del", ns).Run()
	}
}

// namespacesAvailable reports whether topology A can be built here.
func namespacesAvailable() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return err
	}
	name := fmt.Sprintf("%s%d-probe", nsPrefix, os.Getpid())
	if err := ipCmd("netns", "add", name); err != nil {
		return err
	}
	exec.Command("ip", "netns", "del", name).Run()
	return nil
}
