package http3_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"testing"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/internal/fakequic"
)

// TestServerConnectionErrors sends malformed control, QPACK and request
// streams to a Server and checks the connection error code (RFC 9114, 8.1).
func TestServerConnectionErrors(t *testing.T) {
	settings := func(payload []byte) []byte { return frame([]byte{0x00}, 0x04, payload) }
	tests := []struct {
		name string
		run  func(p *rawPeer)
		want http3.ErrCode
	}{
		{"control without SETTINGS", func(p *rawPeer) {
			p.uni(frame([]byte{0x00}, 0x07, varints(0)))
		}, http3.ErrCodeMissingSettings},
		{"second SETTINGS", func(p *rawPeer) {
			p.control(frame(nil, 0x04, nil))
		}, http3.ErrCodeFrameUnexpected},
		{"duplicate setting", func(p *rawPeer) {
			p.uni(settings(varints(0x06, 1, 0x06, 2)))
		}, http3.ErrCodeSettingsError},
		{"HTTP/2 setting", func(p *rawPeer) {
			p.uni(settings(varints(0x02, 1)))
		}, http3.ErrCodeSettingsError},
		{"truncated setting", func(p *rawPeer) {
			p.uni(settings(varints(0x06)))
		}, http3.ErrCodeFrameError},
		{"oversized control frame", func(p *rawPeer) {
			p.uni(v(v([]byte{0x00}, 0x04), 1<<20))
		}, http3.ErrCodeExcessiveLoad},
		{"DATA on control", func(p *rawPeer) {
			p.control(frame(nil, 0x00, []byte("x")))
		}, http3.ErrCodeFrameUnexpected},
		{"HEADERS on control", func(p *rawPeer) {
			p.control(headersFrame(getFields...))
		}, http3.ErrCodeFrameUnexpected},
		{"HTTP/2 PING on control", func(p *rawPeer) {
			p.control(frame(nil, 0x06, make([]byte, 8)))
		}, http3.ErrCodeFrameUnexpected},
		{"CANCEL_PUSH", func(p *rawPeer) {
			p.control(frame(nil, 0x03, varints(0)))
		}, http3.ErrCodeIDError},
		{"MAX_PUSH_ID decreasing", func(p *rawPeer) {
			p.control(append(frame(nil, 0x0d, varints(10)), frame(nil, 0x0d, varints(9))...))
		}, http3.ErrCodeIDError},
		{"GOAWAY with trailing bytes", func(p *rawPeer) {
			p.control(frame(nil, 0x07, []byte{0, 0}))
		}, http3.ErrCodeFrameError},
		{"second control stream", func(p *rawPeer) {
			p.control(nil)
			p.control(nil)
		}, http3.ErrCodeStreamCreationError},
		{"control stream closed", func(p *rawPeer) {
			p.control(nil).Close()
		}, http3.ErrCodeClosedCriticalStream},
		{"encoder stream closed", func(p *rawPeer) {
			p.uni([]byte{0x02}).Close()
		}, http3.ErrCodeClosedCriticalStream},
		{"second decoder stream", func(p *rawPeer) {
			p.uni([]byte{0x03})
			p.uni([]byte{0x03})
		}, http3.ErrCodeStreamCreationError},
		{"push stream from client", func(p *rawPeer) {
			p.uni([]byte{0x01, 0x00})
		}, http3.ErrCodeStreamCreationError},
		{"bad encoder instruction", func(p *rawPeer) {
			// Insert With Literal Name before any capacity is set.
			p.uni([]byte{0x02, 0x41, 'a', 0x01, 'b'})
		}, http3.ErrCodeQPACKEncoderStreamError},
		{"DATA before HEADERS", func(p *rawPeer) {
			p.request(frame(nil, 0x00, []byte("x")), true)
		}, http3.ErrCodeFrameUnexpected},
		{"PUSH_PROMISE from client", func(p *rawPeer) {
			p.request(frame(nil, 0x05, varints(0)), true)
		}, http3.ErrCodeFrameUnexpected},
		{"SETTINGS on request stream", func(p *rawPeer) {
			p.request(append(headersFrame(getFields...), frame(nil, 0x04, nil)...), true)
		}, http3.ErrCodeFrameUnexpected},
		{"frame after trailers", func(p *rawPeer) {
			b := headersFrame(":method", "POST", ":scheme", "https", ":authority", "a", ":path", "/")
			b = append(b, headersFrame("x-t", "1")...)
			b = append(b, frame(nil, 0x00, []byte("x"))...)
			p.request(b, true)
		}, http3.ErrCodeFrameUnexpected},
		{"truncated request frame", func(p *rawPeer) {
			p.request(headersFrame(getFields...)[:4], true)
		}, http3.ErrCodeFrameError},
		{"bad field section", func(p *rawPeer) {
			p.request(frame(nil, 0x01, []byte{0xff}), true)
		}, http3.ErrCodeQPACKDecompressionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
			})}
			p := newRawClient(t, srv)
			tt.run(p)
			if got := http3.ErrCode(p.closeCode()); got != tt.want {
				t.Errorf("closed with %v, want %v", got, tt.want)
			}
		})
	}
}

