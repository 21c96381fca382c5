package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"github.com/quicr/quicr/http3"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quicr/quicr/interop/hq"
	"github.com/quicr/quicr/quic"
)

// serveAction runs the server until SIGINT or SIGTERM.
func serveAction(c *cli.Context) error {
	logger := log.New(c.App.ErrWriter, "", log.LstdFlags|log.Lmicroseconds)
	o, ok, err := newOptions(c)
	if err != nil {
		return cli.Exit(err, exitError)
	}
	if !ok {
		return cli.Exit(fmt.Sprintf("test case %q is not supported", o.testcase), exitUnsupported)
	}
	tlsConf, closeKeyLog, err := serverTLS(o, logger)
	if err != nil {
		return cli.Exit(err, exitError)
	}
	defer closeKeyLog()
	ep, err := quic.Listen(o.listen, tlsConf, &o.conf)
	if err != nil && o.testcase != "" && !c.IsSet("listen") {
		// A host without IPv6 still serves IPv4.
		logger.Printf("listening on %s: %v; trying IPv4 only", o.listen, err)
		ep, err = quic.Listen(runnerListenV4, tlsConf, &o.conf)
	}
	if err != nil {
		return cli.Exit(err, exitError)
	}
	if !o.quiet {
		mode := ""
		if o.testcase != "" {
			mode = fmt.Sprintf("; interop runner test case %s", o.testcase)
		}
		logger.Printf("serving %s on %s, ALPN %v, versions %v%s", o.www, ep.Addr(), o.alpn, o.conf.Versions, mode)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	serve(ctx, ep, o, logger)
	return nil
}

// serverTLS builds the one tls.Config every connection shares, so that
// session tickets issued on one connection resume on the next.
func serverTLS(o *options, logger *log.Logger) (*tls.Config, func(), error) {
	var (
		cert tls.Certificate
		err  error
	)
	if o.certFile != "" {
		cert, err = loadCertificate(o.certFile, o.keyFile)
	} else {
		cert, err = selfSigned()
		if err == nil && !o.quiet {
			logger.Printf("self-signed certificate for %v, SHA-256 fingerprint %s", cert.Leaf.DNSNames, fingerprint(cert.Certificate[0]))
		}
	}
	if err != nil {
		return nil, nil, err
	}
	conf := &tls.Config{
		Certificates: []tls.Certificate{cert},
		NextProtos:   o.alpn,
		MinVersion:   tls.VersionTLS13,
	}
	// The quic package clones the config for each connection, and each
	// clone would make its own session ticket keys on first use: a ticket
	// from one connection could never resume on the next. Explicit keys
	// are shared by all clones.
	var ticketKey [32]byte
	if _, err := rand.Read(ticketKey[:]); err != nil {
		return nil, nil, err
	}
	conf.SetSessionTicketKeys([][32]byte{ticketKey})
	closeKeyLog := func() {}
	if o.keylog != "" {
		f, err := openKeyLog(o.keylog)
		if err != nil {
			return nil, nil, fmt.Errorf("key log: %w", err)
		}
		conf.KeyLogWriter = &syncWriter{w: f}
		closeKeyLog = func() { f.Close() }
	}
	return conf, closeKeyLog, nil
}

// serve accepts connections until ctx is done, then closes the endpoint
// and waits for every connection's goroutine.
func serve(ctx context.Context, ep *quic.Endpoint, o *options, logger *log.Logger) {
	srv := &hq.Server{Root: o.www}
	if o.verbose {
		srv.Logf = logger.Printf
	}
	// HTTP/3 for connections that negotiated h3 (RFC 9114), serving the
	// same directory.
	h3 := &http3.Server{Handler: http.FileServer(http.Dir(o.www))}
	var wg sync.WaitGroup
	defer wg.Wait()
	defer ep.Close()
	for {
		conn, err := ep.Accept(ctx)
		if err != nil {
			if ctx.Err() == nil {
				logger.Printf("accept: %v", err)
			}
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			serveConn(ctx, srv, h3, conn, o, logger)
		}()
	}
}

// serveConn serves one connection and logs a line about it.
func serveConn(ctx context.Context, srv *hq.Server, h3 *http3.Server, conn *quic.Conn, o *options, logger *log.Logger) {
	start := time.Now()
	state := conn.ConnectionState()
	var err error
	if state.TLS.NegotiatedProtocol == http3.NextProtoH3 {
		stop := context.AfterFunc(ctx, func() { conn.CloseWithError(0, "") })
		err = h3.ServeConn(http3.NewConn(conn))
		stop()
		if conn.Context().Err() != nil {
			err = nil // the connection ended: a normal end for HTTP/3
		}
	} else {
		err = srv.ServeConn(ctx, conn)
	}
	if o.quiet && err == nil {
		return
	}
	st := conn.Stats()
	end := "closed"
	if err != nil {
		end = err.Error()
	}
	resumed := ""
	if state.TLS.DidResume {
		resumed = " resumed"
	}
	logger.Printf("%s %s %s%s %s: %s sent, %s received, %s",
		conn.RemoteAddr(), state.Version, state.TLS.NegotiatedProtocol, resumed,
		time.Since(start).Round(100*time.Microsecond), byteCount(st.BytesSent), byteCount(st.BytesReceived), end)
}

// byteCount formats a byte count with a binary unit.
func byteCount(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
