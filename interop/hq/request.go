package hq

import (
	"errors"
	"path"
	"strings"
)

// MaxRequestSize bounds a request: "GET /" and a path. The runner's longest
// paths are 250 characters.
const MaxRequestSize = 4096

// Errors of ParseRequest.
var (
	ErrBadRequest = errors.New("hq: request is not GET /<path>")
	ErrBadPath    = errors.New("hq: request path is not a plain relative file name")
)

// ParseRequest reads an HTTP/0.9 request: "GET /<path>", surrounded by any
// spaces, CRs and LFs (quic-go's handler trims them the same way). It
// returns the path without its leading slash, cleaned, and refuses paths
// that would leave the served directory.
func ParseRequest(b []byte) (string, error) {
	if len(b) > MaxRequestSize {
		return "", ErrBadRequest
	}
	req := strings.Trim(string(b), " \r\n")
	p, ok := strings.CutPrefix(req, "GET /")
	if !ok {
		return "", ErrBadRequest
	}
	return cleanPath(p)
}

// cleanPath checks a request path and returns it cleaned and relative.
// Any ".." element is refused outright rather than resolved, as are
// backslashes, which some file systems treat as separators, and spaces and
// control characters, which no runner file name has.
func cleanPath(p string) (string, error) {
	if p == "" || strings.ContainsFunc(p, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '\\' }) {
		return "", ErrBadPath
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return "", ErrBadPath
		}
	}
	c := path.Clean("/" + p)[1:]
	if c == "" || c == "." {
		return "", ErrBadPath
	}
	return c, nil
}

// AppendRequest appends the request line for path, "GET /<path>\r\n", to
// b. A leading slash in path is optional.
func AppendRequest(b []byte, p string) []byte {
	b = append(b, "GET /"...)
	b = append(b, strings.TrimPrefix(p, "/")...)
	return append(b, "\r\n"...)
}
