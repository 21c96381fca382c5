package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"github.com/quicr/quicr/http3"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/quicr/quicr/interop/hq"
	"github.com/quicr/quicr/quic"
)

// ticketWait bounds the wait for a session ticket before the resumption
// pattern's first connection closes (quic-go waits as long).
const ticketWait = 10 * time.Second

// fetchAction fetches every URL and prints the summary.
func fetchAction(c *cli.Context) error {
	o, ok, err := newOptions(c)
	if err != nil {
		return cli.Exit(err, exitError)
	}
	if !ok {
		return cli.Exit(fmt.Sprintf("test case %q is not supported", o.testcase), exitUnsupported)
	}
	if o.chacha20 {
		offerOnlyChaCha20()
	}
	tickets := newTicketCache()
	tlsConf, closeKeyLog, err := clientTLS(o, tickets)
	if err != nil {
		return cli.Exit(err, exitError)
	}
	defer closeKeyLog()
	logger := log.New(c.App.ErrWriter, "", log.LstdFlags|log.Lmicroseconds)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	f := &fetcher{o: o, tls: tlsConf, tickets: tickets, log: logger, results: make([]result, len(o.targets))}
	f.progress = newProgress(c.App.ErrWriter, o.quiet)
	start := time.Now()
	err = f.run(ctx)
	f.progress.finish()
	elapsed := time.Since(start)
	if !o.quiet {
		printSummary(c.App.Writer, o.out, o.targets, f.results, elapsed)
	}
	failed := 0
	for i, r := range f.results {
		if r.err != nil {
			failed++
			logger.Printf("%s: %v", o.targets[i].url, r.err)
		} else if !r.done {
			failed++
		}
	}
	switch {
	case err != nil:
		return cli.Exit(err, exitError)
	case failed > 0:
		return cli.Exit(fmt.Sprintf("%d of %d files failed", failed, len(o.targets)), exitError)
	}
	return nil
}

// result is the outcome of one file.
type result struct {
	done  bool
	bytes int64
	time  time.Duration
	err   error
}

// verbosef logs with --verbose only.
func (f *fetcher) verbosef(format string, args ...any) {
	if f.o.verbose {
		f.log.Printf(format, args...)
	}
}

// fetcher runs the connection pattern of its options.
type fetcher struct {
	o        *options
	tls      *tls.Config
	tickets  *ticketCache
	h3mu     sync.Mutex
	h3       map[*quic.Conn]*http3.Transport // HTTP/3 clients, one per connection
	log      *log.Logger
	progress *progress
	results  []result // indexed like o.targets
}

// run fetches all targets, filling f.results. Its error is about
// connections; each file's own error is in its result.
func (f *fetcher) run(ctx context.Context) error {
	all := make([]int, len(f.o.targets))
	for i := range all {
		all[i] = i
	}
	switch f.o.mode {
	case modeSequential:
		for _, i := range all {
			if err := f.fetchOnOne(ctx, []int{i}, false); err != nil {
				return err
			}
		}
		return nil
	case modeResume:
		if err := f.fetchOnOne(ctx, all[:1], false); err != nil {
			return err
		}
		return f.fetchGrouped(ctx, all[1:], true)
	}
	return f.fetchGrouped(ctx, all, false)
}

// fetchGrouped fetches the targets idx with one connection per server.
func (f *fetcher) fetchGrouped(ctx context.Context, idx []int, resumed bool) error {
	var order []string
	groups := map[string][]int{}
	for _, i := range idx {
		a := f.o.targets[i].addr
		if _, ok := groups[a]; !ok {
			order = append(order, a)
		}
		groups[a] = append(groups[a], i)
	}
	for _, a := range order {
		if err := f.fetchOnOne(ctx, groups[a], resumed); err != nil {
			return err
		}
	}
	return nil
}

