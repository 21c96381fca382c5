package qpack

import (
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes hex written as in the RFC examples, ignoring spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// errorCode returns the QPACK code of err, or 0 if it is not an *Error.
func errorCode(err error) ErrorCode {
	if e, ok := err.(*Error); ok {
		return e.Code
	}
	return 0
}

// fieldsEqual compares field lists including the NeverIndex bit.
func fieldsEqual(a, b []HeaderField) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
