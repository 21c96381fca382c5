package quicdump

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/tparams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// flight builds the datagrams of a synthetic connection, sealed with the
// stack's own packet protection, and the key log that opens them.
type flight struct {
	t        testing.TB
	odcid    protocol.ConnectionID
	keyDCID  []byte                // the DCID Initial keys derive from
	ccid     protocol.ConnectionID // client's SCID
	scid     protocol.ConnectionID // server's SCID
	random   [32]byte
	suite    protect.Suite
	keys     KeyLog
	secrets  map[string][]byte
	one      [2]*protect.OneRTTKeys
	pn       [2][3]int64
	dgrams   []Datagram
	clock    time.Time
	cli, srv netip.AddrPort
}

func newFlight(t testing.TB, seed byte, suite protect.Suite) *flight {
	f := &flight{
		t:       t,
		odcid:   protocol.NewConnectionID([]byte{seed, 1, 2, 3, 4, 5, 6, 7}),
		ccid:    protocol.NewConnectionID([]byte{seed, 0xc, 0xc, 0xc}),
		scid:    protocol.NewConnectionID([]byte{seed, 0x5, 0x5, 0x5, 0x5, 0x5}),
		suite:   suite,
		keys:    KeyLog{},
		secrets: map[string][]byte{},
		clock:   time.Unix(1700000000, 0),
		cli:     netip.MustParseAddrPort("193.167.0.100:50000"),
		srv:     netip.MustParseAddrPort("193.167.100.100:443"),
	}
	f.keyDCID = f.odcid.Bytes()
	for i := range f.random {
		f.random[i] = seed + byte(i)
	}
	for i, l := range []string{LabelClientHandshake, LabelServerHandshake, LabelClientTraffic, LabelServerTraffic} {
		s := make([]byte, suite.Hash().Size())
		for j := range s {
			s[j] = byte(i*40+j) ^ seed
		}
		f.secrets[l] = s
		f.keys.Add(l, f.random, s)
	}
	return f
}

// clientHello returns a ClientHello body offering suites.
func (f *flight) clientHello(suites ...uint16) []byte {
	b := []byte{3, 3}
	b = append(b, f.random[:]...)
	b = append(b, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(2*len(suites)))
	for _, s := range suites {
		b = binary.BigEndian.AppendUint16(b, s)
	}
	b = append(b, 1, 0)
	ext := []byte{0, 0x2b, 0, 3, 2, 3, 4} // supported_versions
	ext = append(ext, make([]byte, 1000)...)
	binary.BigEndian.PutUint16(ext[2:], uint16(len(ext)-4))
	b = binary.BigEndian.AppendUint16(b, uint16(len(ext)))
	return append(b, ext...)
}

func (f *flight) serverHello() []byte {
	b := []byte{3, 3}
	b = append(b, make([]byte, 32)...)
	b = append(b, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(f.suite))
	return append(b, 0, 0, 0)
}

func (f *flight) encryptedExtensions(p tparams.Parameters) []byte {
	tp := p.Append(nil, true)
	ext := binary.BigEndian.AppendUint16(nil, extQUICTransportParameters)
	ext = binary.BigEndian.AppendUint16(ext, uint16(len(tp)))
	ext = append(ext, tp...)
	return append(binary.BigEndian.AppendUint16(nil, uint16(len(ext))), ext...)
}

