package streams

import (
	"errors"
	"testing"

	"github.com/quicr/quicr/quic/internal/qerr"
)

func TestID(t *testing.T) {
	tests := []struct {
		id             ID
		client         bool
		dir            Dir
		num            uint64
		clientCanSend  bool
		serverCanSend  bool
		clientCanRecv  bool
		serverCanRecvd bool
	}{
		{0, true, Bidi, 0, true, true, true, true},
		{1, false, Bidi, 0, true, true, true, true},
		{2, true, Uni, 0, true, false, false, true},
		{3, false, Uni, 0, false, true, true, false},
		{4*7 + 2, true, Uni, 7, true, false, false, true},
	}
	for _, tt := range tests {
		if tt.id.ClientInitiated() != tt.client || tt.id.Dir() != tt.dir || tt.id.Num() != tt.num {
			t.Errorf("%d: client %v dir %v num %d", tt.id, tt.id.ClientInitiated(), tt.id.Dir(), tt.id.Num())
		}
		if NewID(tt.num, tt.client, tt.dir) != tt.id {
			t.Errorf("NewID(%d, %v, %v) = %d, want %d", tt.num, tt.client, tt.dir, NewID(tt.num, tt.client, tt.dir), tt.id)
		}
		if tt.id.CanSend(true) != tt.clientCanSend || tt.id.CanSend(false) != tt.serverCanSend ||
			tt.id.CanReceive(true) != tt.clientCanRecv || tt.id.CanReceive(false) != tt.serverCanRecvd {
			t.Errorf("%d: send/receive permissions wrong", tt.id)
		}
	}
}

func TestOpenLimit(t *testing.T) {
	l := NewOpenLimit(2)
	for i := uint64(0); i < 2; i++ {
		if !l.CanOpen() || l.Open() != i {
			t.Fatalf("stream %d not opened", i)
		}
	}
	if l.CanOpen() {
		t.Fatal("opened beyond the peer's limit")
	}
	if l.ShouldSendBlocked(false) {
		t.Error("STREAMS_BLOCKED with no stream wanted")
	}
	if !l.ShouldSendBlocked(true) {
		t.Error("STREAMS_BLOCKED not due at the limit")
	}
	l.MarkBlockedSent()
	if l.ShouldSendBlocked(true) {
		t.Error("STREAMS_BLOCKED due twice at one limit")
	}
	// RFC 9000, 4.6: "MAX_STREAMS frames that do not increase the stream
	// limit MUST be ignored."
	if l.UpdateMax(1) || l.UpdateMax(2) {
		t.Error("non-increasing MAX_STREAMS applied")
	}
	if !l.UpdateMax(3) || !l.CanOpen() || l.Open() != 2 {
		t.Error("MAX_STREAMS 3 did not allow a third stream")
	}
}

func TestAcceptLimitCreditReissued(t *testing.T) {
	l := NewAcceptLimit(4)
	// The peer opens stream 2 first: streams 0 and 1 open implicitly.
	from, to, err := l.OnPeerStream(2)
	if err != nil || from != 0 || to != 3 {
		t.Fatalf("OnPeerStream(2) = %d, %d, %v", from, to, err)
	}
	if from, to, _ := l.OnPeerStream(1); from != to {
		t.Errorf("reopened stream 1: [%d, %d)", from, to)
	}
	// RFC 9000, 4.6: "An endpoint that receives a frame with a stream ID
	// exceeding the limit it has sent MUST treat this as a connection error
	// of type STREAM_LIMIT_ERROR".
	var te *qerr.TransportError
	if _, _, err := l.OnPeerStream(4); !errors.As(err, &te) || te.Code != qerr.StreamLimitError {
		t.Fatalf("stream 4 with limit 4: %v", err)
	}
	// Over the connection's life the peer opens far more than 4 streams.
	total := uint64(3)
	for round := 0; round < 100; round++ {
		l.OnClosed()
		if l.ShouldUpdate() {
			l.Update()
		}
		for total < l.Advertised() {
			if _, _, err := l.OnPeerStream(total); err != nil {
				t.Fatalf("stream %d: %v", total, err)
			}
			total++
		}
	}
	if total < 100 {
		t.Errorf("peer could open only %d streams over 100 closes", total)
	}
	if open := total - l.closed; open > 4 {
		t.Errorf("%d streams open at once with a window of 4", open)
	}
}
