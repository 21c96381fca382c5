package wire

import (
	"encoding/hex"
	"strconv"
)

// Helpers for the String methods, which exist for logs and test failures
// and stay off the hot path.

func appendUintField(b []byte, name string, v uint64) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, '=')
	return strconv.AppendUint(b, v, 10)
}

func appendHexField(b []byte, name string, v []byte) []byte {
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, '=')
	return hex.AppendEncode(b, v)
}

func appendFlag(b []byte, name string, on bool) []byte {
	if !on {
		return b
	}
	b = append(b, ' ')
	return append(b, name...)
}
