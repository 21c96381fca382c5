package fakequic

import (
	"context"
	"errors"
	"io"
	"testing"
)

// TestStreamIDs checks QUIC's stream ID layout (RFC 9000, 2.1).
func TestStreamIDs(t *testing.T) {
	c, s := NewPair(Config{})
	var got []int64
	for range 2 {
		b, _ := c.OpenStream()
		u, _ := c.OpenUniStream()
		sb, _ := s.OpenStream()
		su, _ := s.OpenUniStream()
		got = append(got, b.StreamID(), u.StreamID(), sb.StreamID(), su.StreamID())
	}
	want := []int64{0, 2, 1, 3, 4, 6, 5, 7}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("IDs %v, want %v", got, want)
		}
	}
}

func TestDataFinAndReset(t *testing.T) {
	c, s := NewPair(Config{StreamBuffer: 4})
	ctx := context.Background()
	cs, _ := c.OpenStream()
	go func() {
		cs.Write([]byte("hello world"))
		cs.Close()
	}()
	ss, err := s.AcceptStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(ss)
	if err != nil || string(b) != "hello world" {
		t.Fatalf("read %q %v", b, err)
	}
	ss.CancelWrite(7)
	_, err = cs.Read(make([]byte, 1))
	var se *StreamError
	if !errors.As(err, &se) || se.Code != 7 || !se.Remote {
		t.Fatalf("read after reset: %v", err)
	}
	// STOP_SENDING on a fresh stream: the writer sees the code.
	cs2, _ := c.OpenStream()
	ss2, _ := s.AcceptStream(ctx)
	ss2.CancelRead(9)
	if _, err := cs2.Write([]byte("x")); !errors.As(err, &se) || se.Code != 9 || !se.Remote {
		t.Fatalf("write after stop: %v", err)
	}
}

func TestStreamLimitAndClose(t *testing.T) {
	c, s := NewPair(Config{MaxBidiStreams: 1})
	a, _ := c.OpenStream()
	if _, err := c.OpenStream(); !errors.Is(err, ErrStreamLimit) {
		t.Fatalf("second stream: %v", err)
	}
	ctx := context.Background()
	sa, _ := s.AcceptStream(ctx)
	a.Close()
	io.ReadAll(sa)
	sa.Close()
	io.ReadAll(a)
	if _, err := c.OpenStreamSync(ctx); err != nil {
		t.Fatalf("stream after credit returned: %v", err)
	}
	s.CloseWithError(42, "bye")
	<-c.Context().Done()
	if e := c.CloseError(); e.Code != 42 || !e.Remote {
		t.Fatalf("close %v", e)
	}
	if _, err := c.AcceptStream(ctx); err == nil {
		t.Fatal("accept on closed connection")
	}
}
