package quicdump

import (
	"bytes"
	"slices"
	"testing"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/wire"
)

// summary is a packet reduced to what the tests compare.
type summary struct {
	toServer bool
	typ      protocol.PacketType
	version  protocol.Version
	pn       int64
	phase    bool
	msgs     string
	frames   string
}

func summarize(d *Dump) []summary {
	var out []summary
	for _, p := range d.Packets {
		s := summary{toServer: p.ToServer, typ: p.Type, version: p.Version, pn: p.PN, phase: p.KeyPhase}
		for _, m := range p.Messages {
			s.msgs += string('0' + rune(m%10))
		}
		for _, f := range p.Frames {
			if _, ok := f.(*wire.PaddingFrame); ok {
				continue
			}
			s.frames += wire.FrameTypeName(f.Type()) + " "
		}
		out = append(out, s)
	}
	return out
}

func TestDecodeHandshake(t *testing.T) {
	for _, tc := range []struct {
		name  string
		v     protocol.Version
		suite protect.Suite
	}{
		{"v1 aes128", protocol.Version1, protect.AES128GCM},
		{"v1 aes256", protocol.Version1, protect.AES256GCM},
		{"v1 chacha", protocol.Version1, protect.ChaCha20Poly1305},
		{"v2 compatible negotiation", protocol.Version2, protect.AES128GCM},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFlight(t, 7, tc.suite)
			f.handshake(tc.v, nil, f.odcid.Bytes())
			f.send(false, 1, f.short(false, tc.v, false, &wire.HandshakeDoneFrame{}))
			f.send(true, 2, f.short(true, tc.v, false, &wire.StreamFrame{StreamID: 0, Fin: true, Data: []byte("GET /x\r\n")}))
			f.send(true, 2, f.short(true, tc.v, true, &wire.PingFrame{}))
			f.send(false, 2, f.short(false, tc.v, true, &wire.PathChallengeFrame{Data: [8]byte{1}}))
			d := Decode(f.dgrams, f.keys)
			want := []summary{
				{true, protocol.PacketInitial, protocol.Version1, 0, false, "1", "CRYPTO "},
				{true, protocol.PacketInitial, protocol.Version1, 1, false, "", "CRYPTO "},
				{false, protocol.PacketInitial, tc.v, 0, false, "2", "ACK CRYPTO "},
				{false, protocol.PacketHandshake, tc.v, 0, false, "8150", "CRYPTO "},
				{true, protocol.PacketHandshake, tc.v, 0, false, "0", "CRYPTO "},
				{false, protocol.Packet1RTT, 0, 0, false, "", "HANDSHAKE_DONE "},
				{true, protocol.Packet1RTT, 0, 0, false, "", "STREAM "},
				{true, protocol.Packet1RTT, 0, 1, true, "", "PING "},
				{false, protocol.Packet1RTT, 0, 1, true, "", "PATH_CHALLENGE "},
			}
			got := summarize(d)
			if !slices.Equal(got, want) {
				t.Fatalf("packets:\n got %+v\nwant %+v", got, want)
			}
			for _, p := range d.Packets {
				if p.Err != nil || p.Conn != 0 {
					t.Errorf("packet %v pn %d: conn %d err %v", p.Type, p.PN, p.Conn, p.Err)
				}
			}
			if len(d.Conns) != 1 {
				t.Fatalf("%d connections, want 1", len(d.Conns))
			}
			c := d.Conns[0]
			if c.ODCID != f.odcid || c.Version != tc.v || c.CipherSuite != uint16(tc.suite) {
				t.Errorf("conn %v version %v suite %#x", c.ODCID, c.Version, c.CipherSuite)
			}
			if !slices.Equal(c.ClientHello.CipherSuites, []uint16{uint16(tc.suite)}) {
				t.Errorf("ClientHello suites %x", c.ClientHello.CipherSuites)
			}
			if c.ServerParams == nil || c.ServerParams.InitialMaxStreamsBidi != 100 {
				t.Errorf("server params %+v (err %v)", c.ServerParams, c.ServerParamsErr)
			}
			if c.CryptoEnd[1][SpaceHandshake] < 700 {
				t.Errorf("server Handshake CRYPTO end %d", c.CryptoEnd[1][SpaceHandshake])
			}
		})
	}
}

