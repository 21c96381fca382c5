package http3_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/quicr/quicr/http3"
	"github.com/quicr/quicr/http3/internal/fakequic"
	"github.com/quicr/quicr/http3/qpack"
)

// testEnv is a Server on a fake listener and a Transport dialling it.
type testEnv struct {
	l      *fakequic.Listener
	srv    *http3.Server
	tr     *http3.Transport
	client *http.Client
	served chan error
}

func newTestEnv(t testing.TB, h http.Handler) *testEnv {
	t.Helper()
	e := &testEnv{
		l:      fakequic.NewListener(fakequic.Config{}),
		srv:    &http3.Server{Handler: h},
		served: make(chan error, 1),
	}
	e.tr = &http3.Transport{Dial: e.l.DialFunc()}
	e.client = &http.Client{Transport: e.tr}
	go func() { e.served <- e.srv.Serve(e.l) }()
	t.Cleanup(func() {
		e.tr.CloseIdleConnections()
		e.srv.Close()
		if err := <-e.served; !errors.Is(err, http3.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return e
}

// multiDial dials the listeners in turn, one per new connection.
func multiDial(ls ...*fakequic.Listener) http3.DialFunc {
	var mu sync.Mutex
	n := 0
	return func(ctx context.Context, addr string, conf *tls.Config) (http3.Conn, error) {
		mu.Lock()
		l := ls[min(n, len(ls)-1)]
		n++
		mu.Unlock()
		return l.DialFunc()(ctx, addr, conf)
	}
}

// v appends a QUIC varint.
func v(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, 0x40|byte(n>>8), byte(n))
	case n < 1<<30:
		return append(dst, 0x80|byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(dst, 0xc0|byte(n>>56), byte(n>>48), byte(n>>40), byte(n>>32), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}

// frame appends a frame with the given payload.
func frame(dst []byte, typ uint64, payload []byte) []byte {
	dst = v(dst, typ)
	dst = v(dst, uint64(len(payload)))
	return append(dst, payload...)
}

// varints concatenates varints, as in SETTINGS or GOAWAY payloads.
func varints(ns ...uint64) []byte {
	var b []byte
	for _, n := range ns {
		b = v(b, n)
	}
	return b
}

// headersFrame encodes fields with the static table only.
func headersFrame(fields ...string) []byte {
	var hf []qpack.HeaderField
	for i := 0; i+1 < len(fields); i += 2 {
		hf = append(hf, qpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	enc := qpack.NewEncoder(qpack.EncoderConfig{})
	return frame(nil, 0x01, enc.EncodeFieldSection(nil, 0, hf))
}

// getFields is a valid GET request's header list.
var getFields = []string{":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/"}

// rawPeer drives one end of a connection byte by byte against the real
// implementation at the other end.
type rawPeer struct {
	t    testing.TB
	conn *fakequic.Conn
	done chan error
}

// newRawClient connects a raw client to srv.
func newRawClient(t testing.TB, srv *http3.Server) *rawPeer {
	c, s := fakequic.NewPair(fakequic.Config{})
	p := &rawPeer{t: t, conn: c, done: make(chan error, 1)}
	go func() { p.done <- srv.ServeConn(s) }()
	t.Cleanup(func() {
		c.CloseWithError(0, "test over")
		<-p.done
	})
	return p
}

// uni opens a unidirectional stream and writes b to it.
func (p *rawPeer) uni(b []byte) http3.SendStream {
	p.t.Helper()
	s, err := p.conn.OpenUniStream()
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := s.Write(b); err != nil {
		p.t.Fatal(err)
	}
	return s
}

// control opens a control stream holding an empty SETTINGS plus extra.
func (p *rawPeer) control(extra []byte) http3.SendStream {
	return p.uni(append(frame([]byte{0x00}, 0x04, nil), extra...))
}

// request opens a request stream, writes b and optionally FIN.
func (p *rawPeer) request(b []byte, fin bool) http3.Stream {
	p.t.Helper()
	s, err := p.conn.OpenStream()
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := s.Write(b); err != nil {
		p.t.Fatal(err)
	}
	if fin {
		s.Close()
	}
	return s
}

// closeCode waits for the connection to close and returns the code the
// peer closed it with.
func (p *rawPeer) closeCode() uint64 {
	p.t.Helper()
	<-p.conn.Context().Done()
	e := p.conn.CloseError()
	if !e.Remote {
		p.t.Fatalf("connection closed locally: %v", e)
	}
	return e.Code
}

// resetCode reads s to the end and returns the reset code, or 0 and the
// data when the stream ended normally.
func resetCode(s io.Reader) (uint64, []byte) {
	b, err := io.ReadAll(s)
	if se, ok := http3.AsStreamError(err); ok {
		return se.Code, b
	}
	return 0, b
}
