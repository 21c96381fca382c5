package qlog

import (
	"encoding/hex"
	"net/netip"
)

// endpoint writes a TupleEndpointInfo (quic-events, 8.5). A zero address
// is left out: a sans-IO core may not know it.
func (e *enc) endpoint(k string, ap netip.AddrPort, cid []byte) {
	e.object(k)
	if a := ap.Addr(); a.IsValid() {
		a = a.Unmap()
		if a.Is4() {
			e.key("ip_v4")
			e.b = append(e.b, '"')
			e.b = a.AppendTo(e.b)
			e.b = append(e.b, '"')
			e.uint("port_v4", uint64(ap.Port()))
		} else {
			e.key("ip_v6")
			e.b = append(e.b, '"')
			e.b = a.WithZone("").AppendTo(e.b)
			e.b = append(e.b, '"')
			e.uint("port_v6", uint64(ap.Port()))
		}
	}
	if cid != nil {
		e.array("connection_ids")
		e.sep()
		e.b = append(e.b, '"')
		e.b = hex.AppendEncode(e.b, cid)
		e.b = append(e.b, '"')
		e.end(']')
	}
	e.end('}')
}

// ConnectionStarted logs connectivity:connection_started: the 4-tuple and
// the connection IDs each side uses as source.
func (t *ConnectionTracer) ConnectionStarted(now int64, local, remote netip.AddrPort, srcCID, dstCID []byte) {
	if t == nil || !t.begin(now, evConnectionStarted) {
		return
	}
	t.e.endpoint("local", local, srcCID)
	t.e.endpoint("remote", remote, dstCID)
	t.finish()
}

// ConnectionClose is the data of connection_closed.
type ConnectionClose struct {
	Initiator Initiator
	// ErrorSpace is "" when the close carried no error code (idle
	// timeout, stateless reset).
	ErrorSpace ErrorSpace
	ErrorCode  uint64
	Reason     string
	Trigger    CloseTrigger
}

// ConnectionClosed logs connectivity:connection_closed. Transport codes
// are named ("protocol_violation", "crypto_error_0x12a"); application codes
// are "unknown"; the numeric error_code is always added for qvis.
func (t *ConnectionTracer) ConnectionClosed(now int64, c *ConnectionClose) {
	if t == nil || !t.begin(now, evConnectionClosed) {
		return
	}
	e := &t.e
	e.strOpt("initiator", string(c.Initiator))
	switch c.ErrorSpace {
	case ErrorSpaceTransport:
		e.errorName("connection_error", c.ErrorSpace, c.ErrorCode)
		e.uint("error_code", c.ErrorCode)
	case ErrorSpaceApplication:
		e.str("application_error", "unknown")
		e.uint("error_code", c.ErrorCode)
	}
	e.strOpt("reason", c.Reason)
	e.strOpt("trigger", string(c.Trigger))
	t.finish()
}

// ConnectionStateUpdated logs connectivity:connection_state_updated; old
// may be "".
func (t *ConnectionTracer) ConnectionStateUpdated(now int64, old, new ConnectionState) {
	if t == nil || !t.begin(now, evConnectionStateUpdated) {
		return
	}
	t.e.strOpt("old", string(old))
	t.e.str("new", string(new))
	t.finish()
}

// ConnectionIDUpdated logs connectivity:connection_id_updated: the
// initiator is remote when the peer's new CID is put in use, local when
// ours changes.
func (t *ConnectionTracer) ConnectionIDUpdated(now int64, initiator Initiator, old, new []byte) {
	if t == nil || !t.begin(now, evConnectionIDUpdated) {
		return
	}
	t.e.str("initiator", string(initiator))
	t.e.hexOpt("old", old)
	t.e.hexOpt("new", new)
	t.finish()
}

// SpinBitUpdated logs connectivity:spin_bit_updated; call it only when the
// spin bit value changes.
func (t *ConnectionTracer) SpinBitUpdated(now int64, state bool) {
	if t == nil || !t.begin(now, evSpinBitUpdated) {
		return
	}
	t.e.bool("state", state)
	t.finish()
}

// MTUUpdated logs connectivity:mtu_updated; old 0 is not logged, done
// marks the end of path MTU discovery.
func (t *ConnectionTracer) MTUUpdated(now int64, old, new uint32, done bool) {
	if t == nil || !t.begin(now, evMTUUpdated) {
		return
	}
	t.e.uintOpt("old", uint64(old))
	t.e.uint("new", uint64(new))
	if done {
		t.e.bool("done", true)
	}
	t.finish()
}

// TupleAssigned logs transport:tuple_assigned, binding a tuple ID ("" is
// the handshake path) to its addresses; zero addresses with nil CIDs mean
// the tuple was abandoned.
func (t *ConnectionTracer) TupleAssigned(now int64, tupleID string, local, remote netip.AddrPort) {
	if t == nil || !t.begin(now, evTupleAssigned) {
		return
	}
	t.e.str("tuple_id", tupleID)
	if local.IsValid() {
		t.e.endpoint("tuple_local", local, nil)
	}
	if remote.IsValid() {
		t.e.endpoint("tuple_remote", remote, nil)
	}
	t.finish()
}

// MigrationStateUpdated logs transport:migration_state_updated for the
// path to tupleID; old may be "".
func (t *ConnectionTracer) MigrationStateUpdated(now int64, old, new MigrationState, tupleID string, local, remote netip.AddrPort) {
	if t == nil || !t.begin(now, evMigrationStateUpdated) {
		return
	}
	t.e.strOpt("old", string(old))
	t.e.str("new", string(new))
	t.e.str("tuple_id", tupleID)
	if local.IsValid() {
		t.e.endpoint("tuple_local", local, nil)
	}
	if remote.IsValid() {
		t.e.endpoint("tuple_remote", remote, nil)
	}
	t.finish()
}