// TestServerStreamErrors checks requests that only reset their stream
// (RFC 9114, 4.1.2), and that reserved or unknown frames and streams are
// ignored.
func TestServerStreamErrors(t *testing.T) {
	post := []string{":method", "POST", ":scheme", "https", ":authority", "a", ":path", "/"}
	tests := []struct {
		name string
		req  []byte
		want http3.ErrCode // 0: a 200 response with body "ok"
	}{
		{"valid", headersFrame(getFields...), 0},
		{"reserved frames", append(append(frame(nil, 0x21, []byte("grease")), headersFrame(getFields...)...), frame(nil, 0x1f*5+0x21, nil)...), 0},
		{"unknown frame type", append(headersFrame(getFields...), frame(nil, 0x1234, []byte("??"))...), 0},
		{"uppercase name", headersFrame(append(getFields, "X-Up", "1")...), http3.ErrCodeMessageError},
		{"missing :path", headersFrame(":method", "GET", ":scheme", "https", ":authority", "a"), http3.ErrCodeMessageError},
		{"duplicate :method", headersFrame(append([]string{":method", "GET"}, getFields...)...), http3.ErrCodeMessageError},
		{"pseudo after regular", headersFrame(":method", "GET", "x", "1", ":scheme", "https", ":authority", "a", ":path", "/"), http3.ErrCodeMessageError},
		{":status in request", headersFrame(append(getFields, ":status", "200")...), http3.ErrCodeMessageError},
		{"unknown pseudo", headersFrame(append([]string{":foo", "1"}, getFields...)...), http3.ErrCodeMessageError},
		{"connection header", headersFrame(append(getFields, "connection", "close")...), http3.ErrCodeMessageError},
		{"te not trailers", headersFrame(append(getFields, "te", "gzip")...), http3.ErrCodeMessageError},
		{"host mismatch", headersFrame(append(getFields, "host", "other")...), http3.ErrCodeMessageError},
		{"body shorter than content-length", append(headersFrame(append(post, "content-length", "10")...), frame(nil, 0x00, []byte("12345"))...), http3.ErrCodeMessageError},
		{"body longer than content-length", append(headersFrame(append(post, "content-length", "2")...), frame(nil, 0x00, []byte("12345"))...), http3.ErrCodeMessageError},
		{"pseudo-header in trailers", append(headersFrame(post...), headersFrame(":path", "/")...), http3.ErrCodeMessageError},
		{"no HEADERS", nil, http3.ErrCodeRequestIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &http3.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if _, err := io.Copy(io.Discard, r.Body); err != nil {
					return
				}
				io.WriteString(w, "ok")
			})}
			p := newRawClient(t, srv)
			p.control(nil)
			p.uni([]byte{0x21, 'x'})       // reserved stream type
			p.uni([]byte{0x40, 0x54, 'y'}) // unknown stream type
			s := p.request(tt.req, true)
			code, body := resetCode(s)
			if http3.ErrCode(code) != tt.want && !(tt.want == 0 && code == 0) {
				t.Fatalf("stream ended with %v, want %v", http3.ErrCode(code), tt.want)
			}
			if tt.want == 0 && !containsOK(body) {
				t.Fatalf("response %q lacks the body", body)
			}
			// The connection survives: a further request succeeds.
			code, body = resetCode(p.request(headersFrame(getFields...), true))
			if code != 0 || !containsOK(body) {
				t.Fatalf("follow-up request: code %v body %q", http3.ErrCode(code), body)
			}
		})
	}
}

