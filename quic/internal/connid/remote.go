package connid

import (
	"crypto/subtle"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/wire"
)

// remoteID is one connection ID the peer issued to us.
type remoteID struct {
	seq      uint64
	cid      protocol.ConnectionID
	token    ResetToken
	hasToken bool
	used     bool // has been used on some path; not handed out again for a new path
}

// Remote holds the connection IDs the peer issued and we have not retired.
type Remote struct {
	ids           []remoteID
	current       int    // index in ids of the ID we send with
	retirePriorTo uint64 // largest Retire Prior To received
	limit         uint64 // our active_connection_id_limit
	zeroLen       bool   // the peer uses zero-length IDs

	// retiring holds sequence numbers whose RETIRE_CONNECTION_ID frames are
	// not yet acknowledged; needSend marks those still to (re)send.
	retiring []retiring
}

type retiring struct {
	seq      uint64
	needSend bool
}

// NewRemote starts with the ID from the peer's first Source Connection ID,
// sequence number 0. limit is the active_connection_id_limit we advertised.
func NewRemote(initial protocol.ConnectionID, limit uint64) *Remote {
	r := &Remote{limit: limit, zeroLen: initial.Len() == 0}
	r.ids = append(r.ids, remoteID{seq: 0, cid: initial, used: true})
	return r
}

// ReplaceInitial swaps the handshake ID, as a client does when the server's
// first Initial or Retry names a new Source Connection ID (RFC 9000, 7.2).
func (r *Remote) ReplaceInitial(cid protocol.ConnectionID) {
	r.ids[0].cid = cid
	r.zeroLen = cid.Len() == 0
}

// SetInitialResetToken records the stateless_reset_token transport
// parameter, the token of sequence number 0 (RFC 9000, 18.2).
func (r *Remote) SetInitialResetToken(token ResetToken) {
	for i := range r.ids {
		if r.ids[i].seq == 0 {
			r.ids[i].token, r.ids[i].hasToken = token, true
		}
	}
}

// Current returns the ID to put in the Destination Connection ID field.
func (r *Remote) Current() protocol.ConnectionID { return r.ids[r.current].cid }

// Active returns the number of active IDs.
func (r *Remote) Active() int { return len(r.ids) }

// OnNewConnectionID handles a NEW_CONNECTION_ID frame (RFC 9000, 19.15 and
// 5.1.2).
func (r *Remote) OnNewConnectionID(seq, retirePriorTo uint64, cid protocol.ConnectionID, token ResetToken) error {
	if r.zeroLen {
		return protocolViolation("NEW_CONNECTION_ID sent to a peer using zero-length connection IDs")
	}
	for i := range r.ids {
		id := &r.ids[i]
		if id.seq == seq {
			if id.cid != cid || (id.hasToken && id.token != token) {
				return protocolViolation("NEW_CONNECTION_ID reuses a sequence number")
			}
			return nil // a retransmission
		}
		if id.cid == cid {
			return protocolViolation("NEW_CONNECTION_ID repeats a connection ID")
		}
	}
	if seq < r.retirePriorTo {
		// "MUST send a corresponding RETIRE_CONNECTION_ID frame that retires
		// the newly received connection ID" (RFC 9000, 19.15).
		return r.queueRetire(seq)
	}
	// Retire first, then add, so a peer replacing every ID never exceeds our
	// limit (RFC 9000, 5.1.2).
	if retirePriorTo > r.retirePriorTo {
		r.retirePriorTo = retirePriorTo
		if err := r.retireBelow(retirePriorTo); err != nil {
			return err
		}
	}
	if seq < r.retirePriorTo {
		return r.queueRetire(seq)
	}
	r.ids = append(r.ids, remoteID{seq: seq, cid: cid, token: token, hasToken: true})
	if uint64(len(r.ids)) > r.limit {
		return &qerr.TransportError{Code: qerr.ConnectionIDLimitError, FrameType: 0x18,
			Reason: "peer exceeded active_connection_id_limit"}
	}
	if r.current >= len(r.ids) || r.ids[r.current].seq < r.retirePriorTo {
		r.current = r.firstUnused()
	}
	r.ids[r.current].used = true
	return nil
}

// retireBelow retires every active ID with a sequence number below n. If the
// one in use goes, the next unused one takes its place.
func (r *Remote) retireBelow(n uint64) error {
	cur := r.ids[r.current].seq
	kept := r.ids[:0]
	for _, id := range r.ids {
		if id.seq >= n {
			kept = append(kept, id)
			continue
		}
		if err := r.queueRetire(id.seq); err != nil {
			return err
		}
	}
	r.ids = kept
	r.current = 0
	for i := range r.ids {
		if r.ids[i].seq == cur {
			r.current = i
			return nil
		}
	}
	if len(r.ids) > 0 {
		r.current = r.firstUnused()
	}
	return nil
}

