package packet

import (
	"bytes"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// Retry packets of RFC 9001, A.4 and RFC 9369, A.4.
const (
	retryV1 = "ff000000010008f067a5502a4262b574 6f6b656e04a265ba2eff4d829058fb3f 0f2496ba"
	retryV2 = "cf6b3343cf0008f067a5502a4262b574 6f6b656ec8646ce8bfe33952d9555436 65dcc7b6"
)

func TestRetryRFCVectors(t *testing.T) {
	tests := []struct {
		name string
		v    protocol.Version
		pkt  string
	}{
		{"RFC 9001 A.4", protocol.Version1, retryV1},
		{"RFC 9369 A.4", protocol.Version2, retryV2},
	}
	odcid := protocol.NewConnectionID(rfcClientDCID)
	scid := protocol.NewConnectionID(rfcServerSCID)
	for _, tt := range tests {
		pkt := unhex(t, tt.pkt)
		h, err := ParseLongHeader(pkt)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if h.Version != tt.v || h.Type != protocol.PacketRetry || h.DCID.Len() != 0 || h.SCID != scid ||
			string(h.Token) != "token" || h.PacketLen != len(pkt) {
			t.Errorf("%s: %+v", tt.name, h)
		}
		withoutTag, tag, err := SplitRetry(pkt)
		if err != nil || len(tag) != RetryIntegrityTagLen {
			t.Fatalf("%s: SplitRetry: %v", tt.name, err)
		}
		// The RFC packets set all four Unused bits.
		built := AppendRetry(nil, tt.v, protocol.ConnectionID{}, scid, []byte("token"), 0xff)
		if !bytes.Equal(built, withoutTag) {
			t.Errorf("%s: AppendRetry = %x\nwant          %x", tt.name, built, withoutTag)
		}
		// RFC 9001, 5.8: ODCID Length, ODCID, then the Retry packet.
		pseudo := AppendRetryPseudoPacket(nil, odcid, withoutTag)
		want := append(append([]byte{8}, rfcClientDCID...), withoutTag...)
		if !bytes.Equal(pseudo, want) {
			t.Errorf("%s: pseudo-packet %x\nwant           %x", tt.name, pseudo, want)
		}
		for i := range pkt {
			if h, err := ParseLongHeader(pkt[:i]); err == nil && h.Type == protocol.PacketRetry &&
				string(h.Token) == "token" {
				t.Errorf("%s: truncated to %d bytes still yields the token", tt.name, i)
			}
		}
	}
	if _, _, err := SplitRetry(make([]byte, 15)); err == nil {
		t.Error("SplitRetry accepted 15 bytes")
	}
}

func BenchmarkAppendRetryPseudoPacket(b *testing.B) {
	pkt := unhex(b, retryV1)
	odcid := protocol.NewConnectionID(rfcClientDCID)
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		withoutTag, _, _ := SplitRetry(pkt)
		buf = AppendRetryPseudoPacket(buf[:0], odcid, withoutTag)
	}
}
