package qpack

// The QPACK static table of RFC 9204, Appendix A, and a lookup over it.
// TestStaticTable checks the lookup against the table.

// staticTable is the QPACK static table, indexed from 0 (RFC 9204, Appendix A).
var staticTable = [99]HeaderField{
	{Name: ":authority", Value: ""},
	{Name: ":path", Value: "/"},
	{Name: "age", Value: "0"},
	{Name: "content-disposition", Value: ""},
	{Name: "content-length", Value: "0"},
	{Name: "cookie", Value: ""},
	{Name: "date", Value: ""},
	{Name: "etag", Value: ""},
	{Name: "if-modified-since", Value: ""},
	{Name: "if-none-match", Value: ""},
	{Name: "last-modified", Value: ""},
	{Name: "link", Value: ""},
	{Name: "location", Value: ""},
	{Name: "referer", Value: ""},
	{Name: "set-cookie", Value: ""},
	{Name: ":method", Value: "CONNECT"},
	{Name: ":method", Value: "DELETE"},
	{Name: ":method", Value: "GET"},
	{Name: ":method", Value: "HEAD"},
	{Name: ":method", Value: "OPTIONS"},
	{Name: ":method", Value: "POST"},
	{Name: ":method", Value: "PUT"},
	{Name: ":scheme", Value: "http"},
	{Name: ":scheme", Value: "https"},
	{Name: ":status", Value: "103"},
	{Name: ":status", Value: "200"},
	{Name: ":status", Value: "304"},
	{Name: ":status", Value: "404"},
	{Name: ":status", Value: "503"},
	{Name: "accept", Value: "*/*"},
	{Name: "accept", Value: "application/dns-message"},
	{Name: "accept-encoding", Value: "gzip, deflate, br"},
	{Name: "accept-ranges", Value: "bytes"},
	{Name: "access-control-allow-headers", Value: "cache-control"},
	{Name: "access-control-allow-headers", Value: "content-type"},
	{Name: "access-control-allow-origin", Value: "*"},
	{Name: "cache-control", Value: "max-age=0"},
	{Name: "cache-control", Value: "max-age=2592000"},
	{Name: "cache-control", Value: "max-age=604800"},
	{Name: "cache-control", Value: "no-cache"},
	{Name: "cache-control", Value: "no-store"},
	{Name: "cache-control", Value: "public, max-age=31536000"},
	{Name: "content-encoding", Value: "br"},
	{Name: "content-encoding", Value: "gzip"},
	{Name: "content-type", Value: "application/dns-message"},
	{Name: "content-type", Value: "application/javascript"},
	{Name: "content-type", Value: "application/json"},
	{Name: "content-type", Value: "application/x-www-form-urlencoded"},
	{Name: "content-type", Value: "image/gif"},
	{Name: "content-type", Value: "image/jpeg"},
	{Name: "content-type", Value: "image/png"},
	{Name: "content-type", Value: "text/css"},
	{Name: "content-type", Value: "text/html; charset=utf-8"},
	{Name: "content-type", Value: "text/plain"},
	{Name: "content-type", Value: "text/plain;charset=utf-8"},
	{Name: "range", Value: "bytes=0-"},
	{Name: "strict-transport-security", Value: "max-age=31536000"},
	{Name: "strict-transport-security", Value: "max-age=31536000; includesubdomains"},
	{Name: "strict-transport-security", Value: "max-age=31536000; includesubdomains; preload"},
	{Name: "vary", Value: "accept-encoding"},
	{Name: "vary", Value: "origin"},
	{Name: "x-content-type-options", Value: "nosniff"},
	{Name: "x-xss-protection", Value: "1; mode=block"},
	{Name: ":status", Value: "100"},
	{Name: ":status", Value: "204"},
	{Name: ":status", Value: "206"},
	{Name: ":status", Value: "302"},
	{Name: ":status", Value: "400"},
	{Name: ":status", Value: "403"},
	{Name: ":status", Value: "421"},
	{Name: ":status", Value: "425"},
	{Name: ":status", Value: "500"},
	{Name: "accept-language", Value: ""},
	{Name: "access-control-allow-credentials", Value: "FALSE"},
	{Name: "access-control-allow-credentials", Value: "TRUE"},
	{Name: "access-control-allow-headers", Value: "*"},
	{Name: "access-control-allow-methods", Value: "get"},
	{Name: "access-control-allow-methods", Value: "get, post, options"},
	{Name: "access-control-allow-methods", Value: "options"},
	{Name: "access-control-expose-headers", Value: "content-length"},
	{Name: "access-control-request-headers", Value: "content-type"},
	{Name: "access-control-request-method", Value: "get"},
	{Name: "access-control-request-method", Value: "post"},
	{Name: "alt-svc", Value: "clear"},
	{Name: "authorization", Value: ""},
	{Name: "content-security-policy", Value: "script-src 'none'; object-src 'none'; base-uri 'none'"},
	{Name: "early-data", Value: "1"},
	{Name: "expect-ct", Value: ""},
	{Name: "forwarded", Value: ""},
	{Name: "if-range", Value: ""},
	{Name: "origin", Value: ""},
	{Name: "purpose", Value: "prefetch"},
	{Name: "server", Value: ""},
	{Name: "timing-allow-origin", Value: "*"},
	{Name: "upgrade-insecure-requests", Value: "1"},
	{Name: "user-agent", Value: ""},
	{Name: "x-forwarded-for", Value: ""},
	{Name: "x-frame-options", Value: "deny"},
	{Name: "x-frame-options", Value: "sameorigin"},
}

