package packet

import (
	"encoding/hex"
	"strings"
	"testing"
)

// unhex decodes hex that may contain spaces, as the RFCs print it.
func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
