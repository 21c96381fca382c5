package http3

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quicr/quicr/http3/qpack"
)

// responseBufferSize is how much body a handler may write before the
// header goes out; a handler finishing within it gets a Content-Length.
const responseBufferSize = 16 << 10

// responseWriter implements http.ResponseWriter and http.Flusher on a
// request stream (RFC 9114, 4.1).
type responseWriter struct {
	conn *connection
	str  Stream
	req  *http.Request

	header      http.Header
	status      int
	wroteHeader bool // final status chosen
	headerSent  bool
	isHead      bool
	declared    []string // trailer names announced in the Trailer header
	cl          int64    // declared Content-Length, -1 if none
	written     int64
	buf         []byte // body bytes not yet framed
	out         []byte // frame scratch
	fields      []qpack.HeaderField
	err         error // first stream write error
}

func newResponseWriter(c *connection, str Stream, req *http.Request) *responseWriter {
	return &responseWriter{
		conn:   c,
		str:    str,
		req:    req,
		header: make(http.Header),
		cl:     -1,
		isHead: req.Method == http.MethodHead,
	}
}

// Header implements http.ResponseWriter.
func (w *responseWriter) Header() http.Header { return w.header }

// WriteHeader implements http.ResponseWriter. Informational (1xx) statuses
// are sent at once, as interim responses (RFC 9114, 4.1).
func (w *responseWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	if code < 100 || code > 999 {
		panic("http3: invalid WriteHeader code " + strconv.Itoa(code))
	}
	if code < 200 {
		if code != http.StatusSwitchingProtocols {
			w.sendInterim(code)
		}
		return
	}
	w.wroteHeader, w.status = true, code
	if vs := w.header["Trailer"]; len(vs) > 0 {
		for k := range declaredTrailers(vs) {
			w.declared = append(w.declared, k)
		}
	}
	if v := w.header.Get("Content-Length"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
			w.cl = n
		} else {
			w.header.Del("Content-Length")
		}
	}
}

// bodyAllowed reports whether the status permits a body (RFC 9110, 6.4.1).
func (w *responseWriter) bodyAllowed() bool {
	return w.status != http.StatusNoContent && w.status != http.StatusNotModified
}

// Write implements http.ResponseWriter.
func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		if w.header.Get("Content-Type") == "" && w.header.Get("X-Content-Type-Options") != "nosniff" && len(p) > 0 {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	if !w.bodyAllowed() {
		return 0, http.ErrBodyNotAllowed
	}
	if w.cl >= 0 && w.written+int64(len(p)) > w.cl {
		return 0, http.ErrContentLength
	}
	w.written += int64(len(p))
	if w.isHead {
		return len(p), nil
	}
	if w.err != nil {
		return 0, w.err
	}
	if len(w.buf)+len(p) <= responseBufferSize {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	w.flush(p)
	if w.err != nil {
		return 0, w.err
	}
	return len(p), nil
}

// Flush implements http.Flusher.
func (w *responseWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.flush(nil)
}

// flush sends the header if needed and the buffered body plus extra as
// one DATA frame, in a single stream write.
func (w *responseWriter) flush(extra []byte) {
	if w.err != nil {
		return
	}
	out := w.out[:0]
	if !w.headerSent {
		out = w.appendHeaders(out, w.status, w.header)
		w.headerSent = true
	}
	if n := len(w.buf) + len(extra); n > 0 && !w.isHead {
		out = appendFrameHeader(out, frameData, uint64(n))
		out = append(out, w.buf...)
		if len(extra) <= responseBufferSize {
			out = append(out, extra...)
			extra = nil
		}
	}
	w.buf = w.buf[:0]
	if len(out) > 0 {
		_, w.err = w.str.Write(out)
	}
	// A large write goes straight to the stream rather than through the
	// scratch buffer.
	if len(extra) > 0 && w.err == nil && !w.isHead {
		_, w.err = w.str.Write(extra)
	}
	w.out = out[:0]
}

// sendInterim sends a 1xx response at once.
func (w *responseWriter) sendInterim(code int) {
	out := w.appendHeaders(w.out[:0], code, w.header)
	if _, err := w.str.Write(out); err != nil && w.err == nil {
		w.err = err
	}
	w.out = out[:0]
}

// appendHeaders appends the HEADERS frame of a response with status code.
func (w *responseWriter) appendHeaders(dst []byte, code int, h http.Header) []byte {
	fields := append(w.fields[:0], qpack.HeaderField{Name: ":status", Value: strconv.Itoa(code)})
	fields = appendHeaderFields(fields, h, isTrailerKey)
	out, err := w.conn.appendHeadersFrame(dst, w.str.StreamID(), fields)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.fields = fields[:0]
	return out
}

// isTrailerKey reports header keys that name trailers, not headers.
func isTrailerKey(k string) bool { return strings.HasPrefix(k, http.TrailerPrefix) }

// trailers collects the trailer values set by the handler: declared names
// and http.TrailerPrefix keys (net/http conventions).
func (w *responseWriter) trailers() http.Header {
	var t http.Header
	add := func(k string, vs []string) {
		if len(vs) == 0 {
			return
		}
		if t == nil {
			t = make(http.Header)
		}
		t[http.CanonicalHeaderKey(k)] = vs
	}
	for _, k := range w.declared {
		add(k, w.header[k])
	}
	for k, vs := range w.header {
		if isTrailerKey(k) {
			add(strings.TrimPrefix(k, http.TrailerPrefix), vs)
		}
	}
	return t
}

// finish completes the response after the handler returns: the header
// (with a Content-Length if the whole body is known), the rest of the body,
// trailers and FIN. It reports whether the response was sent in full.
func (w *responseWriter) finish() bool {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	t := w.trailers()
	if !w.headerSent && w.cl < 0 && len(w.declared) == 0 && t == nil && w.bodyAllowed() {
		w.header.Set("Content-Length", strconv.FormatInt(w.written, 10))
	}
	w.flush(nil)
	if w.err != nil {
		return false
	}
	if w.cl >= 0 && w.written != w.cl && !w.isHead && w.bodyAllowed() {
		// The handler broke its own Content-Length: the client must not
		// take the body as complete.
		w.str.CancelWrite(uint64(ErrCodeInternalError))
		return false
	}
	if t != nil {
		fields := appendHeaderFields(w.fields[:0], t, nil)
		out, err := w.conn.appendHeadersFrame(w.out[:0], w.str.StreamID(), fields)
		if err == nil {
			_, err = w.str.Write(out)
		}
		if err != nil {
			return false
		}
	}
	return w.str.Close() == nil
}
