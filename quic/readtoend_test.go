package quic

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"testing"
	"time"
)

// TestReadToEnd reads a 1 MiB echo with ReadToEnd: whole, after an
// ordered Read of its head (ReadToEnd returns the rest, from where Read
// stopped), and over its limit.
func TestReadToEnd(t *testing.T) {
	data := make([]byte, 1<<20)
	rand.Read(data)
	tests := []struct {
		name    string
		head    int // read with Read first
		limit   int
		wantErr error
	}{
		{"whole", 0, len(data), nil},
		{"after Read", 100_000, len(data), nil},
		{"over the limit", 0, len(data) - 1, ErrTooLarge},
		{"rest within the limit", 10, len(data) - 10, nil},
	}
	srv, ctls := echoServer(t, nil)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, srv.Addr().String(), ctls, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseWithError(0, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := c.OpenStreamSync(ctx)
			if err != nil {
				t.Fatal(err)
			}
			go func() {
				s.Write(data)
				s.Close()
			}()
			head := make([]byte, tt.head)
			if _, err := io.ReadFull(&s.RecvStream, head); err != nil {
				t.Fatal(err)
			}
			rest, err := s.ReadToEnd(tt.limit)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadToEnd: %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if !bytes.Equal(append(head, rest...), data) {
				t.Errorf("head %d + rest %d bytes differ from the %d sent", len(head), len(rest), len(data))
			}
		})
	}
}
