package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quicr/quicr/quic"
)

// parseVersions reads a comma-separated list of QUIC versions: "1" or
// "v1", "2" or "v2", or a number such as 0x6b3343cf.
func parseVersions(s string) ([]quic.Version, error) {
	var vs []quic.Version
	for f := range strings.SplitSeq(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		switch f {
		case "":
			continue
		case "1", "v1":
			vs = append(vs, quic.Version1)
		case "2", "v2":
			vs = append(vs, quic.Version2)
		default:
			n, err := strconv.ParseUint(f, 0, 32)
			if err != nil || n == 0 {
				return nil, fmt.Errorf("bad QUIC version %q (want 1, 2, v1, v2 or a number like 0x6b3343cf)", f)
			}
			vs = append(vs, quic.Version(n))
		}
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("no QUIC version in %q", s)
	}
	return vs, nil
}

// parseCC reads a congestion controller's name.
func parseCC(s string) (quic.CongestionControl, error) {
	switch strings.ToLower(s) {
	case "cubic":
		return quic.Cubic, nil
	case "newreno", "reno":
		return quic.NewReno, nil
	}
	return 0, fmt.Errorf("unknown congestion controller %q (want cubic or newreno)", s)
}