// fetchOnOne fetches the targets idx, which share a server, concurrently
// on one new connection, then closes it with code 0. With mustResume the
// connection has to resume the TLS session of an earlier one, and with
// 0-RTT allowed it sends its requests before the handshake completes; in
// resume mode the connection that fetches the first URL waits for a
// ticket.
func (f *fetcher) fetchOnOne(ctx context.Context, idx []int, mustResume bool) error {
	t0 := f.o.targets[idx[0]]
	early := mustResume && f.o.conf.Allow0RTT
	conn, err := f.dial(ctx, t0, early)
	if err != nil {
		for _, i := range idx {
			f.results[i].err = err
		}
		return fmt.Errorf("connecting to %s: %w", t0.addr, err)
	}
	defer f.close(conn)
	if !early {
		f.logConnected(conn)
	}
	var ku io.Writer
	if f.o.keyUpdate {
		ku = &keyUpdater{conn: conn.Conn, log: f.verbosef}
	}
	var wg sync.WaitGroup
	for _, i := range idx {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.results[i] = f.get(ctx, conn.Conn, &f.o.targets[i], ku)
		}()
	}
	wg.Wait()
	if mustResume {
		// For 0-RTT, the handshake may still be running.
		select {
		case <-conn.HandshakeComplete():
		case <-conn.Context().Done():
		}
		if early {
			f.logConnected(conn)
		}
		st := conn.ConnectionState()
		if !st.TLS.DidResume {
			return fmt.Errorf("the connection to %s did not resume the TLS session", t0.addr)
		}
		if early && !st.Used0RTT {
			f.log.Printf("warning: %s did not accept 0-RTT; the requests were sent again in 1-RTT", t0.addr)
		}
	}
	if f.o.mode == modeResume && !mustResume {
		select {
		case <-f.tickets.stored:
		case <-time.After(ticketWait):
			return fmt.Errorf("no session ticket from %s within %v", t0.addr, ticketWait)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// get fetches one file into its output path; a failed download leaves no
// file behind.
func (f *fetcher) get(ctx context.Context, conn *quic.Conn, t *target, also io.Writer) result {
	name := t.outPath(f.o.out)
	file := &lazyFile{name: name}
	ws := []io.Writer{file}
	if f.progress != nil {
		ws = append(ws, f.progress)
	}
	if also != nil {
		ws = append(ws, also)
	}
	w := io.MultiWriter(ws...)
	start := time.Now()
	var n int64
	var err error
	if f.o.alpn == http3.NextProtoH3 {
		n, err = h3Get(ctx, f.h3For(conn), t, w)
	} else {
		n, err = hq.Get(ctx, conn, "/"+t.file, w)
	}
	d := time.Since(start)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if file.f != nil {
			os.Remove(name)
		}
		var se *quic.StreamError
		if errors.As(err, &se) && se.Remote {
			err = fmt.Errorf("the server refused the request (stream reset, code %#x)", uint64(se.Code))
		}
		return result{bytes: n, time: d, err: err}
	}
	if f.o.verbose {
		f.log.Printf("%s: %d bytes in %v", name, n, d.Round(time.Microsecond))
	}
	return result{done: true, bytes: n, time: d}
}

// lazyFile creates its file at the first write, or at Close if nothing was
// written: the file system sees one file at a time being created as
// responses arrive rather than a burst of thousands before any request.
type lazyFile struct {
	name string
	f    *os.File
	err  error
}

func (l *lazyFile) open() error {
	if l.f == nil && l.err == nil {
		if l.err = os.MkdirAll(filepath.Dir(l.name), 0o755); l.err == nil {
			l.f, l.err = os.Create(l.name)
		}
	}
	return l.err
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if err := l.open(); err != nil {
		return 0, err
	}
	return l.f.Write(p)
}

// Close creates the file if it is still missing (an empty body) and
// closes it.
func (l *lazyFile) Close() error {
	if err := l.open(); err != nil {
		return err
	}
	return l.f.Close()
}

// h3For returns the HTTP/3 client of conn: one per QUIC connection, since
// HTTP/3 keeps connection state (control and QPACK streams) on it.
func (f *fetcher) h3For(conn *quic.Conn) *http3.Transport {
	f.h3mu.Lock()
	defer f.h3mu.Unlock()
	if f.h3 == nil {
		f.h3 = make(map[*quic.Conn]*http3.Transport)
	}
	tr, ok := f.h3[conn]
	if !ok {
		tr = &http3.Transport{Dial: func(context.Context, string, *tls.Config) (http3.Conn, error) {
			return http3.NewConn(conn), nil
		}}
		f.h3[conn] = tr
	}
	return tr
}

// h3Get fetches t's URL with HTTP/3 (RFC 9114) through tr.
func h3Get(ctx context.Context, tr *http3.Transport, t *target, w io.Writer) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", t.url, resp.Status)
	}
	return io.Copy(w, resp.Body)
}
