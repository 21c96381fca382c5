package qlog

// eventID indexes eventNames.
type eventID uint8

const (
	evConnectionStarted eventID = iota
	evConnectionClosed
	evConnectionStateUpdated
	evConnectionIDUpdated
	evSpinBitUpdated
	evMTUUpdated
	evVersionInformation
	evALPNInformation
	evParametersSet
	evParametersRestored
	evPacketSent
	evPacketReceived
	evPacketDropped
	evPacketBuffered
	evPacketsAcked
	evStreamStateUpdated
	evDatagramsSent
	evDatagramsReceived
	evDatagramDropped
	evFramesProcessed
	evDataMoved
	evKeyUpdated
	evKeyDiscarded
	evRecoveryParametersSet
	evMetricsUpdated
	evLossTimerUpdated
	evCongestionStateUpdated
	evPacketLost
	evMarkedForRetransmit
	evECNStateUpdated
	evTupleAssigned
	evMigrationStateUpdated
	numEvents
)

// eventNames is the one place mapping our events to names: qvis draws only
// the qlog 0.3 category names, so those are emitted; the newest-draft
// name is kept beside each for the later switch (qlog.md 2.1).
var eventNames = [numEvents]EventName{
	evConnectionStarted:      {"connectivity:connection_started", "quic:connection_started"},
	evConnectionClosed:       {"connectivity:connection_closed", "quic:connection_closed"},
	evConnectionStateUpdated: {"connectivity:connection_state_updated", "quic:connection_state_updated"},
	evConnectionIDUpdated:    {"connectivity:connection_id_updated", "quic:connection_id_updated"},
	evSpinBitUpdated:         {"connectivity:spin_bit_updated", "quic:spin_bit_updated"},
	evMTUUpdated:             {"connectivity:mtu_updated", "quic:mtu_updated"},
	evVersionInformation:     {"transport:version_information", "quic:version_information"},
	evALPNInformation:        {"transport:alpn_information", "quic:alpn_information"},
	evParametersSet:          {"transport:parameters_set", "quic:parameters_set"},
	evParametersRestored:     {"transport:parameters_restored", "quic:parameters_restored"},
	evPacketSent:             {"transport:packet_sent", "quic:packet_sent"},
	evPacketReceived:         {"transport:packet_received", "quic:packet_received"},
	evPacketDropped:          {"transport:packet_dropped", "quic:packet_dropped"},
	evPacketBuffered:         {"transport:packet_buffered", "quic:packet_buffered"},
	evPacketsAcked:           {"transport:packets_acked", "quic:packets_acked"},
	evStreamStateUpdated:     {"transport:stream_state_updated", "quic:stream_state_updated"},
	evDatagramsSent:          {"transport:datagrams_sent", "quic:udp_datagrams_sent"},
	evDatagramsReceived:      {"transport:datagrams_received", "quic:udp_datagrams_received"},
	evDatagramDropped:        {"transport:datagram_dropped", "quic:udp_datagram_dropped"},
	evFramesProcessed:        {"transport:frames_processed", "quic:frames_parsed"},
	evDataMoved:              {"transport:data_moved", "quic:stream_data_moved"},
	evKeyUpdated:             {"security:key_updated", "quic:key_updated"},
	evKeyDiscarded:           {"security:key_discarded", "quic:key_discarded"},
	evRecoveryParametersSet:  {"recovery:parameters_set", "quic:recovery_parameters_set"},
	evMetricsUpdated:         {"recovery:metrics_updated", "quic:recovery_metrics_updated"},
	evLossTimerUpdated:       {"recovery:loss_timer_updated", "quic:timer_updated"},
	evCongestionStateUpdated: {"recovery:congestion_state_updated", "quic:congestion_state_updated"},
	evPacketLost:             {"recovery:packet_lost", "quic:packet_lost"},
	evMarkedForRetransmit:    {"recovery:marked_for_retransmit", "quic:marked_for_retransmit"},
	evECNStateUpdated:        {"recovery:ecn_state_updated", "quic:ecn_state_updated"},
	// No 0.3 name exists for these two; they keep the transport category.
	evTupleAssigned:         {"transport:tuple_assigned", "quic:tuple_assigned"},
	evMigrationStateUpdated: {"transport:migration_state_updated", "quic:migration_state_updated"},
}

// EventName pairs the qlog 0.3 name an event is written under with its
// newest-draft name.
type EventName struct {
	Legacy string // e.g. "transport:packet_sent"
	Draft  string // e.g. "quic:packet_sent"
}

// EventNames returns the name table the tracer uses, one row per event
// kind (a copy: callers may not change what the tracer writes).
func EventNames() []EventName {
	out := make([]EventName, len(eventNames))
	copy(out, eventNames[:])
	return out
}

// DraftOnlyNames are newest-draft names with no 0.3 counterpart in
// EventNames (frames_processed split into two; data_moved gained a
// datagram twin).
func DraftOnlyNames() []string {
	return []string{"quic:frames_created", "quic:datagram_data_moved", "quic:server_listening"}
}
