package flow

import (
	"errors"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

func TestSendWindow(t *testing.T) {
	w := NewSendWindow(100)
	if w.Available() != 100 || w.ShouldSendBlocked() {
		t.Fatalf("new window: available %d blocked %v", w.Available(), w.ShouldSendBlocked())
	}
	w.Consume(100)
	if w.Available() != 0 || !w.ShouldSendBlocked() {
		t.Fatalf("at limit: available %d blocked %v", w.Available(), w.ShouldSendBlocked())
	}
	w.MarkBlockedSent()
	if w.ShouldSendBlocked() {
		t.Error("DATA_BLOCKED due twice at the same limit")
	}
	w.BlockedLost(100)
	if !w.ShouldSendBlocked() {
		t.Error("lost DATA_BLOCKED not due again")
	}
	w.MarkBlockedSent()
	// RFC 9000, 4.1: "A sender MUST ignore any MAX_STREAM_DATA or MAX_DATA
	// frames that do not increase flow control limits."
	if w.UpdateMax(50) || w.UpdateMax(100) || w.Max() != 100 {
		t.Error("limit moved backwards or sideways")
	}
	if !w.UpdateMax(150) || w.Available() != 50 {
		t.Errorf("after MAX_DATA 150: available %d", w.Available())
	}
	w.BlockedLost(100) // stale loss: the limit moved on
	w.Consume(50)
	if !w.ShouldSendBlocked() {
		t.Error("blocked at new limit not reported")
	}
}

func TestSendWindowOverrunPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Consume beyond the limit did not panic")
		}
	}()
	w := NewSendWindow(10)
	w.Consume(11)
}

func TestRecvWindowViolation(t *testing.T) {
	tests := []struct {
		name    string
		receive func(w *RecvWindow) error
		wantErr bool
	}{
		{"stream at limit", func(w *RecvWindow) error { return w.Receive(1000) }, false},
		{"stream past limit", func(w *RecvWindow) error { return w.Receive(1001) }, true},
		{"stream retransmission below highest", func(w *RecvWindow) error {
			w.Receive(800)
			return w.Receive(400)
		}, false},
		{"connection at limit", func(w *RecvWindow) error {
			w.ReceiveMore(600)
			return w.ReceiveMore(400)
		}, false},
		{"connection past limit", func(w *RecvWindow) error {
			w.ReceiveMore(600)
			return w.ReceiveMore(401)
		}, true},
	}
	for _, tt := range tests {
		w := NewRecvWindow(1000, 1000)
		err := tt.receive(&w)
		var te *qerr.TransportError
		if tt.wantErr != (err != nil) {
			t.Errorf("%s: err = %v, want error %v", tt.name, err, tt.wantErr)
		}
		if err != nil && (!errors.As(err, &te) || te.Code != qerr.FlowControlError) {
			t.Errorf("%s: err = %v, want FLOW_CONTROL_ERROR", tt.name, err)
		}
	}
}

func TestRecvWindowUpdate(t *testing.T) {
	w := NewRecvWindow(1000, 1000)
	w.Receive(400)
	w.Consume(400)
	if w.ShouldUpdate() {
		t.Error("update due after 40% of the window")
	}
	w.Receive(600)
	w.Consume(200)
	if !w.ShouldUpdate() {
		t.Error("update not due after 60% of the window")
	}
	if got := w.Update(0, 10*time.Millisecond); got != 1600 || w.Limit() != 1600 {
		t.Errorf("Update = %d, want consumed+window = 1600", got)
	}
	if w.ShouldUpdate() {
		t.Error("update still due right after one")
	}
}

func TestRecvWindowAutoTune(t *testing.T) {
	const rtt = 10 * time.Millisecond
	ms := func(n int) protocol.Time { return protocol.Time(time.Duration(n) * time.Millisecond) }
	tests := []struct {
		name       string
		readEvery  protocol.Time // time between window-halves consumed
		wantWindow uint64
	}{
		// A window consumed within 4 RTTs limits throughput: it doubles each
		// epoch up to the ceiling.
		{"fast reader grows to max", ms(5), 8000},
		// A slow reader keeps the window where it is.
		{"slow reader keeps window", ms(100), 1000},
	}
	for _, tt := range tests {
		w := NewRecvWindow(1000, 8000)
		now := protocol.Time(0)
		w.Update(now, rtt) // starts the first epoch
		for i := 0; i < 20; i++ {
			now += tt.readEvery
			n := w.Window() / 2
			if err := w.Receive(w.Highest() + n); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			w.Consume(n)
			if w.ShouldUpdate() {
				w.Update(now, rtt)
			}
		}
		if w.Window() != tt.wantWindow {
			t.Errorf("%s: window %d, want %d", tt.name, w.Window(), tt.wantWindow)
		}
	}
}

func TestRecvWindowEnsure(t *testing.T) {
	w := NewRecvWindow(1000, 4000)
	w.EnsureWindow(1500)
	if w.Window() != 1500 {
		t.Errorf("window %d, want 1500", w.Window())
	}
	w.EnsureWindow(10000)
	if w.Window() != 4000 {
		t.Errorf("window %d, want ceiling 4000", w.Window())
	}
	w.EnsureWindow(10)
	if w.Window() != 4000 {
		t.Error("EnsureWindow shrank the window")
	}
}