// staticLookup finds f in the static table. It returns the index of an
// exact match and true, or the lowest index with the same name and false,
// or -1 and false when the name is absent.
func staticLookup(name, value string) (int, bool) {
	switch name {
	case ":authority":
		return 0, value == ""
	case ":path":
		return 1, value == "/"
	case "age":
		return 2, value == "0"
	case "content-disposition":
		return 3, value == ""
	case "content-length":
		return 4, value == "0"
	case "cookie":
		return 5, value == ""
	case "date":
		return 6, value == ""
	case "etag":
		return 7, value == ""
	case "if-modified-since":
		return 8, value == ""
	case "if-none-match":
		return 9, value == ""
	case "last-modified":
		return 10, value == ""
	case "link":
		return 11, value == ""
	case "location":
		return 12, value == ""
	case "referer":
		return 13, value == ""
	case "set-cookie":
		return 14, value == ""
	case ":method":
		switch value {
		case "CONNECT":
			return 15, true
		case "DELETE":
			return 16, true
		case "GET":
			return 17, true
		case "HEAD":
			return 18, true
		case "OPTIONS":
			return 19, true
		case "POST":
			return 20, true
		case "PUT":
			return 21, true
		}
		return 15, false
	case ":scheme":
		switch value {
		case "http":
			return 22, true
		case "https":
			return 23, true
		}
		return 22, false
	case ":status":
		switch value {
		case "103":
			return 24, true
		case "200":
			return 25, true
		case "304":
			return 26, true
		case "404":
			return 27, true
		case "503":
			return 28, true
		case "100":
			return 63, true
		case "204":
			return 64, true
		case "206":
			return 65, true
		case "302":
			return 66, true
		case "400":
			return 67, true
		case "403":
			return 68, true
		case "421":
			return 69, true
		case "425":
			return 70, true
		case "500":
			return 71, true
		}
		return 24, false
	case "accept":
		switch value {
		case "*/*":
			return 29, true
		case "application/dns-message":
			return 30, true
		}
		return 29, false
	case "accept-encoding":
		return 31, value == "gzip, deflate, br"
	case "accept-ranges":
		return 32, value == "bytes"
	case "access-control-allow-headers":
		switch value {
		case "cache-control":
			return 33, true
		case "content-type":
			return 34, true
		case "*":
			return 75, true
		}
		return 33, false
	case "access-control-allow-origin":
		return 35, value == "*"
	case "cache-control":
		switch value {
		case "max-age=0":
			return 36, true
		case "max-age=2592000":
			return 37, true
		case "max-age=604800":
			return 38, true
		case "no-cache":
			return 39, true
		case "no-store":
			return 40, true
		case "public, max-age=31536000":
			return 41, true
		}
		return 36, false
	case "content-encoding":
		switch value {
		case "br":
			return 42, true
		case "gzip":
			return 43, true
		}
		return 42, false
	case "content-type":
		switch value {
		case "application/dns-message":
			return 44, true
		case "application/javascript":
			return 45, true
		case "application/json":
			return 46, true
		case "application/x-www-form-urlencoded":
			return 47, true
		case "image/gif":
			return 48, true
		case "image/jpeg":
			return 49, true
		case "image/png":
			return 50, true
		case "text/css":
			return 51, true
		case "text/html; charset=utf-8":
			return 52, true
		case "text/plain":
			return 53, true
		case "text/plain;charset=utf-8":
			return 54, true
		}
		return 44, false
	case "range":
		return 55, value == "bytes=0-"
	case "strict-transport-security":
		switch value {
		case "max-age=31536000":
			return 56, true
		case "max-age=31536000; includesubdomains":
			return 57, true
		case "max-age=31536000; includesubdomains; preload":
			return 58, true
		}
		return 56, false
	case "vary":
		switch value {
		case "accept-encoding":
			return 59, true
		case "origin":
			return 60, true
		}
		return 59, false
	case "x-content-type-options":
		return 61, value == "nosniff"
	case "x-xss-protection":
		return 62, value == "1; mode=block"
	case "accept-language":
		return 72, value == ""
	case "access-control-allow-credentials":
		switch value {
		case "FALSE":
			return 73, true
		case "TRUE":
			return 74, true
		}
		return 73, false
	case "access-control-allow-methods":
		switch value {
		case "get":
			return 76, true
		case "get, post, options":
			return 77, true
		case "options":
			return 78, true
		}
		return 76, false
	case "access-control-expose-headers":
		return 79, value == "content-length"
	case "access-control-request-headers":
		return 80, value == "content-type"
	case "access-control-request-method":
		switch value {
		case "get":
			return 81, true
		case "post":
			return 82, true
		}
		return 81, false
	case "alt-svc":
		return 83, value == "clear"
	case "authorization":
		return 84, value == ""
	case "content-security-policy":
		return 85, value == "script-src 'none'; object-src 'none'; base-uri 'none'"
	case "early-data":
		return 86, value == "1"
	case "expect-ct":
		return 87, value == ""
	case "forwarded":
		return 88, value == ""
	case "if-range":
		return 89, value == ""
	case "origin":
		return 90, value == ""
	case "purpose":
		return 91, value == "prefetch"
	case "server":
		return 92, value == ""
	case "timing-allow-origin":
		return 93, value == "*"
	case "upgrade-insecure-requests":
		return 94, value == "1"
	case "user-agent":
		return 95, value == ""
	case "x-forwarded-for":
		return 96, value == ""
	case "x-frame-options":
		switch value {
		case "deny":
			return 97, true
		case "sameorigin":
			return 98, true
		}
		return 97, false
	}
	return -1, false
}
