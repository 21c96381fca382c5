package core

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/simnet"
	"github.com/quicr/quicr/quic/internal/streams"
)

// impairedLink is the runner's default link with 5 % loss, reordering
// (jitter) and duplication.
func impairedLink() simnet.LinkConfig {
	link := simnet.SimpleP2P()
	link.Bandwidth = 100_000_000
	link.Queue = 100
	link.LossPercent = 5
	link.Jitter = 5 * time.Millisecond
	link.DuplicatePercent = 2
	return link
}

// runOneStream sends data on one client stream and returns what the server
// read, failing the test if the transfer does not finish within limit.
func runOneStream(t *testing.T, p *simnet.Pair, c *Conn, sv *simEP, data []byte, limit time.Duration) []byte {
	t.Helper()
	got, err := runUpload(t, p, c, sv, data, limit, nil)
	if err != nil {
		t.Fatalf("transfer: %v; got %d of %d bytes; client %+v err %v", err, len(got), len(data), c.Stats(), c.Err())
	}
	return got
}

// TestSimTransferImpaired moves 10 MB on one stream over a link that
// loses, reorders and duplicates datagrams; the bytes must arrive exactly.
func TestSimTransferImpaired(t *testing.T) {
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), impairedLink())
	data := randomData(10<<20, 11)
	got := runOneStream(t, p, c, sv, data, 120*time.Second)
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("data differs: got %d bytes", len(got))
	}
	st := p.ToServer.Stats()
	if st.Duplicated == 0 || st.TotalDropped() == 0 {
		t.Fatalf("link did not impair: %v", st)
	}
	t.Logf("10 MB in %v virtual; link %v; client %+v", time.Duration(p.Now()), st, c.Stats())
}

// echoStream is one of the many streams: the client writes req, the
// server echoes it back, the client reads the echo to EOF.
type echoStream struct {
	id       streams.ID
	req      []byte
	sent     int
	closed   bool
	echo     []byte
	done     bool
	svBuf    []byte
	svEOF    bool
	svSent   int
	svClosed bool
}

// TestSimManyStreams opens 1000 bidirectional streams of 1-4 KiB, each
// echoed by the server, over an impaired link. The server allows only 100
// concurrent streams, so the client must block and continue when
// MAX_STREAMS re-issues credit (RFC 9000, 4.6).
func TestSimManyStreams(t *testing.T) {
	const n = 1000
	p, _, sv, c := newSimPair(t, simnet.TestSeed(t), impairedLink())
	rng := newRand(5)
	var all []*echoStream
	byID := map[streams.ID]*echoStream{}
	blocked := 0
	maxOpen := 0
	svByID := map[streams.ID]*echoStream{}
	var tmp [8192]byte
	finished := 0
	err := p.RunUntil(func() bool {
		if !c.HandshakeComplete() {
			return false
		}
		// Client: open as many streams as the peer allows.
		for len(all) < n {
			id, ok := c.OpenStream(streams.Bidi)
			if !ok {
				blocked++
				break
			}
			var sz [2]byte
			rng.Read(sz[:])
			size := 1024 + int(sz[0])<<8%3072 + int(sz[1])
			es := &echoStream{id: id, req: randomData(size, uint64(len(all)))}
			all = append(all, es)
			byID[id] = es
		}
		open := 0
		for _, es := range all {
			if !es.done {
				open++
			}
			if !es.closed {
				m, err := c.StreamWrite(es.id, es.req[es.sent:])
				if err != nil {
					t.Fatalf("write %v: %v", es.id, err)
				}
				es.sent += m
				if es.sent == len(es.req) {
					if err := c.StreamClose(es.id); err != nil {
						t.Fatal(err)
					}
					es.closed = true
				}
			}
			for !es.done {
				m, err := c.StreamRead(es.id, tmp[:])
				es.echo = append(es.echo, tmp[:m]...)
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatalf("read %v: %v", es.id, err)
					}
					es.done = true
					finished++
					break
				}
				if m == 0 {
					break
				}
			}
		}
		maxOpen = max(maxOpen, open)
		// Server: read each stream to EOF, then echo it and close.
		if len(sv.accepted) == 1 {
			s := sv.accepted[0]
			for _, id := range sv.opened[s] {
				es := byID[id]
				if es == nil {
					t.Fatalf("server saw stream %v the client never opened", id)
				}
				svByID[id] = es
			}
			sv.opened[s] = sv.opened[s][:0]
			for id, es := range svByID {
				for !es.svEOF {
					m, err := s.StreamRead(id, tmp[:])
					es.svBuf = append(es.svBuf, tmp[:m]...)
					if err != nil {
						if !errors.Is(err, io.EOF) {
							t.Fatalf("server read %v: %v", id, err)
						}
						es.svEOF = true
					}
					if m == 0 {
						break
					}
				}
				if es.svEOF && !es.svClosed {
					m, err := s.StreamWrite(id, es.svBuf[es.svSent:])
					if err != nil {
						t.Fatalf("server write %v: %v", id, err)
					}
					es.svSent += m
					if es.svSent == len(es.svBuf) {
						s.StreamClose(id)
						es.svClosed = true
					}
				}
			}
			for id, es := range svByID {
				if es.svClosed {
					delete(svByID, id)
				}
			}
		}
		return finished == n
	}, 120*time.Second)
	if err != nil {
		t.Fatalf("streams: %v; %d of %d finished, %d opened; client err %v", err, finished, n, len(all), c.Err())
	}
	for _, es := range all {
		if !bytes.Equal(es.echo, es.req) || sha256.Sum256(es.svBuf) != sha256.Sum256(es.req) {
			t.Fatalf("stream %v: sent %d bytes, server read %d, echo %d", es.id, len(es.req), len(es.svBuf), len(es.echo))
		}
	}
	if blocked == 0 || maxOpen > 100 {
		t.Fatalf("stream limit not enforced: blocked %d times, up to %d open at once", blocked, maxOpen)
	}
	t.Logf("%d streams in %v virtual; client blocked %d times; max open %d; client %+v", n, time.Duration(p.Now()), blocked, maxOpen, c.Stats())
}
