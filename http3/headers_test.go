package http3

import (
	"net/http"
	"testing"

	"github.com/quicr/quicr/http3/qpack"
)

func fieldList(kv ...string) []qpack.HeaderField {
	var f []qpack.HeaderField
	for i := 0; i+1 < len(kv); i += 2 {
		f = append(f, qpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	return f
}

func TestResponseFromFields(t *testing.T) {
	tests := []struct {
		name   string
		fields []qpack.HeaderField
		status int
		ok     bool
	}{
		{"plain", fieldList(":status", "200", "content-type", "text/plain"), 200, true},
		{"interim", fieldList(":status", "103", "link", "</a>"), 103, true},
		{"missing status", fieldList("content-type", "x"), 0, false},
		{"short status", fieldList(":status", "20"), 0, false},
		{"text status", fieldList(":status", "abc"), 0, false},
		{"request pseudo", fieldList(":status", "200", ":path", "/"), 0, false},
		{"duplicate status", fieldList(":status", "200", ":status", "200"), 0, false},
		{"bad content-length", fieldList(":status", "200", "content-length", "-1"), 0, false},
		{"conflicting content-length", fieldList(":status", "200", "content-length", "1", "content-length", "2"), 0, false},
		{"value with newline", fieldList(":status", "200", "x", "a\nb"), 0, false},
	}
	for _, tt := range tests {
		resp, err := responseFromFields(tt.fields)
		if (err == nil) != tt.ok {
			t.Errorf("%s: error %v", tt.name, err)
			continue
		}
		if err == nil && resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		if se, ok := err.(*streamError); err != nil && (!ok || se.code != ErrCodeMessageError) {
			t.Errorf("%s: error %v, want H3_MESSAGE_ERROR", tt.name, err)
		}
	}
}

func TestRequestFromFields(t *testing.T) {
	req, err := requestFromFields(fieldList(":method", "POST", ":scheme", "https", ":authority", "example.com:443",
		":path", "/p?q=1", "cookie", "a=1", "cookie", "b=2", "content-length", "4", "trailer", "x-t"))
	if err != nil {
		t.Fatal(err)
	}
	if req.Host != "example.com:443" || req.URL.Path != "/p" || req.URL.RawQuery != "q=1" || req.ContentLength != 4 {
		t.Fatalf("request %+v", req)
	}
	// RFC 9114, 4.2.1: cookie crumbs are joined.
	if got := req.Header.Get("Cookie"); got != "a=1; b=2" {
		t.Fatalf("cookie %q", got)
	}
	if _, ok := req.Trailer["X-T"]; !ok {
		t.Fatalf("declared trailer missing: %v", req.Trailer)
	}
	req, err = requestFromFields(fieldList(":method", "CONNECT", ":authority", "example.com:443"))
	if err != nil || req.Method != http.MethodConnect || req.URL.Host != "example.com:443" {
		t.Fatalf("CONNECT: %+v %v", req, err)
	}
	if _, err := requestFromFields(fieldList(":method", "CONNECT", ":authority", "a", ":path", "/")); err == nil {
		t.Fatal("CONNECT with :path accepted")
	}
}

func TestAppendHeaderFields(t *testing.T) {
	h := http.Header{
		"Content-Type":      {"text/plain"},
		"Connection":        {"close"},
		"Transfer-Encoding": {"chunked"},
		"Te":                {"trailers"},
		"Bad Name":          {"x"},
		"X-Bad-Value":       {"a\r\nb"},
	}
	got := map[string]string{}
	for _, f := range appendHeaderFields(nil, h, nil) {
		got[f.Name] = f.Value
	}
	want := map[string]string{"content-type": "text/plain", "te": "trailers"}
	if len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("fields %v, want %v", got, want)
		}
	}
}
