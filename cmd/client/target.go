package main

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"

	"github.com/quicr/quicr/interop/hq"
)

// A target is one file to fetch.
type target struct {
	url  string
	host string // the URL's host: the TLS server name
	addr string // host:port to dial
	file string // the URL path, cleaned and relative: where to save it
}

// parseTargets parses https URLs. The saved file's name is the URL's
// path, as the interop runner expects in /downloads; paths that would
// leave the output directory are refused.
func parseTargets(urls []string) ([]target, error) {
	ts := make([]target, 0, len(urls))
	for _, s := range urls {
		u, err := url.Parse(s)
		if err != nil {
			return nil, err
		}
		if u.Scheme != "https" || u.Hostname() == "" {
			return nil, fmt.Errorf("%s: want https://host[:port]/path", s)
		}
		port := u.Port()
		if port == "" {
			port = "443"
		}
		file, err := hq.ParseRequest(hq.AppendRequest(nil, u.Path))
		if err != nil {
			return nil, fmt.Errorf("%s: the path does not name a file: %w", s, err)
		}
		ts = append(ts, target{url: s, host: u.Hostname(), addr: net.JoinHostPort(u.Hostname(), port), file: file})
	}
	return ts, nil
}

// outPath is where t is saved under dir.
func (t *target) outPath(dir string) string {
	return filepath.Join(dir, filepath.FromSlash(t.file))
}
