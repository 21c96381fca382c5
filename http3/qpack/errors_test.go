package qpack

import "testing"

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		code  ErrorCode
		value uint64
		name  string
	}{
		{ErrDecompressionFailed, 0x200, "QPACK_DECOMPRESSION_FAILED"},
		{ErrEncoderStream, 0x201, "QPACK_ENCODER_STREAM_ERROR"},
		{ErrDecoderStream, 0x202, "QPACK_DECODER_STREAM_ERROR"},
		{ErrorCode(0x1ff), 0x1ff, "QPACK_UNKNOWN_ERROR"},
	}
	for _, tc := range tests {
		if uint64(tc.code) != tc.value || tc.code.String() != tc.name {
			t.Errorf("%#x: %s", uint64(tc.code), tc.code)
		}
		err := error(&Error{Code: tc.code, Reason: "why"})
		if err.Error() != "qpack: "+tc.name+": why" {
			t.Errorf("message %q", err.Error())
		}
	}
}
