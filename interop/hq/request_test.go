package hq

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRequest(t *testing.T) {
	long := strings.Repeat("a", 250)
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"GET /index.html\r\n", "index.html", nil},
		{"GET /index.html", "index.html", nil},
		{"  GET /a/b/c \r\n\r\n", "a/b/c", nil},
		{"GET /" + long + "\r\n", long, nil},
		{"GET /a//b/./c", "a/b/c", nil},
		{"GET /dir/", "dir", nil},
		{"GET /\r\n", "", ErrBadPath},
		{"GET /.", "", ErrBadPath},
		{"GET /../etc/passwd", "", ErrBadPath},
		{"GET /a/../../b", "", ErrBadPath},
		{"GET /a/..", "", ErrBadPath},
		{"GET /a\\..\\b", "", ErrBadPath},
		{"GET /a\x00b", "", ErrBadPath},
		{"GET /x/ /", "", ErrBadPath},
		{"GET /a\tb", "", ErrBadPath},
		{"GET //etc/passwd", "etc/passwd", nil},
		{"POST /index.html", "", ErrBadRequest},
		{"get /index.html", "", ErrBadRequest},
		{"GET index.html", "", ErrBadRequest},
		{"", "", ErrBadRequest},
		{"GET /" + strings.Repeat("a", MaxRequestSize), "", ErrBadRequest},
	}
	for _, tt := range tests {
		got, err := ParseRequest([]byte(tt.in))
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ParseRequest(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestAppendRequest(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/x", "GET /x\r\n"},
		{"x", "GET /x\r\n"},
		{"/a/b", "GET /a/b\r\n"},
	}
	for _, tt := range tests {
		if got := string(AppendRequest(nil, tt.path)); got != tt.want {
			t.Errorf("AppendRequest(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /index.html\r\n"))
	f.Add([]byte("GET /word-word-word\r\n"))
	f.Add([]byte("GET /" + strings.Repeat("z", 250) + "\r\n"))
	f.Add([]byte("GET /../secret\r\n"))
	f.Add([]byte("GET /a/./b//c \n"))
	f.Add([]byte("POST /x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseRequest(b)
		if err != nil {
			return
		}
		if p == "" || strings.HasPrefix(p, "/") || strings.Contains("/"+p+"/", "/../") {
			t.Fatalf("ParseRequest(%q) = %q: not a clean relative path", b, p)
		}
		again, err := ParseRequest(AppendRequest(nil, p))
		if err != nil || again != p {
			t.Fatalf("re-parse of %q: %q, %v", p, again, err)
		}
	})
}
