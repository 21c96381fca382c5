//go:build linux

package runner

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestQuicGoInterop runs a fast subset of the matrix with quic-go as both
// client and server. It needs root (mount namespaces, AF_PACKET capture,
// UDP 443) and builds quic-go's interop endpoints with scripts/peers.sh.
func TestQuicGoInterop(t *testing.T) {
	r := newTestRunner(t, 1)
	ep := quicGoEndpoint(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, name := range []string{"handshake", "transfer", "retry", "resumption"} {
		t.Run(name, func(t *testing.T) {
			tc := TestCaseByName(name)
			res := r.Run(ctx, ep, ep, tc)
			t.Logf("%s: %s in %v %s", name, res.Status, res.Duration.Round(time.Millisecond), res.Reason)
			if res.Status != Succeeded {
				t.Errorf("%s: %s: %s", name, res.Status, res.Reason)
			}
		})
	}
}

// TestQuicrInterop is the matrix CI runs: every test case with quicr on
// both sides (measurements excepted: they are the main job's), then the
// cases quic-go supports with quicr against quic-go in both directions.
// Like TestQuicGoInterop it needs root.
func TestQuicrInterop(t *testing.T) {
	r := newTestRunner(t, 2)
	quicr, err := ResolveEndpoint("quicr")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	run := func(client, server Endpoint, tc *TestCase) {
		res := r.Run(ctx, client, server, tc)
		t.Logf("%s (%s -> %s): %s in %v %s", tc.Name, client.Name, server.Name, res.Status, res.Duration.Round(time.Millisecond), res.Reason)
		if res.Status != Succeeded {
			t.Errorf("%s (%s -> %s): %s: %s", tc.Name, client.Name, server.Name, res.Status, res.Reason)
		}
	}
	for _, tc := range TestCases() {
		if tc.Measurement() {
			continue
		}
		run(quicr, quicr, tc)
	}
	quicgo := quicGoEndpoint(t)
	for _, name := range []string{"handshake", "transfer", "retry", "resumption", "zerortt", "http3", "keyupdate", "ipv6"} {
		tc := TestCaseByName(name)
		run(quicr, quicgo, tc)
		run(quicgo, quicr, tc)
	}
}

// newTestRunner returns a runner closed with the test. It skips only where
// the runner truly cannot work (-short, not root, no mount namespaces or
// their tools); any other error fails the test.
func newTestRunner(t *testing.T, seed uint64) *Runner {
	t.Helper()
	if testing.Short() {
		t.Skip("interop runs real endpoints; skipped in -short mode")
	}
	r, err := New(Options{Logf: t.Logf, Seed: seed})
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("interop runner unavailable here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// quicGoEndpoint builds quic-go's interop endpoints. It skips only when
// their sources cannot be fetched (no module proxy, empty cache); a build
// failure fails the test.
func quicGoEndpoint(t *testing.T) Endpoint {
	t.Helper()
	ep, err := ResolveEndpoint("quic-go")
	if errors.Is(err, ErrPeerUnavailable) {
		t.Skipf("quic-go's sources cannot be fetched here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ep
}
