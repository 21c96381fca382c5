package http3

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"github.com/quicr/quicr/http3/qpack"
)

// errMalformed returns the stream error for a malformed message
// (RFC 9114, 4.1.2).
func errMalformed(reason string) error {
	return &streamError{code: ErrCodeMessageError, reason: reason}
}

// validFieldName reports a lowercase token: uppercase names are malformed
// in HTTP/3 (RFC 9114, 4.2).
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validFieldValue rejects NUL, CR and LF and surrounding whitespace
// (RFC 9114, 4.2 and RFC 9110, 5.5).
func validFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == 0 || c == '\r' || c == '\n' {
			return false
		}
	}
	return s == "" || (s[0] != ' ' && s[0] != '\t' && s[len(s)-1] != ' ' && s[len(s)-1] != '\t')
}

// connectionSpecific reports fields HTTP/3 forbids (RFC 9114, 4.2).
func connectionSpecific(name string) bool {
	switch name {
	case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

// pseudoHeaders holds a message's pseudo-header fields (RFC 9114, 4.3).
type pseudoHeaders struct {
	method, scheme, authority, path, protocol, status string
	seen                                              uint8
}

// headerFields splits decoded fields into pseudo-headers and a header map,
// enforcing the rules common to requests, responses and trailers.
func headerFields(fields []qpack.HeaderField, trailer bool) (pseudoHeaders, http.Header, error) {
	var ph pseudoHeaders
	h := make(http.Header, len(fields))
	regular := false
	var cookies []string
	for _, f := range fields {
		if strings.HasPrefix(f.Name, ":") {
			if trailer || regular {
				return ph, nil, errMalformed("misplaced pseudo-header")
			}
			var dst *string
			var bit uint8
			switch f.Name {
			case ":method":
				dst, bit = &ph.method, 1
			case ":scheme":
				dst, bit = &ph.scheme, 2
			case ":authority":
				dst, bit = &ph.authority, 4
			case ":path":
				dst, bit = &ph.path, 8
			case ":protocol":
				dst, bit = &ph.protocol, 16
			case ":status":
				dst, bit = &ph.status, 32
			default:
				return ph, nil, errMalformed("unknown pseudo-header")
			}
			if ph.seen&bit != 0 {
				return ph, nil, errMalformed("duplicate pseudo-header")
			}
			if !validFieldValue(f.Value) {
				return ph, nil, errMalformed("invalid pseudo-header value")
			}
			ph.seen |= bit
			*dst = f.Value
			continue
		}
		regular = true
		if !validFieldName(f.Name) || !validFieldValue(f.Value) {
			return ph, nil, errMalformed("invalid field " + strconv.Quote(f.Name))
		}
		if connectionSpecific(f.Name) || f.Name == "te" && f.Value != "trailers" {
			return ph, nil, errMalformed("connection-specific field " + f.Name)
		}
		if f.Name == "cookie" {
			cookies = append(cookies, f.Value)
			continue
		}
		k := textproto.CanonicalMIMEHeaderKey(f.Name)
		h[k] = append(h[k], f.Value)
	}
	if len(cookies) > 0 {
		// RFC 9114, 4.2.1: cookie crumbs are joined for HTTP/1.1 users.
		h["Cookie"] = []string{strings.Join(cookies, "; ")}
	}
	return ph, h, nil
}

// contentLength returns the Content-Length header value, -1 when absent.
// Differing or invalid values are malformed (RFC 9110, 8.6).
func contentLength(h http.Header) (int64, error) {
	vs := h["Content-Length"]
	if len(vs) == 0 {
		return -1, nil
	}
	n, err := strconv.ParseInt(vs[0], 10, 64)
	if err != nil || n < 0 {
		return 0, errMalformed("invalid content-length")
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return 0, errMalformed("conflicting content-length")
		}
	}
	return n, nil
}

// requestFromFields builds a server-side request from a HEADERS section
// (RFC 9114, 4.3.1).
func requestFromFields(fields []qpack.HeaderField) (*http.Request, error) {
	ph, h, err := headerFields(fields, false)
	if err != nil {
		return nil, err
	}
	if ph.status != "" {
		return nil, errMalformed(":status in a request")
	}
	if ph.method == "" {
		return nil, errMalformed("missing :method")
	}
	if host := h.Get("Host"); host != "" && ph.authority != "" && host != ph.authority {
		// RFC 9114, 4.3.1: Host and :authority must agree.
		return nil, errMalformed("host and :authority differ")
	}
	if ph.authority == "" {
		ph.authority = h.Get("Host")
	}
	h.Del("Host")
	req := &http.Request{
		Method:     ph.method,
		Proto:      "HTTP/3.0",
		ProtoMajor: 3,
		Header:     h,
		Host:       ph.authority,
	}
	switch {
	case ph.method == http.MethodConnect && ph.protocol == "":
		// RFC 9114, 4.4: only :method and :authority.
		if ph.scheme != "" || ph.path != "" || ph.authority == "" {
			return nil, errMalformed("malformed CONNECT")
		}
		req.URL = &url.URL{Host: ph.authority}
		req.RequestURI = ph.authority
	default:
		if ph.protocol != "" && ph.method != http.MethodConnect {
			return nil, errMalformed(":protocol without CONNECT")
		}
		if ph.scheme == "" || ph.path == "" {
			return nil, errMalformed("missing :scheme or :path")
		}
		if (ph.scheme == "http" || ph.scheme == "https") && ph.authority == "" {
			return nil, errMalformed("missing :authority")
		}
		u, err := url.ParseRequestURI(ph.path)
		if err != nil && ph.path != "*" {
			return nil, errMalformed("invalid :path")
		}
		if u == nil {
			u = &url.URL{Path: "*"}
		}
		req.URL = u
		req.RequestURI = ph.path
	}
	cl, err := contentLength(h)
	if err != nil {
		return nil, err
	}
	req.ContentLength = cl
	if tr := h.Values("Trailer"); len(tr) > 0 {
		req.Trailer = declaredTrailers(tr)
	}
	return req, nil
}

// declaredTrailers returns a trailer map with the keys a Trailer header
// announces, as net/http presents them before the body is read.
func declaredTrailers(vs []string) http.Header {
	t := make(http.Header)
	for _, v := range vs {
		for k := range strings.SplitSeq(v, ",") {
			if k = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)); k != "" {
				t[k] = nil
			}
		}
	}
	return t
}

