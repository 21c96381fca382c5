package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/qerr"
)

// boundaryVarints are the values on either side of each varint size.
var boundaryVarints = []uint64{0, 1, 63, 64, 16383, 16384, 1<<30 - 1, 1 << 30, MaxVarint}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// roundTripFrames returns valid frames of every type with boundary values.
// Byte slices are non-nil so that they compare equal to parsed ones.
func roundTripFrames() []Frame {
	data := bytes.Repeat([]byte{0xab}, 70)
	cid := protocol.NewConnectionID([]byte{1, 2, 3, 4, 5, 6, 7, 8})
	cid20 := protocol.NewConnectionID(bytes.Repeat([]byte{0xcc}, 20))
	token := [16]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	frames := []Frame{
		&PaddingFrame{Length: 1},
		&PaddingFrame{Length: 1162},
		&PingFrame{},
		&HandshakeDoneFrame{},
		&ImmediateAckFrame{},
		&AckFrame{Ranges: []AckRange{{0, 0}}},
		&AckFrame{AckDelay: 0x1234, Ranges: []AckRange{{95, 100}, {80, 90}, {0, 10}}},
		&AckFrame{AckDelay: MaxVarint, Ranges: []AckRange{{MaxVarint, MaxVarint}, {0, MaxVarint - 2}}},
		&AckFrame{Ranges: []AckRange{{10, 20}}, ECN: true, ECT0: 1, ECT1: MaxVarint, CE: 64},
		&AckFrame{Ranges: []AckRange{{0, 0}}, ECN: true},
		&CryptoFrame{Offset: 0, Data: []byte{}},
		&CryptoFrame{Offset: 1 << 30, Data: data},
		&CryptoFrame{Offset: MaxVarint - 70, Data: data},
		&NewTokenFrame{Token: []byte{0x42}},
		&NewTokenFrame{Token: data},
		&StreamFrame{StreamID: 0, Data: []byte{}},
		&StreamFrame{StreamID: 4, Offset: 0, Fin: true, Data: []byte{}},
		&StreamFrame{StreamID: 4, Offset: 64, Data: data[:63]},
		&StreamFrame{StreamID: 4, Offset: 64, Data: data[:64]},
		&StreamFrame{StreamID: MaxVarint, Offset: MaxVarint - 70, Fin: true, Data: data},
		&StreamFrame{StreamID: 3, Offset: MaxVarint, Data: []byte{}},
		&StreamFrame{StreamID: 7, Offset: 1000, OmitLength: true, Data: data},
		&StreamFrame{StreamID: 7, Fin: true, OmitLength: true, Data: []byte{}},
		&MaxStreamsFrame{Bidi: true, Max: 0},
		&MaxStreamsFrame{Bidi: false, Max: 1 << 60},
		&StreamsBlockedFrame{Bidi: true, Max: 1 << 60},
		&StreamsBlockedFrame{Bidi: false, Max: 17},
		&NewConnectionIDFrame{Seq: 1, RetirePriorTo: 0, ConnID: cid, ResetToken: token},
		&NewConnectionIDFrame{Seq: MaxVarint, RetirePriorTo: MaxVarint, ConnID: cid20, ResetToken: token},
		&NewConnectionIDFrame{Seq: 5, RetirePriorTo: 5, ConnID: protocol.NewConnectionID([]byte{9}), ResetToken: token},
		&PathChallengeFrame{Data: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}},
		&PathResponseFrame{Data: [8]byte{8, 7, 6, 5, 4, 3, 2, 1}},
		&ConnectionCloseFrame{ErrorCode: uint64(qerr.ProtocolViolation), FrameType: 0x08, Reason: []byte("bad stream")},
		&ConnectionCloseFrame{ErrorCode: MaxVarint, FrameType: FrameTypeAckFrequency, Reason: []byte{}},
		&ConnectionCloseFrame{Application: true, ErrorCode: 0x100, Reason: []byte("bye")},
		&DatagramFrame{Data: []byte{}},
		&DatagramFrame{Data: data},
		&DatagramFrame{OmitLength: true, Data: data},
		&DatagramFrame{OmitLength: true, Data: []byte{}},
		&AckFrequencyFrame{Seq: 0, AckElicitingThreshold: 1, RequestedMaxAckDelay: 25000, ReorderingThreshold: 1},
	}
	for _, v := range boundaryVarints {
		frames = append(frames,
			&ResetStreamFrame{StreamID: v, ErrorCode: v, FinalSize: v},
			&StopSendingFrame{StreamID: v, ErrorCode: v},
			&MaxDataFrame{Max: v},
			&MaxStreamDataFrame{StreamID: v, Max: v},
			&DataBlockedFrame{Max: v},
			&StreamDataBlockedFrame{StreamID: v, Max: v},
			&RetireConnectionIDFrame{Seq: v},
			&AckFrequencyFrame{Seq: v, AckElicitingThreshold: v, RequestedMaxAckDelay: v, ReorderingThreshold: v},
			&AckFrame{AckDelay: v, Ranges: []AckRange{{v, v}}},
			&ConnectionCloseFrame{ErrorCode: v, FrameType: v, Reason: []byte{}},
			&StreamFrame{StreamID: v, Offset: MaxVarint - v, Data: []byte{}},
		)
	}
	return frames
}

