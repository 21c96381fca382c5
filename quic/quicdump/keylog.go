package quicdump

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Key log labels of TLS 1.3 secrets (NSS key log format; RFC 9850, 3).
const (
	LabelClientEarly     = "CLIENT_EARLY_TRAFFIC_SECRET"
	LabelClientHandshake = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	LabelServerHandshake = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	LabelClientTraffic   = "CLIENT_TRAFFIC_SECRET_0"
	LabelServerTraffic   = "SERVER_TRAFFIC_SECRET_0"
)

// maxSecretLen bounds a secret: SHA-384 is the largest TLS 1.3 hash.
const maxSecretLen = 48

// KeyLog maps a ClientHello random to the secrets logged for that
// connection, by label.
type KeyLog map[[32]byte]map[string][]byte

// ParseKeyLog reads an NSS key log. Comment and blank lines are skipped,
// as are lines with labels other than the TLS 1.3 traffic secrets above;
// a malformed line of a known label is an error.
func ParseKeyLog(r io.Reader) (KeyLog, error) {
	kl := KeyLog{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || !knownLabel(f[0]) {
			continue
		}
		rnd, err := hex.DecodeString(f[1])
		if err != nil || len(rnd) != 32 {
			return nil, fmt.Errorf("quicdump: key log line %d: bad client random", n)
		}
		sec, err := hex.DecodeString(f[2])
		if err != nil || len(sec) == 0 || len(sec) > maxSecretLen {
			return nil, fmt.Errorf("quicdump: key log line %d: bad secret", n)
		}
		kl.Add(f[0], [32]byte(rnd), sec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("quicdump: key log: %w", err)
	}
	return kl, nil
}

func knownLabel(l string) bool {
	switch l {
	case LabelClientEarly, LabelClientHandshake, LabelServerHandshake, LabelClientTraffic, LabelServerTraffic:
		return true
	}
	return false
}

// Add records a secret; a later one for the same label replaces it.
func (kl KeyLog) Add(label string, clientRandom [32]byte, secret []byte) {
	m := kl[clientRandom]
	if m == nil {
		m = map[string][]byte{}
		kl[clientRandom] = m
	}
	m[label] = bytes.Clone(secret)
}

// Secret returns the secret logged under label for a connection, or nil.
func (kl KeyLog) Secret(clientRandom [32]byte, label string) []byte {
	return kl[clientRandom][label]
}

// Append appends kl in the NSS format, sorted so the output is stable;
// ParseKeyLog reads it back to the same value.
func (kl KeyLog) Append(b []byte) []byte {
	randoms := make([][32]byte, 0, len(kl))
	for r := range kl {
		randoms = append(randoms, r)
	}
	slices.SortFunc(randoms, func(x, y [32]byte) int { return bytes.Compare(x[:], y[:]) })
	for _, r := range randoms {
		labels := make([]string, 0, len(kl[r]))
		for l := range kl[r] {
			labels = append(labels, l)
		}
		slices.Sort(labels)
		for _, l := range labels {
			b = append(b, l...)
			b = append(b, ' ')
			b = hex.AppendEncode(b, r[:])
			b = append(b, ' ')
			b = hex.AppendEncode(b, kl[r][l])
			b = append(b, '\n')
		}
	}
	return b
}
