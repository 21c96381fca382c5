package http3

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Transport is an http.RoundTripper speaking HTTP/3 (RFC 9114). It keeps
// one connection per origin (host:port) and multiplexes requests on it.
type Transport struct {
	// TLSClientConfig is passed to Dial with NextProtos set to "h3" and
	// ServerName defaulting to the request's host.
	TLSClientConfig *tls.Config
	// Dial opens QUIC connections (nil: DialQUIC(nil), quicr's quic
	// package). It may return an EarlyConn: requests
	// with safe methods (GET, HEAD) are then sent as 0-RTT data while other
	// requests wait for the handshake.
	Dial DialFunc
	// MaxResponseHeaderBytes is SETTINGS_MAX_FIELD_SECTION_SIZE; zero means
	// 1 MiB.
	MaxResponseHeaderBytes int64
	// QPACKMaxTableCapacity is the dynamic table the server may use for
	// response headers; zero means 4096, negative disables it.
	QPACKMaxTableCapacity int
	// QPACKBlockedStreams is how many streams may wait for QPACK inserts;
	// zero means 16, negative means none.
	QPACKBlockedStreams int

	mu      sync.Mutex
	conns   map[string]*clientConn
	dialing map[string]*dialCall
}

// dialCall is a dial in progress that other requests wait for.
type dialCall struct {
	done chan struct{}
	cc   *clientConn
	err  error
}

// maxRetries bounds how often a request the server did not process is
// retried on a new connection.
const maxRetries = 3

// RoundTrip implements http.RoundTripper for https URLs.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL == nil || req.URL.Scheme != "https" || req.URL.Host == "" {
		closeReqBody(req)
		return nil, errors.New("http3: unsupported URL (need https://host/...)")
	}
	key := authorityKey(req.URL)
	for attempt := 0; ; attempt++ {
		cc, err := t.getConn(req.Context(), key)
		if err != nil {
			closeReqBody(req)
			return nil, err
		}
		resp, err := cc.roundTrip(req)
		if err == nil || !errors.Is(err, errGoAway) || attempt == maxRetries {
			return resp, err
		}
		// RFC 9114, 5.2: an unprocessed request may be retried.
		if req, err = rewindRequest(req); err != nil {
			return nil, err
		}
	}
}

func closeReqBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// rewindRequest prepares a request for a retry, getting a fresh body.
func rewindRequest(req *http.Request) (*http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return req, nil
	}
	if req.GetBody == nil {
		return nil, errors.New("http3: request not processed and body cannot be rewound")
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	r := *req
	r.Body = body
	return &r, nil
}

// authorityKey returns host:port, with the default port 443.
func authorityKey(u *url.URL) string {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(host, port)
}

func (t *Transport) getConn(ctx context.Context, key string) (*clientConn, error) {
	for {
		t.mu.Lock()
		if cc := t.conns[key]; cc != nil && cc.usable() {
			t.mu.Unlock()
			return cc, nil
		}
		if d := t.dialing[key]; d != nil {
			t.mu.Unlock()
			select {
			case <-d.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if d.err != nil {
				return nil, d.err
			}
			continue
		}
		d := &dialCall{done: make(chan struct{})}
		if t.dialing == nil {
			t.dialing = make(map[string]*dialCall)
			t.conns = make(map[string]*clientConn)
		}
		t.dialing[key] = d
		t.mu.Unlock()

		d.cc, d.err = t.dial(ctx, key)
		t.mu.Lock()
		delete(t.dialing, key)
		if d.err == nil {
			t.conns[key] = d.cc
		}
		t.mu.Unlock()
		close(d.done)
		return d.cc, d.err
	}
}

func (t *Transport) dial(ctx context.Context, key string) (*clientConn, error) {
	dial := t.Dial
	if dial == nil {
		dial = DialQUIC(nil)
	}
	var conf *tls.Config
	if t.TLSClientConfig != nil {
		conf = t.TLSClientConfig.Clone()
	} else {
		conf = &tls.Config{}
	}
	conf.NextProtos = []string{NextProtoH3}
	if conf.ServerName == "" {
		conf.ServerName, _, _ = net.SplitHostPort(key)
	}
	qc, err := dial(ctx, key, conf)
	if err != nil {
		return nil, err
	}
	capacity, blocked := qpackSettings(t.QPACKMaxTableCapacity, t.QPACKBlockedStreams)
	max := uint64(1 << 20)
	if t.MaxResponseHeaderBytes > 0 {
		max = uint64(t.MaxResponseHeaderBytes)
	}
	cc := &clientConn{
		t:    t,
		key:  key,
		c:    newConnection(qc, false, connConfig{qpackCapacity: capacity, qpackBlocked: blocked, maxFieldSectionSize: max}),
		reqs: make(map[*clientStream]struct{}),
	}
	cc.early, _ = qc.(EarlyConn)
	cc.c.onGoAway = cc.handleGoAway
	if err := cc.c.start(); err != nil {
		qc.CloseWithError(uint64(ErrCodeInternalError), "")
		return nil, err
	}
	context.AfterFunc(qc.Context(), func() { t.removeConn(cc) })
	return cc, nil
}

// removeConn stops handing out cc for new requests.
func (t *Transport) removeConn(cc *clientConn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conns[cc.key] == cc {
		delete(t.conns, cc.key)
	}
}

// CloseIdleConnections closes connections with no request in flight.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	var idle []*clientConn
	for k, cc := range t.conns {
		if cc.idle() {
			idle = append(idle, cc)
			delete(t.conns, k)
		}
	}
	t.mu.Unlock()
	for _, cc := range idle {
		cc.c.qc.CloseWithError(uint64(ErrCodeNoError), "")
	}
}