// openEnded reports whether f's encoding runs to the end of the packet, so
// that a prefix of it holding the whole header, of length hdr, is still a
// valid frame.
func openEnded(f Frame) (hdr int, ok bool) {
	switch f := f.(type) {
	case *PaddingFrame:
		return 1, true
	case *StreamFrame:
		return f.HeaderLen(len(f.Data)), f.OmitLength
	case *DatagramFrame:
		return 1, f.OmitLength
	}
	return 0, false
}

func TestFrameRoundTrip(t *testing.T) {
	for _, f := range roundTripFrames() {
		prefix := []byte{0xee, 0xff}
		b := f.Append(prefix[:len(prefix):len(prefix)])
		if !bytes.Equal(b[:2], prefix) {
			t.Errorf("%v: Append clobbered the prefix", f)
		}
		b = b[2:]
		if len(b) != f.Len() {
			t.Errorf("%v: Len() = %d, encoded %d bytes", f, f.Len(), len(b))
		}
		typ, n := ConsumeFrameType(b)
		if n < 0 || typ != f.Type() {
			t.Errorf("%v: encoded type %#x (n %d), Type() = %#x", f, typ, n, f.Type())
		}
		got, n, err := ParseFrame(b)
		if err != nil {
			t.Errorf("%v: ParseFrame(%x): %v", f, b, err)
			continue
		}
		if n != len(b) || !reflect.DeepEqual(got, f) {
			t.Errorf("ParseFrame(%x) = %v, %d; want %v, %d", b, got, n, f, len(b))
		}
		// A frame with a Length field stops where it says, even when
		// more bytes follow.
		if _, ok := openEnded(f); !ok {
			if _, n, err := ParseFrame(append(b[:len(b):len(b)], 0x01)); err != nil || n != len(b) {
				t.Errorf("%v followed by PING: n = %d, err = %v; want %d", f, n, err, len(b))
			}
		}
		if s := f.String(); !strings.HasPrefix(s, FrameTypeName(f.Type())) {
			t.Errorf("String() = %q, want prefix %q", s, FrameTypeName(f.Type()))
		}
	}
}

// Every strict prefix of a self-delimiting frame is a FRAME_ENCODING_ERROR
// naming the frame's type once the type itself is complete.
func TestFrameTruncated(t *testing.T) {
	for _, f := range roundTripFrames() {
		b := f.Append(nil)
		typeLen := VarintLen(f.Type())
		for i := range len(b) {
			g := newFrame(f.Type())
			n, err := g.Parse(b[:i])
			if hdr, ok := openEnded(f); ok && i >= hdr {
				if err != nil || n != i {
					t.Errorf("%v: Parse(%x) = %d, %v; want %d, nil", f, b[:i], n, err, i)
				}
				continue
			}
			var te *qerr.TransportError
			if !errors.As(err, &te) || te.Code != qerr.FrameEncodingError || n != 0 {
				t.Errorf("%v: Parse(%x) = %d, %v; want FRAME_ENCODING_ERROR", f, b[:i], n, err)
				continue
			}
			if i >= typeLen && te.FrameType != f.Type() {
				t.Errorf("%v: Parse(%x) error frame type %#x, want %#x", f, b[:i], te.FrameType, f.Type())
			}
		}
	}
}

