package main

import (
	"bytes"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"GET /1024\r\n", 1024, false},
		{"GET /1g\r\n", 1 << 30, false},
		{"GET /64m\r\n      padding", 64 << 20, false},
		{"GET /3k\r\n", 3 << 10, false},
		{"GET /0\r\n", 0, false},
		{"GET /1024", 0, true},         // no line end
		{"PUT /1024\r\n", 0, true},     // not a GET
		{"GET /-5\r\n", 0, true},       // negative
		{"GET /x\r\n", 0, true},        // not a number
		{"GET /2000000g\r\n", 0, true}, // beyond the bound
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := parseRequest([]byte(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseRequest(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestRequestPadding(t *testing.T) {
	tests := []struct {
		size int64
		pad  int
		len  int
	}{
		{1024, 100, 100},
		{1024, 0, len("GET /1024\r\n")},
		{1 << 30, 5, len("GET /1073741824\r\n")}, // never cut short
	}
	for _, tt := range tests {
		r := request(tt.size, tt.pad)
		if len(r) != tt.len {
			t.Errorf("request(%d, %d) is %d bytes, want %d", tt.size, tt.pad, len(r), tt.len)
		}
		if n, err := parseRequest(r); err != nil || n != tt.size {
			t.Errorf("parseRequest(request(%d, %d)) = %d, %v", tt.size, tt.pad, n, err)
		}
	}
}

func TestBodyRoundTrip(t *testing.T) {
	for _, size := range []int64{0, 1, chunkSize - 1, chunkSize, 3*chunkSize + 17} {
		var b bytes.Buffer
		if err := writeBody(&b, size); err != nil {
			t.Fatal(err)
		}
		n, err := readBody(&b, make([]byte, 1000))
		if err != nil || n != size {
			t.Errorf("size %d: read %d, %v", size, n, err)
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("GET /1024\r\n"))
	f.Add([]byte("GET /1g\r\n"))
	f.Add(request(1024, 100))
	f.Add([]byte("GET /\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := parseRequest(b)
		if err != nil {
			return
		}
		m, err := parseRequest(request(n, 0))
		if err != nil || m != n {
			t.Fatalf("%q parsed as %d, which re-parses as %d, %v", b, n, m, err)
		}
	})
}