// requestFields builds the HEADERS section of a request (RFC 9114, 4.3.1).
func requestFields(req *http.Request) ([]qpackField, error) {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	if !validFieldValue(host) || host == "" {
		return nil, errors.New("http3: invalid request host")
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	fields := make([]qpackField, 0, 6+len(req.Header))
	fields = append(fields, qpackField{Name: ":method", Value: method})
	if method != http.MethodConnect {
		fields = append(fields,
			qpackField{Name: ":scheme", Value: "https"},
			qpackField{Name: ":authority", Value: host},
			qpackField{Name: ":path", Value: req.URL.RequestURI()})
	} else {
		fields = append(fields, qpackField{Name: ":authority", Value: host})
	}
	fields = appendHeaderFields(fields, req.Header, func(k string) bool {
		return k == "Content-Length" || k == "Trailer"
	})
	if len(req.Trailer) > 0 {
		names := make([]string, 0, len(req.Trailer))
		for k := range req.Trailer {
			names = append(names, strings.ToLower(k))
		}
		fields = append(fields, qpackField{Name: "trailer", Value: strings.Join(names, ",")})
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	switch {
	case req.ContentLength > 0 && hasBody:
		fields = append(fields, qpackField{Name: "content-length", Value: itoa(req.ContentLength)})
	case !hasBody && (method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch):
		fields = append(fields, qpackField{Name: "content-length", Value: "0"})
	}
	if req.Header.Get("User-Agent") == "" {
		fields = append(fields, qpackField{Name: "user-agent", Value: "quicr-http3"})
	}
	return fields, nil
}

// fieldSectionSize is the size RFC 9114, 4.2.2 compares with the peer's
// SETTINGS_MAX_FIELD_SECTION_SIZE.
func fieldSectionSize(fields []qpackField) uint64 {
	var n uint64
	for _, f := range fields {
		n += f.Size()
	}
	return n
}

// readResponse reads interim responses, then the final response's HEADERS
// (RFC 9114, 4.1).
func (cc *clientConn) readResponse(ctx context.Context, str Stream, fr *frameReader) (*http.Response, error) {
	for {
		h, err := fr.next()
		if err == io.EOF {
			return nil, errors.New("http3: stream ended without a response")
		}
		if err != nil {
			return nil, err
		}
		switch h.Type {
		case frameHeaders:
		case framePushPromise:
			return nil, connError(ErrCodeIDError, "PUSH_PROMISE without MAX_PUSH_ID")
		default:
			return nil, connError(ErrCodeFrameUnexpected, "frame before response HEADERS")
		}
		p, err := fr.readPayload(h, maxHeadersFrame(cc.c.cfg.maxFieldSectionSize))
		if err != nil {
			return nil, err
		}
		fields, err := cc.c.decodeHeaders(ctx, str.StreamID(), p)
		if err != nil {
			return nil, err
		}
		resp, err := responseFromFields(fields)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusSwitchingProtocols {
			return nil, errMalformed("101 is not allowed in HTTP/3")
		}
		if resp.StatusCode >= 200 {
			return resp, nil
		}
	}
}
