package qlog

// KeyUpdated logs security:key_updated. keyPhase is written for 1-RTT
// keys only (RFC 9001, 6); key material is never logged.
func (t *ConnectionTracer) KeyUpdated(now int64, keyType KeyType, keyPhase uint64, trigger KeyTrigger) {
	if t == nil || !t.begin(now, evKeyUpdated) {
		return
	}
	t.e.keyInfo(keyType, keyPhase, trigger)
	t.finish()
}

// KeyDiscarded logs security:key_discarded, as KeyUpdated.
func (t *ConnectionTracer) KeyDiscarded(now int64, keyType KeyType, keyPhase uint64, trigger KeyTrigger) {
	if t == nil || !t.begin(now, evKeyDiscarded) {
		return
	}
	t.e.keyInfo(keyType, keyPhase, trigger)
	t.finish()
}

func (e *enc) keyInfo(keyType KeyType, keyPhase uint64, trigger KeyTrigger) {
	e.str("key_type", string(keyType))
	if keyType == KeyServer1RTT || keyType == KeyClient1RTT {
		e.uint("key_phase", keyPhase)
	}
	e.strOpt("trigger", string(trigger))
}
