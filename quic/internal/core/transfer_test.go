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

// sender writes data to one stream as fast as the connection takes it.
type sender struct {
	c    *Conn
	id   streams.ID
	data []byte
	off  int
	done bool
}

func (s *sender) pump(t testing.TB) {
	for !s.done {
		n, err := s.c.StreamWrite(s.id, s.data[s.off:])
		if err != nil {
			t.Fatalf("write: %v", err)
		}
		s.off += n
		if s.off == len(s.data) {
			if err := s.c.StreamClose(s.id); err != nil {
				t.Fatalf("close: %v", err)
			}
			s.done = true
		}
		if n == 0 {
			return
		}
	}
}

// receiver reads one stream to EOF.
type receiver struct {
	buf []byte
	eof bool
}

func (r *receiver) pump(t testing.TB, c *Conn, id streams.ID) {
	var tmp [16384]byte
	for !r.eof {
		n, err := c.StreamRead(id, tmp[:])
		r.buf = append(r.buf, tmp[:n]...)
		if errors.Is(err, io.EOF) {
			r.eof = true
			return
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

func randomData(n int, seed uint64) []byte {
	b := make([]byte, n)
	newRand(seed).Read(b)
	return b
}

func TestSimTransfer(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		loss   float64
		jitter time.Duration
		limit  time.Duration
	}{
		{"1MB clean", 1 << 20, 0, 0, 10 * time.Second},
		{"10MB 5% loss with reordering", 10 << 20, 5, 5 * time.Millisecond, 120 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			link := simnet.SimpleP2P()
			link.Bandwidth = 100_000_000
			link.Queue = 100
			link.LossPercent = tt.loss
			link.Jitter = tt.jitter
			p, _, sv, c := newSimPair(t, simnet.TestSeed(t), link)
			data := randomData(tt.size, 7)
			got := runOneStream(t, p, c, sv, data, tt.limit)
			if sha256.Sum256(got) != sha256.Sum256(data) || !bytes.Equal(got, data) {
				t.Fatalf("data differs: got %d bytes", len(got))
			}
			el := time.Duration(p.Now())
			t.Logf("%d bytes in %v virtual (%.1f Mbit/s); client %+v", len(data), el, float64(len(data))*8/el.Seconds()/1e6, c.Stats())
		})
	}
}

// runUpload sends data from c on one new bidirectional stream once the
// handshake completes and reads it on the server's first accepted
// connection, stepping p until the stream ends (or limit passes). each, if
// set, runs at every step (to rebind, update keys...). It returns what
// arrived.
func runUpload(t *testing.T, p *simnet.Pair, c *Conn, sv *simEP, data []byte, limit time.Duration, each func()) ([]byte, error) {
	t.Helper()
	var snd *sender
	var rcv receiver
	err := p.RunUntil(func() bool {
		if c.HandshakeComplete() && snd == nil {
			id, ok := c.OpenStream(streams.Bidi)
			if !ok {
				t.Fatal("cannot open a stream")
			}
			snd = &sender{c: c, id: id, data: data}
		}
		if snd != nil {
			snd.pump(t)
		}
		if len(sv.accepted) == 1 && len(sv.opened[sv.accepted[0]]) > 0 {
			rcv.pump(t, sv.accepted[0], sv.opened[sv.accepted[0]][0])
		}
		if each != nil {
			each()
		}
		return rcv.eof
	}, limit)
	return rcv.buf, err
}
