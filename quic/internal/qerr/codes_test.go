package qerr

import "testing"

func TestTransportErrorCodeString(t *testing.T) {
	tests := []struct {
		code TransportErrorCode
		want string
	}{
		{NoError, "NO_ERROR"},
		{FlowControlError, "FLOW_CONTROL_ERROR"},
		{AEADLimitReached, "AEAD_LIMIT_REACHED"},
		{VersionNegotiationError, "VERSION_NEGOTIATION_ERROR"},
		{CryptoError(0x2a), "CRYPTO_ERROR(0x12a)"},
		{CryptoErrorBase, "CRYPTO_ERROR(0x100)"},
		{0x1ff, "CRYPTO_ERROR(0x1ff)"},
		{0x200, "0x200"},
		{0x12, "0x12"},
	}
	for _, tt := range tests {
		if got := tt.code.String(); got != tt.want {
			t.Errorf("%#x.String() = %q, want %q", uint64(tt.code), got, tt.want)
		}
	}
	if !CryptoError(42).IsCryptoError() || CryptoError(42).Alert() != 42 || NoError.IsCryptoError() {
		t.Error("CRYPTO_ERROR range mishandled")
	}
}

func TestTransportErrorMessage(t *testing.T) {
	e := &TransportError{Code: FrameEncodingError, FrameType: 0x08, Reason: "stream frame too short"}
	if got, want := e.Error(), "FRAME_ENCODING_ERROR: stream frame too short"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
