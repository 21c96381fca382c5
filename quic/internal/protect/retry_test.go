package protect

import (
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// TestRetryRejects checks that a Retry fails verification when any bit
// changes, when the ODCID or version differ, and when it is malformed.
func TestRetryRejects(t *testing.T) {
	retry := unhex(t, v1Vectors.retry)
	for i := range retry {
		for bit := range 8 {
			p := append([]byte{}, retry...)
			p[i] ^= 1 << bit
			if VerifyRetryIntegrity(protocol.Version1, rfcDCID, p) {
				t.Errorf("Retry with bit %d of byte %d flipped verifies", bit, i)
			}
		}
	}
	tests := []struct {
		name  string
		v     protocol.Version
		odcid []byte
		retry []byte
	}{
		{"other ODCID", protocol.Version1, rfcDCID[1:], retry},
		{"empty ODCID", protocol.Version1, nil, retry},
		{"v2 keys", protocol.Version2, rfcDCID, retry},
		{"unknown version", 0x1a2a3a4a, rfcDCID, retry},
		{"ODCID over 20 bytes", protocol.Version1, make([]byte, 21), retry},
		{"shorter than a tag", protocol.Version1, rfcDCID, retry[:TagLen-1]},
		{"empty", protocol.Version1, rfcDCID, nil},
	}
	for _, tt := range tests {
		if VerifyRetryIntegrity(tt.v, tt.odcid, tt.retry) {
			t.Errorf("%s: Retry verifies", tt.name)
		}
	}
	if tag := RetryIntegrityTag(0x1a2a3a4a, rfcDCID, retry); tag != [16]byte{} {
		t.Errorf("tag for an unknown version = %x", tag)
	}
}

// TestRetryRoundTrip tags Retry packets of both versions with empty and
// maximal connection IDs and verifies them.
func TestRetryRoundTrip(t *testing.T) {
	for _, v := range []protocol.Version{protocol.Version1, protocol.Version2} {
		for _, odcid := range [][]byte{nil, rfcDCID, make([]byte, protocol.MaxConnIDLen)} {
			body := []byte{0xf0, 0, 0, 0, 1, 0, 0, 't', 'o', 'k'}
			tag := RetryIntegrityTag(v, odcid, body)
			if !VerifyRetryIntegrity(v, odcid, append(body, tag[:]...)) {
				t.Errorf("%v ODCID %x: own tag does not verify", v, odcid)
			}
		}
	}
}
