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
	if testing.Short() {
		t.Skip("interop runs real endpoints; skipped in -short mode")
	}
	r, err := New(Options{Logf: t.Logf, Seed: 1})
	if errors.Is(err, ErrUnavailable) {
		t.Skipf("interop runner unavailable here: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ep, err := ResolveEndpoint("quic-go")
	if err != nil {
		t.Skipf("quic-go interop peer cannot be built: %v", err)
	}
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
