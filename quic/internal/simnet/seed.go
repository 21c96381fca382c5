package simnet

import (
	"hash/fnv"
	"os"
	"strconv"
	"testing"
	"time"
)

// SeedEnv names the environment variable that fixes the simulation seed.
const SeedEnv = "QUICR_SIM_SEED"

// TestSeed returns the seed for a test: QUICR_SIM_SEED when set, otherwise
// a hash of the test's name (stable across runs, different between tests).
// If the test fails, the seed and how to replay it are logged.
func TestSeed(t testing.TB) uint64 {
	t.Helper()
	var seed uint64
	if s := os.Getenv(SeedEnv); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("simnet: bad %s=%q: %v", SeedEnv, s, err)
		}
		seed = v
	} else {
		h := fnv.New64a()
		h.Write([]byte(t.Name()))
		seed = h.Sum64()
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("simnet seed %d; replay with %s=%d go test -run '^%s$'", seed, SeedEnv, seed, t.Name())
		}
	})
	return seed
}

// SimpleP2P returns the runner's default link: 15 ms one-way delay,
// 10 Mbit/s and a 25-packet queue, MTU 1500.
func SimpleP2P() LinkConfig {
	return LinkConfig{Delay: 15 * time.Millisecond, Bandwidth: 10_000_000, Queue: 25, MTU: 1500}
}