func TestDecodeRetryAndVN(t *testing.T) {
	f := newFlight(t, 3, protect.AES128GCM)
	// The client's first Initial, answered by a Version Negotiation that
	// echoes its IDs and by a Retry.
	ch := msg(MsgClientHello, f.clientHello(0x1301))
	f.send(true, 0, f.long(true, protocol.Version1, protocol.PacketInitial, f.odcid.Bytes(), nil, crypto(0, ch)))
	vn := packet.AppendVersionNegotiation(nil, f.ccid.Bytes(), f.odcid.Bytes(), []protocol.Version{protocol.Version1, protocol.Version2}, 0x40)
	f.send(false, 0, vn)
	token := []byte("retry-token")
	retryCID := protocol.NewConnectionID([]byte{9, 9, 9, 9, 9, 9, 9, 9})
	retry := packet.AppendRetry(nil, protocol.Version1, f.ccid, retryCID, token, 0)
	tag := protect.RetryIntegrityTag(protocol.Version1, f.odcid.Bytes(), retry)
	f.send(false, 0, append(retry, tag[:]...))
	bad := append(packet.AppendRetry(nil, protocol.Version1, f.ccid, retryCID, token, 0), make([]byte, 16)...)
	f.send(false, 0, bad)
	// A second Retry, answering a second pre-Retry Initial that is
	// captured after it; the client ignores that Retry.
	retry2 := packet.AppendRetry(nil, protocol.Version1, f.ccid, protocol.NewConnectionID([]byte{8, 8, 8, 8}), []byte("other"), 0)
	tag2 := protect.RetryIntegrityTag(protocol.Version1, f.odcid.Bytes(), retry2)
	f.send(false, 0, append(retry2, tag2[:]...))
	f.send(true, 0, f.long(true, protocol.Version1, protocol.PacketInitial, f.odcid.Bytes(), nil, &wire.PingFrame{}))
	f.keyDCID = retryCID.Bytes()
	// The second Initial carries the token, with keys from the Retry's
	// SCID (RFC 9001, 5.2) and a packet number that does not restart.
	f.send(true, 0, f.long(true, protocol.Version1, protocol.PacketInitial, retryCID.Bytes(), token, crypto(0, ch)))
	f.send(false, 0, f.long(false, protocol.Version1, protocol.PacketInitial, f.ccid.Bytes(), nil, crypto(0, msg(MsgServerHello, f.serverHello()))))
	d := Decode(f.dgrams, f.keys)
	if len(d.Packets) != 8 {
		t.Fatalf("%d packets, want 8", len(d.Packets))
	}
	vnp, rp, badp, late, again, srv := d.Packets[1], d.Packets[2], d.Packets[3], d.Packets[5], d.Packets[6], d.Packets[7]
	if !late.Decrypted || late.PN != 1 {
		t.Errorf("pre-Retry Initial captured after the Retries: %+v", late)
	}
	if !srv.Decrypted {
		t.Errorf("server Initial after Retry: %v", srv.Err)
	}
	if vnp.Type != protocol.PacketVersionNegotiation || !slices.Equal(vnp.Versions, []protocol.Version{protocol.Version1, protocol.Version2}) || vnp.Conn != 0 {
		t.Errorf("VN: %+v", vnp)
	}
	if rp.Type != protocol.PacketRetry || !bytes.Equal(rp.Token, token) || rp.Err != nil || rp.SCID != retryCID {
		t.Errorf("Retry: %+v", rp)
	}
	if badp.Err != ErrRetryIntegrity {
		t.Errorf("corrupted Retry: err %v", badp.Err)
	}
	if !again.Decrypted || again.PN != 2 || !bytes.Equal(again.Token, token) || again.Conn != 0 {
		t.Errorf("Initial after Retry: %+v", again)
	}
	if len(d.Conns) != 1 || !d.Conns[0].HasClientHello {
		t.Errorf("conns %+v", d.Conns)
	}
}

func TestDecodeWithoutKeys(t *testing.T) {
	f := newFlight(t, 5, protect.AES128GCM)
	f.handshake(protocol.Version1, nil, f.odcid.Bytes())
	f.send(true, 0, f.short(true, protocol.Version1, false, &wire.PingFrame{}))
	d := Decode(f.dgrams, nil)
	var initials, undecrypted int
	for _, p := range d.Packets {
		switch {
		case p.Type == protocol.PacketInitial && p.Decrypted:
			initials++
		case !p.Decrypted && p.Err == ErrNoKeys:
			undecrypted++
		default:
			t.Errorf("unexpected %v packet: err %v", p.Type, p.Err)
		}
	}
	if initials != 3 || undecrypted != 3 {
		t.Errorf("%d Initials decrypted, %d packets without keys; want 3 and 3", initials, undecrypted)
	}
}

func TestDecodeOutOfOrderHandshake(t *testing.T) {
	// The server's Handshake packet is captured before its ServerHello:
	// the second pass opens it.
	f := newFlight(t, 9, protect.AES128GCM)
	f.handshake(protocol.Version1, nil, f.odcid.Bytes())
	srv := f.dgrams[2].Data
	h, err := packet.ParseLongHeader(srv)
	if err != nil {
		t.Fatal(err)
	}
	f.dgrams[2].Data = append(append([]byte(nil), srv[h.PacketLen:]...), srv[:h.PacketLen]...)
	d := Decode(f.dgrams, f.keys)
	for _, p := range d.Packets {
		if !p.Decrypted {
			t.Errorf("%v packet not decrypted: %v", p.Type, p.Err)
		}
	}
}

func TestDecodeTwoConnections(t *testing.T) {
	a := newFlight(t, 1, protect.AES128GCM)
	b := newFlight(t, 2, protect.AES128GCM)
	a.handshake(protocol.Version1, nil, a.odcid.Bytes())
	b.handshake(protocol.Version1, nil, b.odcid.Bytes())
	a.send(true, 0, a.short(true, protocol.Version1, false, &wire.PingFrame{}))
	b.send(true, 0, b.short(true, protocol.Version1, false, &wire.PingFrame{}))
	keys := KeyLog{}
	for _, kl := range []KeyLog{a.keys, b.keys} {
		for r, m := range kl {
			for l, s := range m {
				keys.Add(l, r, s)
			}
		}
	}
	dgrams := append(append([]Datagram(nil), a.dgrams...), b.dgrams...)
	d := Decode(dgrams, keys)
	if len(d.Conns) != 2 {
		t.Fatalf("%d connections, want 2", len(d.Conns))
	}
	for i, p := range d.Packets {
		want := 0
		if i >= len(d.Packets)/2 {
			want = 1
		}
		if !p.Decrypted || p.Conn != want {
			t.Errorf("packet %d (%v): conn %d decrypted %v err %v", i, p.Type, p.Conn, p.Decrypted, p.Err)
		}
	}
}
