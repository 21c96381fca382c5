package connid

import (
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/wire"
)

// maxLocalActive caps how many connection IDs we keep active for one
// connection, whatever the peer's active_connection_id_limit (RFC 9000, 5.1.1
// lets an endpoint limit issuance).
const maxLocalActive = 8

// Generator makes a new connection ID and its stateless reset token. The
// endpoint supplies it: IDs come from its random source and tokens from its
// stateless reset key.
type Generator func() (protocol.ConnectionID, ResetToken)

// localID is one connection ID we issued.
type localID struct {
	seq      uint64
	cid      protocol.ConnectionID
	token    ResetToken
	needSend bool // NEW_CONNECTION_ID not yet sent, or lost
}

// Local holds the connection IDs we issued and not yet seen retired.
type Local struct {
	ids       []localID
	nextSeq   uint64
	peerLimit uint64 // peer's active_connection_id_limit
	zeroLen   bool   // we use zero-length IDs and cannot issue more
}

// NewLocal starts with the ID we sent in the handshake's Source Connection
// ID field, sequence number 0 (RFC 9000, 5.1.1).
func NewLocal(initial protocol.ConnectionID) *Local {
	l := &Local{nextSeq: 1, peerLimit: 2, zeroLen: initial.Len() == 0}
	l.ids = append(l.ids, localID{seq: 0, cid: initial})
	return l
}

// SetPreferredAddressID records the ID sent in the preferred_address
// transport parameter, sequence number 1 (RFC 9000, 5.1.1).
func (l *Local) SetPreferredAddressID(cid protocol.ConnectionID, token ResetToken) {
	l.ids = append(l.ids, localID{seq: 1, cid: cid, token: token})
	l.nextSeq = 2
}

// SetPeerLimit records the peer's active_connection_id_limit.
func (l *Local) SetPeerLimit(n uint64) { l.peerLimit = n }

// Active returns the number of active IDs.
func (l *Local) Active() int { return len(l.ids) }

// Contains reports whether cid is one of our active IDs.
func (l *Local) Contains(cid protocol.ConnectionID) bool {
	for i := range l.ids {
		if l.ids[i].cid == cid {
			return true
		}
	}
	return false
}

// Issue tops the active set up to the peer's limit (capped at
// maxLocalActive) and calls added for each new ID so that the endpoint can
// route it. Zero-length IDs cannot be replaced (RFC 9000, 5.1.1).
func (l *Local) Issue(gen Generator, added func(protocol.ConnectionID)) {
	if l.zeroLen {
		return
	}
	for uint64(len(l.ids)) < min(l.peerLimit, maxLocalActive) {
		cid, token := gen()
		l.ids = append(l.ids, localID{seq: l.nextSeq, cid: cid, token: token, needSend: true})
		l.nextSeq++
		added(cid)
	}
}

// OnRetire handles a RETIRE_CONNECTION_ID frame (RFC 9000, 19.16) that
// arrived in a packet sent to packetDCID. It returns the retired ID, or ok
// false if it was retired already.
func (l *Local) OnRetire(seq uint64, packetDCID protocol.ConnectionID) (cid protocol.ConnectionID, ok bool, err error) {
	if l.zeroLen {
		return cid, false, protocolViolation("RETIRE_CONNECTION_ID for a zero-length connection ID")
	}
	if seq >= l.nextSeq {
		return cid, false, protocolViolation("RETIRE_CONNECTION_ID for a connection ID never issued")
	}
	for i := range l.ids {
		if l.ids[i].seq != seq {
			continue
		}
		if l.ids[i].cid == packetDCID {
			return cid, false, protocolViolation("RETIRE_CONNECTION_ID retires the packet's own connection ID")
		}
		cid = l.ids[i].cid
		l.ids = append(l.ids[:i], l.ids[i+1:]...)
		return cid, true, nil
	}
	return cid, false, nil
}

// AppendPending appends a NEW_CONNECTION_ID frame for each issued ID not yet
// sent while fits says the frame fits; fits receives the frame's length.
// sent is called for each frame appended, with its sequence number, so the
// caller can record it in the packet.
func (l *Local) AppendPending(b []byte, fits func(n int) bool, sent func(seq uint64)) []byte {
	for i := range l.ids {
		id := &l.ids[i]
		if !id.needSend {
			continue
		}
		f := wire.NewConnectionIDFrame{Seq: id.seq, ConnID: id.cid, ResetToken: id.token}
		if !fits(f.Len()) {
			break
		}
		b = f.Append(b)
		id.needSend = false
		sent(id.seq)
	}
	return b
}

// HasPending reports whether a NEW_CONNECTION_ID frame waits to be sent.
func (l *Local) HasPending() bool {
	for i := range l.ids {
		if l.ids[i].needSend {
			return true
		}
	}
	return false
}

// OnLost re-queues the NEW_CONNECTION_ID frame for seq if that ID is still
// active (RFC 9000, 13.3).
func (l *Local) OnLost(seq uint64) {
	for i := range l.ids {
		if l.ids[i].seq == seq {
			l.ids[i].needSend = true
		}
	}
}

// All calls f for every active ID, for unregistering them when the
// connection ends.
func (l *Local) All(f func(protocol.ConnectionID)) {
	for i := range l.ids {
		f(l.ids[i].cid)
	}
}