func TestFrameMalformed(t *testing.T) {
	token := strings.Repeat("00", 16)
	tests := []struct {
		name string
		hex  string
		code qerr.TransportErrorCode
		typ  uint64
	}{
		{"empty", "", qerr.FrameEncodingError, 0},
		{"unknown type", "20", qerr.FrameEncodingError, 0x20},
		{"unknown two-byte type", "4100", qerr.FrameEncodingError, 0x100},
		{"non-minimal PING", "4001", qerr.ProtocolViolation, FrameTypePing},
		{"non-minimal STREAM", "8000000a 00 01 aa", qerr.ProtocolViolation, 0x0a},
		{"non-minimal ACK_FREQUENCY", "800000af 00 00 00 00", qerr.ProtocolViolation, FrameTypeAckFrequency},
		{"non-minimal unknown", "4020", qerr.ProtocolViolation, 0x20},
		{"ACK first range below 0", "02 05 00 00 06", qerr.FrameEncodingError, FrameTypeAck},
		{"ACK gap below 0", "02 05 00 01 00 04 00", qerr.FrameEncodingError, FrameTypeAck},
		{"ACK range below 0", "02 05 00 01 00 03 01", qerr.FrameEncodingError, FrameTypeAck},
		{"ACK huge range count", "02 05 00 bfffffff 00 0000", qerr.FrameEncodingError, FrameTypeAck},
		{"ACK more ranges than packets", "02 03 00 02 00 00 00 00 00", qerr.FrameEncodingError, FrameTypeAck},
		{"ACK_ECN missing CE", "03 00 00 00 00 01 02", qerr.FrameEncodingError, FrameTypeAckECN},
		{"STREAM past 2^62-1", "0e 00 ffffffffffffffff 01 aa", qerr.FrameEncodingError, 0x0e},
		{"STREAM no length past 2^62-1", "0c 00 ffffffffffffffff aa", qerr.FrameEncodingError, 0x0c},
		{"STREAM length past end", "0a 04 05 aabb", qerr.FrameEncodingError, 0x0a},
		{"CRYPTO past 2^62-1", "06 ffffffffffffffff 01 aa", qerr.FrameEncodingError, FrameTypeCrypto},
		{"CRYPTO length past end", "06 00 03 aabb", qerr.FrameEncodingError, FrameTypeCrypto},
		{"NEW_TOKEN empty", "07 00", qerr.FrameEncodingError, FrameTypeNewToken},
		{"MAX_STREAMS bidi over 2^60", "12 d000000000000001", qerr.FrameEncodingError, FrameTypeMaxStreamsBidi},
		{"MAX_STREAMS uni over 2^60", "13 ffffffffffffffff", qerr.FrameEncodingError, FrameTypeMaxStreamsUni},
		{"STREAMS_BLOCKED over 2^60", "16 d000000000000001", qerr.FrameEncodingError, FrameTypeStreamsBlockedBidi},
		{"STREAMS_BLOCKED uni over 2^60", "17 d000000000000001", qerr.FrameEncodingError, FrameTypeStreamsBlockedUni},
		{"NEW_CONNECTION_ID empty CID", "18 01 00 00" + token, qerr.FrameEncodingError, FrameTypeNewConnectionID},
		{"NEW_CONNECTION_ID 21-byte CID", "18 01 00 15" + strings.Repeat("11", 21) + token, qerr.FrameEncodingError, FrameTypeNewConnectionID},
		{"NEW_CONNECTION_ID retire_prior_to > seq", "18 01 02 04 aabbccdd" + token, qerr.FrameEncodingError, FrameTypeNewConnectionID},
		{"NEW_CONNECTION_ID short token", "18 01 00 04 aabbccdd" + token[2:], qerr.FrameEncodingError, FrameTypeNewConnectionID},
		{"CONNECTION_CLOSE reason past end", "1c 0a 00 05 6869", qerr.FrameEncodingError, FrameTypeConnectionClose},
		{"CONNECTION_CLOSE app reason past end", "1d 0a 05 6869", qerr.FrameEncodingError, FrameTypeConnectionCloseApp},
		{"DATAGRAM length past end", "31 03 aabb", qerr.FrameEncodingError, FrameTypeDatagramLen},
		{"PATH_CHALLENGE short", "1a 01020304050607", qerr.FrameEncodingError, FrameTypePathChallenge},
		{"PATH_RESPONSE short", "1b", qerr.FrameEncodingError, FrameTypePathResponse},
		{"ACK_FREQUENCY short", "40af 01 02 03", qerr.FrameEncodingError, FrameTypeAckFrequency},
	}
	for _, tt := range tests {
		b := mustHex(t, tt.hex)
		f, n, err := ParseFrame(b)
		var te *qerr.TransportError
		if !errors.As(err, &te) || te.Code != tt.code || te.FrameType != tt.typ || n != 0 || f != nil {
			t.Errorf("%s: ParseFrame(%x) = %v, %d, %v; want %v for type %#x", tt.name, b, f, n, err, tt.code, tt.typ)
		}
	}
}

