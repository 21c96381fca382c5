package tparams

// Transport parameter IDs (RFC 9000, 18.2, and the extensions' registrations).
const (
	idOriginalDestinationConnectionID uint64 = 0x00
	idMaxIdleTimeout                  uint64 = 0x01
	idStatelessResetToken             uint64 = 0x02
	idMaxUDPPayloadSize               uint64 = 0x03
	idInitialMaxData                  uint64 = 0x04
	idInitialMaxStreamDataBidiLocal   uint64 = 0x05
	idInitialMaxStreamDataBidiRemote  uint64 = 0x06
	idInitialMaxStreamDataUni         uint64 = 0x07
	idInitialMaxStreamsBidi           uint64 = 0x08
	idInitialMaxStreamsUni            uint64 = 0x09
	idAckDelayExponent                uint64 = 0x0a
	idMaxAckDelay                     uint64 = 0x0b
	idDisableActiveMigration          uint64 = 0x0c
	idPreferredAddress                uint64 = 0x0d
	idActiveConnectionIDLimit         uint64 = 0x0e
	idInitialSourceConnectionID       uint64 = 0x0f
	idRetrySourceConnectionID         uint64 = 0x10
	idVersionInformation              uint64 = 0x11       // RFC 9368, 3
	idMaxDatagramFrameSize            uint64 = 0x20       // RFC 9221, 3
	idGreaseQUICBit                   uint64 = 0x2ab2     // RFC 9287, 3
	idMinAckDelay                     uint64 = 0xff04de1b // ack frequency, 3
)

// seenBit returns the bit that tracks whether parameter id has been seen, or
// 0 for parameters this package ignores.
func seenBit(id uint64) uint64 {
	switch {
	case id <= idMaxDatagramFrameSize:
		return 1 << id
	case id == idGreaseQUICBit:
		return 1 << 33
	case id == idMinAckDelay:
		return 1 << 34
	}
	return 0
}

// Limits on values (RFC 9000, 18.2 and 4.6).
const (
	minMaxUDPPayloadSize = 1200
	maxAckDelayExponent  = 20
	maxMaxAckDelayMs     = 1<<14 - 1
	maxStreams           = 1 << 60
	preferredAddressMin  = 4 + 2 + 16 + 2 + 1 + 16
)

// ReservedID returns the n-th reserved parameter ID, 31*n+27, which peers must
// ignore (RFC 9000, 18.1).
func ReservedID(n uint64) uint64 {
	return 31*(n%((1<<62-1-27)/31)) + 27
}