// containsOK reports a response whose last DATA frame carries "ok".
func containsOK(b []byte) bool {
	return len(b) >= 4 && string(b[len(b)-4:]) == "\x00\x02ok"
}

// TestClientConnectionErrors runs a raw server against the Transport.
func TestClientConnectionErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func(p *rawPeer)
		want http3.ErrCode
	}{
		{"GOAWAY with a non-request stream ID", func(p *rawPeer) {
			p.control(frame(nil, 0x07, varints(2)))
		}, http3.ErrCodeIDError},
		{"GOAWAY ID increased", func(p *rawPeer) {
			// With a request in flight, the first GOAWAY does not end
			// the connection.
			ctrl := p.control(nil)
			if _, err := p.conn.AcceptStream(p.conn.Context()); err != nil {
				p.t.Fatal(err)
			}
			ctrl.Write(append(frame(nil, 0x07, varints(8)), frame(nil, 0x07, varints(12))...))
		}, http3.ErrCodeIDError},
		{"MAX_PUSH_ID from server", func(p *rawPeer) {
			p.control(frame(nil, 0x0d, varints(1)))
		}, http3.ErrCodeFrameUnexpected},
		{"push stream without MAX_PUSH_ID", func(p *rawPeer) {
			p.control(nil)
			p.uni([]byte{0x01, 0x00})
		}, http3.ErrCodeIDError},
		{"server-initiated bidirectional stream", func(p *rawPeer) {
			p.control(nil)
			p.request(nil, false)
		}, http3.ErrCodeStreamCreationError},
		{"PUSH_PROMISE on request stream", func(p *rawPeer) {
			p.control(nil)
			s, err := p.conn.AcceptStream(p.conn.Context())
			if err != nil {
				p.t.Fatal(err)
			}
			s.Write(frame(nil, 0x05, append(varints(0), headersFrame(getFields...)[2:]...)))
		}, http3.ErrCodeIDError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newRawServer(t)
			go func() {
				resp, err := p.client.Get("https://example.com/")
				if err == nil {
					resp.Body.Close()
				}
			}()
			tt.run(p.rawPeer)
			if got := http3.ErrCode(p.closeCode()); got != tt.want {
				t.Errorf("closed with %v, want %v", got, tt.want)
			}
		})
	}
}

// rawServerPeer is a raw server end dialled by a real Transport.
type rawServerPeer struct {
	*rawPeer
	client *http.Client
}

func newRawServer(t *testing.T) *rawServerPeer {
	c, s := fakequic.NewPair(fakequic.Config{})
	tr := &http3.Transport{Dial: func(context.Context, string, *tls.Config) (http3.Conn, error) { return c, nil }}
	t.Cleanup(func() { s.CloseWithError(0, "test over") })
	return &rawServerPeer{rawPeer: &rawPeer{t: t, conn: s}, client: &http.Client{Transport: tr}}
}

// TestClientResponseErrors: malformed responses fail the request with a
// stream error while the connection survives (RFC 9114, 4.1.2).
func TestClientResponseErrors(t *testing.T) {
	tests := []struct {
		name string
		resp []byte
	}{
		{"body shorter than content-length", append(headersFrame(":status", "200", "content-length", "10"), frame(nil, 0x00, []byte("12345"))...)},
		{"body longer than content-length", append(headersFrame(":status", "200", "content-length", "2"), frame(nil, 0x00, []byte("12345"))...)},
		{"missing :status", headersFrame("content-type", "text/plain")},
		{"pseudo-header in trailers", append(headersFrame(":status", "200"), headersFrame(":status", "200")...)},
		{"101", headersFrame(":status", "101")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newRawServer(t)
			p.control(nil)
			errc := make(chan error, 1)
			go func() {
				resp, err := p.client.Get("https://example.com/")
				if err == nil {
					_, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				errc <- err
			}()
			s, err := p.conn.AcceptStream(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			s.Write(tt.resp)
			s.Close()
			if err := <-errc; err == nil {
				t.Fatal("malformed response accepted")
			}
			if e := p.conn.CloseError(); e != nil {
				t.Fatalf("connection closed: %v", e)
			}
		})
	}
}