// Parse methods check their own type, so the caller may call them directly.
func TestFrameParseWrongType(t *testing.T) {
	for _, f := range roundTripFrames() {
		for _, other := range []byte{FrameTypePing, FrameTypeAck, 0x0b, FrameTypeMaxStreamsUni, FrameTypeDatagramLen} {
			if newFrame(uint64(other)) == nil || reflect.TypeOf(newFrame(uint64(other))) == reflect.TypeOf(f) {
				continue
			}
			b := []byte{other, 0, 0, 0, 0, 0, 0, 0, 0, 0}
			n, err := f.Parse(b)
			var te *qerr.TransportError
			if !errors.As(err, &te) || te.Code != qerr.FrameEncodingError || n != 0 {
				t.Errorf("%T.Parse(%x) = %d, %v; want FRAME_ENCODING_ERROR", f, b, n, err)
			}
		}
	}
}

// The unprotected payloads of RFC 9001, Appendix A parse as the frames the
// text describes.
func TestFrameRFC9001Payloads(t *testing.T) {
	clientCrypto := mustHex(t, `060040f1010000ed0303ebf8fa56f129 39b9584a3896472ec40bb863cfd3e868
		04fe3a47f06a2b69484c000004130113 02010000c000000010000e00000b6578
		616d706c652e636f6dff01000100000a 00080006001d00170018001000070005
		04616c706e0005000501000000000033 00260024001d00209370b2c9caa47fba
		baf4559fedba753de171fa71f50f1ce1 5d43e994ec74d748002b000302030400
		0d0010000e0403050306030203080408 050806002d00020101001c0002400100
		3900320408ffffffffffffffff050480 00ffff07048000ffff08011001048000
		75300901100f088394c8f03e51570806 048000ffff`)
	client := append(clientCrypto, make([]byte, 1162-len(clientCrypto))...)
	server := mustHex(t, `02000000000600405a020000560303ee fce7f7b37ba1d1632e96677825ddf739
		88cfc79825df566dc5430b9a045a1200 130100002e00330024001d00209d3c94
		0d89690b84d08a60993c144eca684d10 81287c834d5311bcf32bb9da1a002b00
		020304`)
	tests := []struct {
		name    string
		payload []byte
		want    []Frame
	}{
		{"client Initial", client, []Frame{
			&CryptoFrame{Offset: 0, Data: clientCrypto[4:]},
			&PaddingFrame{Length: 1162 - len(clientCrypto)},
		}},
		{"server Initial", server, []Frame{
			&AckFrame{Ranges: []AckRange{{0, 0}}},
			&CryptoFrame{Offset: 0, Data: server[9:]},
		}},
		{"ChaCha20 short header", []byte{0x01}, []Frame{&PingFrame{}}},
	}
	for _, tt := range tests {
		var got []Frame
		for b := tt.payload; len(b) > 0; {
			f, n, err := ParseFrame(b)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			got = append(got, f)
			b = b[n:]
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: parsed %v, want %v", tt.name, got, tt.want)
		}
		var enc []byte
		for _, f := range got {
			enc = f.Append(enc)
		}
		if !bytes.Equal(enc, tt.payload) {
			t.Errorf("%s: re-encoded %x, want %x", tt.name, enc, tt.payload)
		}
	}
}

func TestFrameStringExamples(t *testing.T) {
	tests := []struct {
		f    Frame
		want string
	}{
		{&StreamFrame{StreamID: 4, Offset: 10, Fin: true, Data: []byte("abc")}, "STREAM id=4 off=10 len=3 fin"},
		{&AckFrame{AckDelay: 3, Ranges: []AckRange{{5, 7}, {1, 2}}, ECN: true, CE: 1}, "ACK delay=3 ranges=5-7,1-2 ect0=0 ect1=0 ce=1"},
		{&ConnectionCloseFrame{ErrorCode: 7, FrameType: 6, Reason: []byte("x")}, `CONNECTION_CLOSE code=7 frame_type=6 reason="x"`},
		{&PaddingFrame{Length: 3}, "PADDING len=3"},
		{&MaxStreamsFrame{Bidi: true, Max: 9}, "MAX_STREAMS bidi max=9"},
		{&PathChallengeFrame{Data: [8]byte{0xa}}, "PATH_CHALLENGE data=0a00000000000000"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestPaddingFrame(t *testing.T) {
	var f PaddingFrame
	if n, err := f.Parse([]byte{0, 0, 0, 1, 0}); n != 3 || err != nil || f.Length != 3 {
		t.Errorf("Parse = %d, %v, %+v; want 3 bytes", n, err, f)
	}
	if _, err := f.Parse([]byte{1}); err == nil {
		t.Error("Parse of PING as PADDING succeeded")
	}
	if b := (PaddingFrame{Length: -1}).Append([]byte{7}); len(b) != 1 || (PaddingFrame{Length: -1}).Len() != 0 {
		t.Errorf("negative padding appended %x", b)
	}
}
