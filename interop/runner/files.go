//go:build linux

package runner

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/quicr/quicr/certs"
)

// slugWords name the served files, as the runner's random slugs do.
var slugWords = []string{
	"amber", "basil", "cedar", "delta", "ember", "fjord", "glade", "harbor", "iris", "juniper",
	"kelp", "lumen", "maple", "nectar", "onyx", "pebble", "quartz", "raven", "sable", "tundra",
	"umber", "velvet", "willow", "xenon", "yarrow", "zephyr", "acorn", "brook", "cobalt", "dune",
}

// fileName returns a fresh name: a word-word-word slug, or nameLen
// lowercase letters.
func fileName(rng *rand.Rand, nameLen int, used map[string]bool) string {
	for {
		var name string
		if nameLen > 0 {
			b := make([]byte, nameLen)
			for i := range b {
				b[i] = byte('a' + rng.IntN(26))
			}
			name = string(b)
		} else {
			w := make([]string, 3)
			for i := range w {
				w[i] = slugWords[rng.IntN(len(slugWords))]
			}
			name = strings.Join(w, "-")
		}
		if !used[name] {
			used[name] = true
			return name
		}
	}
}

// generateFiles writes the case's files into dir and returns their names
// in request order. Contents are random bytes from the seeded generator.
func generateFiles(dir string, specs []Files, rng *rand.Rand) ([]string, error) {
	var names []string
	used := map[string]bool{}
	src := rand.NewChaCha8([32]byte{byte(rng.Uint64()), byte(rng.Uint64()), byte(rng.Uint64())})
	for _, s := range specs {
		for range s.Count {
			name := fileName(rng, s.NameLen, used)
			data := make([]byte, s.Size)
			src.Read(data)
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				return nil, err
			}
			names = append(names, name)
		}
	}
	return names, nil
}

// generateCerts writes cert.pem, priv.key and ca.pem for a chain of
// chainLen certificates below the root (interop-runner.md, 5).
func generateCerts(dir string, chainLen int) error {
	chain, err := certs.GenerateChain(certs.Options{ChainLength: chainLen})
	if err != nil {
		return err
	}
	return chain.WriteDir(dir)
}
