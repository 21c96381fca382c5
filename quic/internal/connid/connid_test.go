package connid

import (
	"errors"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

func cid(b ...byte) protocol.ConnectionID { return protocol.NewConnectionID(b) }

func wantCode(t *testing.T, what string, err error, code qerr.TransportErrorCode) {
	t.Helper()
	var te *qerr.TransportError
	if !errors.As(err, &te) || te.Code != code {
		t.Errorf("%s: err = %v, want %v", what, err, code)
	}
}

func TestLocalIssueAndRetire(t *testing.T) {
	l := NewLocal(cid(0xa0))
	n := byte(0)
	gen := func() (protocol.ConnectionID, ResetToken) {
		n++
		return cid(0xb0, n), ResetToken{n}
	}
	var added []protocol.ConnectionID
	l.SetPeerLimit(4)
	l.Issue(gen, func(c protocol.ConnectionID) { added = append(added, c) })
	if l.Active() != 4 || len(added) != 3 {
		t.Fatalf("active %d, added %d; want 4 and 3", l.Active(), len(added))
	}
	var sent []uint64
	b := l.AppendPending(nil, func(int) bool { return true }, func(seq uint64) { sent = append(sent, seq) })
	if len(sent) != 3 || sent[0] != 1 || len(b) == 0 || l.HasPending() {
		t.Fatalf("sent %v (%d bytes), pending %v", sent, len(b), l.HasPending())
	}
	l.OnLost(2)
	if !l.HasPending() {
		t.Error("lost NEW_CONNECTION_ID not re-queued")
	}

	// RFC 9000, 19.16: "Receipt of a RETIRE_CONNECTION_ID frame containing a
	// sequence number greater than any previously sent to the peer MUST be
	// treated as a connection error of type PROTOCOL_VIOLATION."
	_, _, err := l.OnRetire(9, cid(0xa0))
	wantCode(t, "retire unissued", err, qerr.ProtocolViolation)
	// "The sequence number specified in a RETIRE_CONNECTION_ID frame MUST NOT
	// refer to the Destination Connection ID field of the packet in which the
	// frame is contained."
	_, _, err = l.OnRetire(0, cid(0xa0))
	wantCode(t, "retire own packet's ID", err, qerr.ProtocolViolation)

	got, ok, err := l.OnRetire(0, cid(0xb0, 1))
	if err != nil || !ok || got != cid(0xa0) || l.Contains(cid(0xa0)) {
		t.Fatalf("retire seq 0: %v %v %v", got, ok, err)
	}
	if _, ok, err := l.OnRetire(0, cid(0xb0, 1)); ok || err != nil {
		t.Errorf("second retire of seq 0: ok %v err %v", ok, err)
	}
	added = nil
	l.Issue(gen, func(c protocol.ConnectionID) { added = append(added, c) })
	if len(added) != 1 || l.Active() != 4 {
		t.Errorf("replacement: added %d, active %d", len(added), l.Active())
	}
}

func TestLocalZeroLength(t *testing.T) {
	l := NewLocal(protocol.ConnectionID{})
	l.SetPeerLimit(8)
	l.Issue(func() (protocol.ConnectionID, ResetToken) {
		t.Fatal("issued an ID alongside a zero-length one")
		return protocol.ConnectionID{}, ResetToken{}
	}, func(protocol.ConnectionID) {})
	_, _, err := l.OnRetire(0, protocol.ConnectionID{})
	wantCode(t, "retire with zero-length IDs", err, qerr.ProtocolViolation)
}

func TestRemoteNewConnectionID(t *testing.T) {
	tests := []struct {
		name   string
		frames [][2]uint64 // seq, retire prior to; cid = 0xc0+seq
		code   qerr.TransportErrorCode
		active int
		retire int
	}{
		{"within limit", [][2]uint64{{1, 0}, {2, 0}, {3, 0}}, 0, 4, 0},
		{"duplicate frame ignored", [][2]uint64{{1, 0}, {1, 0}}, 0, 2, 0},
		// RFC 9000, 5.1.1: "if the number of active connection IDs exceeds the
		// value advertised in its active_connection_id_limit transport
		// parameter, an endpoint MUST close the connection with an error of
		// type CONNECTION_ID_LIMIT_ERROR."
		{"over limit", [][2]uint64{{1, 0}, {2, 0}, {3, 0}, {4, 0}}, qerr.ConnectionIDLimitError, 0, 0},
		// Retire Prior To retires first, then adds: no limit error.
		{"replace all", [][2]uint64{{1, 0}, {2, 0}, {3, 0}, {4, 4}}, 0, 1, 4},
		{"stale retire prior to ignored", [][2]uint64{{1, 1}, {2, 0}}, 0, 2, 1},
		// "An endpoint that receives a NEW_CONNECTION_ID frame with a sequence
		// number smaller than the Retire Prior To field of a previously
		// received NEW_CONNECTION_ID frame MUST send a corresponding
		// RETIRE_CONNECTION_ID frame"
		{"late frame below retire prior to", [][2]uint64{{3, 2}, {1, 0}}, 0, 1, 2},
	}
	for _, tt := range tests {
		r := NewRemote(cid(0xc0), 4)
		var err error
		for _, f := range tt.frames {
			if err = r.OnNewConnectionID(f[0], f[1], cid(0xc0+byte(f[0])), ResetToken{byte(f[0])}); err != nil {
				break
			}
		}
		if tt.code != 0 {
			wantCode(t, tt.name, err, tt.code)
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var retired []uint64
		r.AppendPending(nil, func(int) bool { return true }, func(seq uint64) { retired = append(retired, seq) })
		if r.Active() != tt.active || len(retired) != tt.retire {
			t.Errorf("%s: active %d retired %v; want %d and %d", tt.name, r.Active(), retired, tt.active, tt.retire)
		}
		if r.Current().Len() == 0 {
			t.Errorf("%s: no current ID", tt.name)
		}
	}
}

func TestRemoteProtocolViolations(t *testing.T) {
	r := NewRemote(cid(0xc0), 4)
	if err := r.OnNewConnectionID(1, 0, cid(0xc1), ResetToken{1}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "same seq, other ID", r.OnNewConnectionID(1, 0, cid(0xc9), ResetToken{1}), qerr.ProtocolViolation)
	wantCode(t, "same ID, other seq", r.OnNewConnectionID(2, 0, cid(0xc1), ResetToken{1}), qerr.ProtocolViolation)
	// RFC 9000, 19.15: "An endpoint that is sending packets with a zero-length
	// Destination Connection ID MUST treat receipt of a NEW_CONNECTION_ID
	// frame as a connection error of type PROTOCOL_VIOLATION."
	z := NewRemote(protocol.ConnectionID{}, 4)
	wantCode(t, "zero-length peer", z.OnNewConnectionID(1, 0, cid(1), ResetToken{}), qerr.ProtocolViolation)
}

func TestRemoteRetirementBound(t *testing.T) {
	r := NewRemote(cid(0xc0), 2)
	var err error
	// Each frame retires everything before it; retirements are never
	// acknowledged, so the backlog grows to 2*limit and then fails.
	for seq := uint64(1); seq < 10 && err == nil; seq++ {
		err = r.OnNewConnectionID(seq, seq, cid(0xc0+byte(seq)), ResetToken{byte(seq)})
	}
	wantCode(t, "unacknowledged retirements", err, qerr.ConnectionIDLimitError)

	r = NewRemote(cid(0xc0), 2)
	for seq := uint64(1); seq < 10; seq++ {
		if err := r.OnNewConnectionID(seq, seq, cid(0xc0+byte(seq)), ResetToken{byte(seq)}); err != nil {
			t.Fatalf("seq %d with retirements acknowledged: %v", seq, err)
		}
		r.AppendPending(nil, func(int) bool { return true }, r.OnRetireAcked)
	}
}

func TestRemoteMigrationAndReset(t *testing.T) {
	r := NewRemote(cid(0xc0), 4)
	r.SetInitialResetToken(ResetToken{0xee})
	if r.SwitchToUnused() {
		t.Fatal("switched with no spare ID")
	}
	r.OnNewConnectionID(1, 0, cid(0xc1), ResetToken{0x11})
	if !r.HasUnused() || !r.SwitchToUnused() || r.Current() != cid(0xc1) {
		t.Fatalf("switch: current %v", r.Current())
	}
	if !r.HasPending() {
		t.Error("old ID not retired after migration")
	}
	tok := ResetToken{0x11}
	if !r.IsStatelessReset(tok[:]) {
		t.Error("reset token of the active ID not recognised")
	}
	old := ResetToken{0xee}
	if r.IsStatelessReset(old[:]) || r.IsStatelessReset(tok[:15]) {
		t.Error("retired or short token matched")
	}
	var lost uint64
	r.AppendPending(nil, func(int) bool { return true }, func(seq uint64) { lost = seq })
	r.OnRetireLost(lost)
	if !r.HasPending() {
		t.Error("lost RETIRE_CONNECTION_ID not re-queued")
	}
}