// firstUnused returns the index of an ID not used on any path yet, or 0.
func (r *Remote) firstUnused() int {
	for i := range r.ids {
		if !r.ids[i].used {
			r.ids[i].used = true
			return i
		}
	}
	return 0
}

// queueRetire schedules a RETIRE_CONNECTION_ID frame. The number of
// unacknowledged retirements is bounded at twice our limit (RFC 9000, 5.1.2).
func (r *Remote) queueRetire(seq uint64) error {
	for _, x := range r.retiring {
		if x.seq == seq {
			return nil
		}
	}
	if uint64(len(r.retiring)) >= 2*r.limit {
		return &qerr.TransportError{Code: qerr.ConnectionIDLimitError, FrameType: 0x18,
			Reason: "too many connection IDs waiting to be retired"}
	}
	r.retiring = append(r.retiring, retiring{seq: seq, needSend: true})
	return nil
}

// SwitchToUnused moves to an ID never used on another path, as a migrating
// endpoint must (RFC 9000, 9.5), and retires the old one. It reports false if
// the peer gave us no spare ID.
func (r *Remote) SwitchToUnused() bool {
	for i := range r.ids {
		if r.ids[i].used {
			continue
		}
		return r.moveTo(i)
	}
	return false
}

// moveTo makes the active ID at index i current and retires the one it
// replaces.
func (r *Remote) moveTo(i int) bool {
	old := r.ids[r.current].seq
	r.ids[i].used = true
	next := r.ids[i].seq
	if err := r.queueRetire(old); err != nil {
		return false
	}
	r.removeSeq(old)
	for j := range r.ids {
		if r.ids[j].seq == next {
			r.current = j
		}
	}
	return true
}

func (r *Remote) removeSeq(seq uint64) {
	for i := range r.ids {
		if r.ids[i].seq == seq {
			r.ids = append(r.ids[:i], r.ids[i+1:]...)
			return
		}
	}
}

// HasUnused reports whether an ID is available for a new path.
func (r *Remote) HasUnused() bool {
	for i := range r.ids {
		if !r.ids[i].used {
			return true
		}
	}
	return false
}

// IsStatelessReset reports whether token, the last 16 bytes of a datagram
// that could not be processed, matches the reset token of an active ID
// (RFC 9000, 10.3.1). The comparison is constant-time.
func (r *Remote) IsStatelessReset(token []byte) bool {
	if len(token) != 16 {
		return false
	}
	match := 0
	for i := range r.ids {
		if r.ids[i].hasToken {
			match |= subtle.ConstantTimeCompare(r.ids[i].token[:], token)
		}
	}
	return match == 1
}

// AppendPending appends RETIRE_CONNECTION_ID frames waiting to be sent, as
// Local.AppendPending does for NEW_CONNECTION_ID.
func (r *Remote) AppendPending(b []byte, fits func(n int) bool, sent func(seq uint64)) []byte {
	for i := range r.retiring {
		x := &r.retiring[i]
		if !x.needSend {
			continue
		}
		f := wire.RetireConnectionIDFrame{Seq: x.seq}
		if !fits(f.Len()) {
			break
		}
		b = f.Append(b)
		x.needSend = false
		sent(x.seq)
	}
	return b
}

// HasPending reports whether a RETIRE_CONNECTION_ID frame waits to be sent.
func (r *Remote) HasPending() bool {
	for _, x := range r.retiring {
		if x.needSend {
			return true
		}
	}
	return false
}

// OnRetireAcked forgets a retirement the peer acknowledged.
func (r *Remote) OnRetireAcked(seq uint64) {
	for i := range r.retiring {
		if r.retiring[i].seq == seq {
			r.retiring = append(r.retiring[:i], r.retiring[i+1:]...)
			return
		}
	}
}

// OnRetireLost re-queues a lost RETIRE_CONNECTION_ID frame.
func (r *Remote) OnRetireLost(seq uint64) {
	for i := range r.retiring {
		if r.retiring[i].seq == seq {
			r.retiring[i].needSend = true
		}
	}
}

// SwitchTo moves to the active ID cid, as a client does when it migrates
// to the server's preferred address with the ID that came with it (RFC
// 9000, 9.6.1), and retires the one used before. It reports false if cid
// is not active.
func (r *Remote) SwitchTo(cid protocol.ConnectionID) bool {
	for i := range r.ids {
		if r.ids[i].cid != cid {
			continue
		}
		if i == r.current {
			return true
		}
		return r.moveTo(i)
	}
	return false
}

// Reserve marks an active ID as taken for a particular path so that
// SwitchToUnused does not hand it out.
func (r *Remote) Reserve(cid protocol.ConnectionID) {
	for i := range r.ids {
		if r.ids[i].cid == cid {
			r.ids[i].used = true
		}
	}
}
