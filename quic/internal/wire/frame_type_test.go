package wire

import (
	"errors"
	"strings"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

func TestConsumeFrameType(t *testing.T) {
	tests := []struct {
		hex     string
		typ     uint64
		n       int
		errCode qerr.TransportErrorCode // 0: no error from ParseFrameType
	}{
		{"01", FrameTypePing, 1, 0},
		{"0f", FrameTypeStreamMax, 1, 0},
		{"1f", FrameTypeImmediateAck, 1, 0},
		{"31", FrameTypeDatagramLen, 1, 0},
		{"40af", FrameTypeAckFrequency, 2, 0},
		{"20", 0x20, 1, qerr.FrameEncodingError},
		{"4100", 0x100, 2, qerr.FrameEncodingError},
		{"", 0, -1, qerr.FrameEncodingError},
		{"40", 0, -1, qerr.FrameEncodingError},
		{"4001", 0, -1, qerr.ProtocolViolation},
		{"80000008", 0, -1, qerr.ProtocolViolation},
		{"c0000000000000af", 0, -1, qerr.ProtocolViolation},
	}
	for _, tt := range tests {
		b := mustHex(t, tt.hex)
		typ, n := ConsumeFrameType(b)
		if n != tt.n || (n > 0 && typ != tt.typ) {
			t.Errorf("ConsumeFrameType(%s) = %#x, %d; want %#x, %d", tt.hex, typ, n, tt.typ, tt.n)
		}
		typ, n, err := ParseFrameType(b)
		if tt.errCode == 0 {
			if err != nil || typ != tt.typ || n != tt.n {
				t.Errorf("ParseFrameType(%s) = %#x, %d, %v; want %#x, %d", tt.hex, typ, n, err, tt.typ, tt.n)
			}
			continue
		}
		var te *qerr.TransportError
		if !errors.As(err, &te) || te.Code != tt.errCode || n != 0 {
			t.Errorf("ParseFrameType(%s) = %d, %v; want %v", tt.hex, n, err, tt.errCode)
		}
	}
}

// frameTable is RFC 9000, 12.4, Table 3 ("Pkts" and "Spec" columns), with
// the extension frames added: DATAGRAM may go in 0-RTT (RFC 9221, 3),
// ACK_FREQUENCY and IMMEDIATE_ACK may not (draft-ietf-quic-ack-frequency, 3).
// In Pkts, "_" marks a packet type the frame may not appear in.
var frameTable = []struct {
	lo, hi uint64
	pkts   string // Initial, Handshake, 0-RTT, 1-RTT
	spec   string
}{
	{0x00, 0x00, "IH01", "NP"},
	{0x01, 0x01, "IH01", ""},
	{0x02, 0x03, "IH_1", "NC"},
	{0x04, 0x04, "__01", ""},
	{0x05, 0x05, "__01", ""},
	{0x06, 0x06, "IH_1", ""},
	{0x07, 0x07, "___1", ""},
	{0x08, 0x0f, "__01", "F"},
	{0x10, 0x10, "__01", ""},
	{0x11, 0x11, "__01", ""},
	{0x12, 0x13, "__01", ""},
	{0x14, 0x14, "__01", ""},
	{0x15, 0x15, "__01", ""},
	{0x16, 0x17, "__01", ""},
	{0x18, 0x18, "__01", "P"},
	{0x19, 0x19, "__01", ""},
	{0x1a, 0x1a, "__01", "P"},
	{0x1b, 0x1b, "___1", "P"},
	{0x1c, 0x1c, "IH01", "N"}, // "ih": only type 0x1c in Initial and Handshake
	{0x1d, 0x1d, "__01", "N"},
	{0x1e, 0x1e, "___1", ""},
	{0x1f, 0x1f, "___1", ""},
	{0x30, 0x31, "__01", ""},
	{0xaf, 0xaf, "___1", ""},
}

func TestFrameAllowed(t *testing.T) {
	pts := []protocol.PacketType{protocol.PacketInitial, protocol.PacketHandshake, protocol.Packet0RTT, protocol.Packet1RTT}
	known := map[uint64]bool{}
	for _, row := range frameTable {
		for typ := row.lo; typ <= row.hi; typ++ {
			known[typ] = true
			for i, pt := range pts {
				if want := row.pkts[i] != '_'; FrameAllowed(typ, pt) != want {
					t.Errorf("FrameAllowed(%#x, %v) = %v, want %v", typ, pt, !want, want)
				}
			}
			for _, pt := range []protocol.PacketType{protocol.PacketRetry, protocol.PacketVersionNegotiation, 0, 99} {
				if FrameAllowed(typ, pt) {
					t.Errorf("FrameAllowed(%#x, %v) = true", typ, pt)
				}
			}
			// "N": not ack-eliciting; "C": not counted in flight, and
			// RFC 9002, 2 adds CONNECTION_CLOSE, which elicits no ACK
			// and is not PADDING.
			if want := !strings.Contains(row.spec, "N"); IsAckEliciting(typ) != want {
				t.Errorf("IsAckEliciting(%#x) = %v, want %v", typ, !want, want)
			}
			wantInFlight := !strings.Contains(row.spec, "C") && (IsAckEliciting(typ) || typ == FrameTypePadding)
			if CountsInFlight(typ) != wantInFlight {
				t.Errorf("CountsInFlight(%#x) = %v, want %v", typ, !wantInFlight, wantInFlight)
			}
			if want := strings.Contains(row.spec, "P"); IsProbing(typ) != want {
				t.Errorf("IsProbing(%#x) = %v, want %v", typ, !want, want)
			}
			if IsStreamFrameType(typ) != (typ >= 0x08 && typ <= 0x0f) {
				t.Errorf("IsStreamFrameType(%#x) wrong", typ)
			}
			if FrameTypeName(typ) == "UNKNOWN" || newFrame(typ) == nil || !knownFrameType(typ) {
				t.Errorf("frame type %#x not handled", typ)
			}
		}
	}
	for typ := uint64(0); typ < 0x200; typ++ {
		if known[typ] {
			continue
		}
		if knownFrameType(typ) || FrameTypeName(typ) != "UNKNOWN" || newFrame(typ) != nil {
			t.Errorf("frame type %#x should be unknown", typ)
		}
		for _, pt := range pts {
			if FrameAllowed(typ, pt) {
				t.Errorf("FrameAllowed(unknown %#x, %v) = true", typ, pt)
			}
		}
	}
}
