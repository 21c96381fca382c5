//go:build linux

package sock

import (
	"os"
	"strings"
	"testing"
)

// ipv6Loopback skips when the kernel has IPv6 switched off, the one
// environment where the IPv6 cases cannot run.
func ipv6Loopback(t *testing.T) {
	t.Helper()
	if b, err := os.ReadFile("/proc/sys/net/ipv6/conf/lo/disable_ipv6"); err == nil && strings.TrimSpace(string(b)) == "1" {
		t.Skip("IPv6 is disabled on lo (net.ipv6.conf.lo.disable_ipv6=1)")
	}
	if _, err := os.Stat("/proc/net/if_inet6"); err != nil {
		t.Skip("the kernel has no IPv6 (/proc/net/if_inet6 missing)")
	}
}

func requireCaps(t *testing.T, c *Conn, want Capabilities) {
	t.Helper()
	got := c.Caps()
	if (want.GSO && !got.GSO) || (want.GRO && !got.GRO) || (want.ECN && !got.ECN) || (want.PktInfo && !got.PktInfo) || (want.Batch && !got.Batch) {
		t.Fatalf("kernel lacks a feature: got %+v, want at least %+v", got, want)
	}
}
