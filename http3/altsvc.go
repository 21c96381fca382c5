package http3

import (
	"net/http"
	"strconv"
	"time"
)

// DefaultAltSvcMaxAge is the freshness advertised by SetAltSvc.
const DefaultAltSvcMaxAge = 24 * time.Hour

// AltSvcHeader returns an Alt-Svc field value announcing HTTP/3 on port of
// the same host (RFC 7838, 3; RFC 9114, 3.1.1), e.g. h3=":443"; ma=86400.
func AltSvcHeader(port int, maxAge time.Duration) string {
	return `h3=":` + strconv.Itoa(port) + `"; ma=` + strconv.FormatInt(int64(maxAge/time.Second), 10)
}

// SetAltSvc wraps a handler of an HTTP/1.1 or HTTP/2 server so each
// response advertises the HTTP/3 server on port, letting browsers switch.
func SetAltSvc(h http.Handler, port int) http.Handler {
	v := AltSvcHeader(port, DefaultAltSvcMaxAge)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor < 3 {
			w.Header().Set("Alt-Svc", v)
		}
		h.ServeHTTP(w, r)
	})
}
