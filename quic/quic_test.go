package quic

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTLS returns a server config with a fresh self-signed certificate and
// a client config that trusts it.
func testTLS(t testing.TB) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		NextProtos:   []string{"quicr-test"},
	}
	client = &tls.Config{RootCAs: pool, ServerName: "localhost", NextProtos: []string{"quicr-test"}}
	return server, client
}

// echoServer accepts connections on 127.0.0.1 and echoes every stream.
func echoServer(t testing.TB, conf *Config) (*Endpoint, *tls.Config) {
	return echoServerConf(t, "127.0.0.1:0", conf)
}

// echoServerOn is echoServer on another address.
func echoServerOn(t testing.TB, addr string) (*Endpoint, *tls.Config) {
	return echoServerConf(t, addr, nil)
}

func echoServerConf(t testing.TB, addr string, conf *Config) (*Endpoint, *tls.Config) {
	stls, ctls := testTLS(t)
	ep, err := Listen(addr, stls, conf)
	if err != nil {
		t.Fatal(err)
	}
	go serveEcho(ep)
	return ep, ctls
}

// listenClient opens a client endpoint on 127.0.0.1 that the test's
// cleanup closes (closing it earlier is fine).
func listenClient(t testing.TB, conf *Config) *Endpoint {
	t.Helper()
	ep, err := Listen("127.0.0.1:0", nil, conf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ep.Close() })
	return ep
}

// serveEcho accepts connections on ep and echoes every stream, until ep
// closes.
func serveEcho(ep *Endpoint) {
	for {
		c, err := ep.Accept(context.Background())
		if err != nil {
			return
		}
		go func() {
			for {
				s, err := c.AcceptStream(context.Background())
				if err != nil {
					return
				}
				go func() {
					io.Copy(&s.SendStream, &s.RecvStream)
					s.Close()
				}()
			}
		}()
	}
}

func TestEchoManyStreams(t *testing.T) {
	srv, ctls := echoServer(t, nil)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.OpenStreamSync(ctx)
			if err != nil {
				errs <- err
				return
			}
			msg := bytes.Repeat([]byte(fmt.Sprintf("stream %d;", i)), 10+i%50)
			if _, err := s.Write(msg); err != nil {
				errs <- err
				return
			}
			s.Close()
			got, err := io.ReadAll(&s.RecvStream)
			if err != nil {
				errs <- fmt.Errorf("stream %d: %w", i, err)
				return
			}
			if !bytes.Equal(got, msg) {
				errs <- fmt.Errorf("stream %d: echo differs", i)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st := c.Stats()
	t.Logf("stats: %+v", st)
}