// responseFromFields builds a client-side response from a HEADERS section
// (RFC 9114, 4.3.2).
func responseFromFields(fields []qpack.HeaderField) (*http.Response, error) {
	ph, h, err := headerFields(fields, false)
	if err != nil {
		return nil, err
	}
	if ph.seen != 32 {
		return nil, errMalformed("response needs exactly :status")
	}
	code, err := strconv.Atoi(ph.status)
	if err != nil || len(ph.status) != 3 || code < 100 {
		return nil, errMalformed("invalid :status")
	}
	cl, err := contentLength(h)
	if err != nil {
		return nil, err
	}
	resp := &http.Response{
		Status:        ph.status + " " + http.StatusText(code),
		StatusCode:    code,
		Proto:         "HTTP/3.0",
		ProtoMajor:    3,
		Header:        h,
		ContentLength: cl,
	}
	if tr := h.Values("Trailer"); len(tr) > 0 {
		resp.Trailer = declaredTrailers(tr)
	}
	return resp, nil
}

// trailersFromFields parses a trailer section: no pseudo-headers
// (RFC 9114, 4.3).
func trailersFromFields(fields []qpack.HeaderField) (http.Header, error) {
	_, h, err := headerFields(fields, true)
	return h, err
}

// appendHeaderFields appends h as lowercase field lines, dropping fields
// HTTP/3 forbids (RFC 9114, 4.2) and those skip names.
func appendHeaderFields(dst []qpack.HeaderField, h http.Header, skip func(string) bool) []qpack.HeaderField {
	for k, vs := range h {
		name := strings.ToLower(k)
		if connectionSpecific(name) || name == "host" || skip != nil && skip(k) {
			continue
		}
		if !validFieldName(name) {
			continue
		}
		for _, v := range vs {
			v = strings.TrimSpace(v)
			if name == "te" && v != "trailers" || !validFieldValue(v) {
				continue
			}
			dst = append(dst, qpack.HeaderField{Name: name, Value: v})
		}
	}
	return dst
}

// qpackField shortens qpack.HeaderField in this package.
type qpackField = qpack.HeaderField

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