// long seals one long-header packet.
func (f *flight) long(toServer bool, v protocol.Version, t protocol.PacketType, dcid []byte, token []byte, frames ...wire.Frame) []byte {
	dir := dirIndex(toServer)
	space := int(t.Space())
	pn := f.pn[dir][space]
	f.pn[dir][space]++
	h := packet.LongHeader{Version: v, Type: t, DCID: protocol.NewConnectionID(dcid), SCID: f.ccid, Token: token}
	if !toServer {
		h.SCID = f.scid
	}
	b, lenOff := packet.AppendLongHeader(nil, h, pn, 2)
	pnOff := len(b) - 2
	for _, fr := range frames {
		b = fr.Append(b)
	}
	for len(b)-pnOff < 24 {
		b = append(b, 0)
	}
	packet.PutLength(b, lenOff, len(b)-pnOff+protect.TagLen)
	var keys *protect.Keys
	var err error
	switch t {
	case protocol.PacketInitial:
		var client, server *protect.Keys
		client, server, err = protect.NewInitialKeys(v, f.keyDCID, false)
		keys = server
		if toServer {
			keys = client
		}
	case protocol.PacketHandshake:
		keys, err = protect.NewKeys(f.suite, v, f.secrets[keyLabels[dir][0]])
	}
	if err != nil {
		f.t.Fatal(err)
	}
	b, err = keys.Protect(b, pnOff, uint64(pn))
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// short seals a 1-RTT packet; update starts a key update first.
func (f *flight) short(toServer bool, v protocol.Version, update bool, frames ...wire.Frame) []byte {
	dir := dirIndex(toServer)
	k := f.one[dir]
	if k == nil {
		k = new(protect.OneRTTKeys)
		if err := k.SetWriteSecret(f.suite, v, f.secrets[keyLabels[dir][1]]); err != nil {
			f.t.Fatal(err)
		}
		if err := k.SetReadSecret(f.suite, v, f.secrets[keyLabels[1-dir][1]]); err != nil {
			f.t.Fatal(err)
		}
		f.one[dir] = k
	}
	if update {
		if err := k.InitiateKeyUpdate(); err != nil {
			f.t.Fatal(err)
		}
	}
	pn := f.pn[dir][SpaceAppData]
	f.pn[dir][SpaceAppData]++
	dcid := f.scid
	if !toServer {
		dcid = f.ccid
	}
	b := packet.AppendShortHeader(nil, dcid, pn, 2, false, false)
	pnOff := 1 + dcid.Len()
	for _, fr := range frames {
		b = fr.Append(b)
	}
	for len(b)-pnOff < 24 {
		b = append(b, 0)
	}
	b, err := k.Protect(b, pnOff, uint64(pn))
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// send records a datagram of coalesced packets.
func (f *flight) send(toServer bool, ecn uint8, pkts ...[]byte) {
	var data []byte
	for _, p := range pkts {
		data = append(data, p...)
	}
	src, dst := f.srv, f.cli
	if toServer {
		src, dst = f.cli, f.srv
	}
	f.clock = f.clock.Add(time.Millisecond)
	f.dgrams = append(f.dgrams, Datagram{Time: f.clock, ToServer: toServer, Src: src, Dst: dst, ECN: ecn, Data: data})
}

// crypto returns a CRYPTO frame carrying data at off.
func crypto(off uint64, data []byte) *wire.CryptoFrame {
	return &wire.CryptoFrame{Offset: off, Data: data}
}

// msg returns a TLS handshake message.
func msg(typ uint8, body []byte) []byte {
	return AppendHandshakeMessage(nil, HandshakeMessage{Type: typ, Body: body})
}

// serverParams are the transport parameters the synthetic server sends.
func (f *flight) serverParams() tparams.Parameters {
	p := tparams.Default()
	p.InitialMaxStreamsBidi = 100
	p.OriginalDestinationConnectionID, p.HasOriginalDestinationConnectionID = f.odcid, true
	p.InitialSourceConnectionID, p.HasInitialSourceConnectionID = f.scid, true
	return p
}

// handshake writes a full handshake of version v (the client starts with
// v1; a v2 server answers in v2, RFC 9368), with the ClientHello split
// over two Initials.
func (f *flight) handshake(v protocol.Version, token []byte, initialDCID []byte) {
	ch := msg(MsgClientHello, f.clientHello(uint16(f.suite)))
	half := len(ch) / 2
	f.send(true, 2, f.long(true, protocol.Version1, protocol.PacketInitial, initialDCID, token, crypto(0, ch[:half])))
	f.send(true, 2, f.long(true, protocol.Version1, protocol.PacketInitial, initialDCID, token, crypto(uint64(half), ch[half:])))
	var hs []byte
	hs = append(hs, msg(MsgEncryptedExtensions, f.encryptedExtensions(f.serverParams()))...)
	hs = append(hs, msg(MsgCertificate, make([]byte, 600))...)
	hs = append(hs, msg(MsgCertificateVerify, make([]byte, 70))...)
	hs = append(hs, msg(MsgFinished, make([]byte, 32))...)
	f.send(false, 2,
		f.long(false, v, protocol.PacketInitial, f.ccid.Bytes(), nil, &wire.AckFrame{Ranges: []wire.AckRange{{Smallest: 0, Largest: 1}}}, crypto(0, msg(MsgServerHello, f.serverHello()))),
		f.long(false, v, protocol.PacketHandshake, f.ccid.Bytes(), nil, crypto(0, hs)))
	f.send(true, 2, f.long(true, v, protocol.PacketHandshake, f.scid.Bytes(), nil, crypto(0, msg(MsgFinished, make([]byte, 32)))))
}
