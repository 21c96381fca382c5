package streams

// SendState is the state of the sending part of a stream (RFC 9000, 3.1).
type SendState uint8

// Sending states. Ready is folded into Send: a stream that exists can send.
const (
	SendSend SendState = iota
	SendDataSent
	SendDataRecvd
	SendResetSent
	SendResetRecvd
)

var sendStateNames = [...]string{"send", "data_sent", "data_received", "reset_sent", "reset_received"}

// String returns the qlog name of the state.
func (s SendState) String() string { return sendStateNames[s] }

// Terminal reports whether the sending part needs no more state
// (RFC 9000, 3.1: "Data Recvd" and "Reset Recvd" are terminal).
func (s SendState) Terminal() bool { return s == SendDataRecvd || s == SendResetRecvd }

// RecvState is the state of the receiving part of a stream (RFC 9000, 3.2).
type RecvState uint8

// Receiving states.
const (
	RecvRecv RecvState = iota
	RecvSizeKnown
	RecvDataRecvd
	RecvDataRead
	RecvResetRecvd
	RecvResetRead
)

var recvStateNames = [...]string{"receive", "size_known", "data_received", "data_read", "reset_received", "reset_read"}

// String returns the qlog name of the state.
func (s RecvState) String() string { return recvStateNames[s] }

// Terminal reports whether the receiving part is done (RFC 9000, 3.2: "Data
// Read" and "Reset Read").
func (s RecvState) Terminal() bool { return s == RecvDataRead || s == RecvResetRead }
