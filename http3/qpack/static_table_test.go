package qpack

import "testing"

func TestStaticTable(t *testing.T) {
	// Spot checks against RFC 9204, Appendix A.
	spots := []struct {
		idx         int
		name, value string
	}{
		{0, ":authority", ""},
		{1, ":path", "/"},
		{17, ":method", "GET"},
		{25, ":status", "200"},
		{29, "accept", "*/*"},
		{31, "accept-encoding", "gzip, deflate, br"},
		{52, "content-type", "text/html; charset=utf-8"},
		{63, ":status", "100"},
		{85, "content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'"},
		{98, "x-frame-options", "sameorigin"},
	}
	for _, s := range spots {
		if e := staticTable[s.idx]; e.Name != s.name || e.Value != s.value || e.NeverIndex {
			t.Errorf("static %d = %+v, want %s: %s", s.idx, e, s.name, s.value)
		}
	}
	firstByName := map[string]int{}
	for i, e := range staticTable {
		if _, ok := firstByName[e.Name]; !ok {
			firstByName[e.Name] = i
		}
		if idx, exact := staticLookup(e.Name, e.Value); idx != i || !exact {
			t.Errorf("staticLookup(%q, %q) = %d, %v; want %d", e.Name, e.Value, idx, exact, i)
		}
	}
	for name, first := range firstByName {
		if idx, exact := staticLookup(name, "\x00no such value"); idx != first || exact {
			t.Errorf("staticLookup(%q, other) = %d, %v; want %d", name, idx, exact, first)
		}
	}
	for _, name := range []string{"", "x-custom", ":Path", "content-type "} {
		if idx, exact := staticLookup(name, ""); idx != -1 || exact {
			t.Errorf("staticLookup(%q) = %d, %v; want -1", name, idx, exact)
		}
	}
}
