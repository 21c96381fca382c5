package quicdump

import (
	"errors"
	"slices"

	"github.com/quicr/quicr/quic/internal/packet"
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/tparams"
	"github.com/quicr/quicr/quic/internal/wire"
)

// Reasons a packet is reported undecoded.
var (
	ErrNoConn         = errors.New("quicdump: no connection matches the packet")
	ErrNoKeys         = errors.New("quicdump: keys not known")
	ErrRetryIntegrity = errors.New("quicdump: Retry integrity tag does not verify")
)

// connState is a connection being followed.
type connState struct {
	pub         *Conn
	idx         int
	initialDCID []byte // the DCID Initial keys derive from (RFC 9001, 5.2)
	retrySCIDs  []protocol.ConnectionID
	keys        map[keyID]*protect.Keys
	oneRTT      [2]*protect.OneRTTKeys
	largest     [2][3]int64
	crypto      [2][3]cryptoStream
}

// hint carries what a first pass learned about a connection into the
// second, for packets that arrived before the messages their keys need.
type hint struct {
	ch    ClientHello
	suite uint16
}

// decoder holds the state of one pass over the datagrams.
type decoder struct {
	keys  KeyLog
	conns []*connState
	// byCID maps the connection IDs each side chose (0 client, 1 server)
	// to connections; cidLens lists the lengths present, for short headers.
	byCID   [2]map[protocol.ConnectionID][]*connState
	cidLens [2][protocol.MaxConnIDLen + 1]bool
	hints   map[protocol.ConnectionID]hint
	missing bool // some packet lacked keys
	out     *Dump
	// cryptoAt remembers which connection, direction and space each
	// packet's CRYPTO frames belong to, for Packet.Messages.
	cryptoAt map[int]cryptoRef
}

type cryptoRef struct {
	c          *connState
	dir, space int
}

// Decode decodes captured datagrams, in capture order, with the secrets of
// a key log (which may be nil). It never fails: what cannot be decoded is
// reported in Packet.Err.
func Decode(dgrams []Datagram, keys KeyLog) *Dump {
	d := newDecoder(keys, nil)
	d.run(dgrams)
	if d.missing {
		// A second pass with the ClientHello and cipher suite of every
		// connection opens packets captured before those messages.
		hints := map[protocol.ConnectionID]hint{}
		for _, c := range d.conns {
			if c.pub.HasClientHello && c.pub.CipherSuite != 0 {
				hints[c.pub.ODCID] = hint{ch: c.pub.ClientHello, suite: c.pub.CipherSuite}
			}
		}
		if len(hints) > 0 {
			d = newDecoder(keys, hints)
			d.run(dgrams)
		}
	}
	return d.out
}

func newDecoder(keys KeyLog, hints map[protocol.ConnectionID]hint) *decoder {
	d := &decoder{keys: keys, hints: hints, out: &Dump{}, cryptoAt: map[int]cryptoRef{}}
	for i := range 2 {
		d.byCID[i] = map[protocol.ConnectionID][]*connState{}
	}
	return d
}

func (d *decoder) run(dgrams []Datagram) {
	for i := range dgrams {
		d.datagram(i, &dgrams[i])
	}
	d.fillMessages()
}

// datagram decodes the coalesced packets of one datagram (RFC 9000, 12.2).
func (d *decoder) datagram(idx int, dg *Datagram) {
	b := dg.Data
	for first := true; len(b) > 0; first = false {
		p := Packet{Datagram: idx, Time: dg.Time, ToServer: dg.ToServer, Src: dg.Src, Dst: dg.Dst, ECN: dg.ECN, Conn: -1, PN: -1}
		var n int
		if packet.IsLongHeader(b[0]) {
			n = d.long(&p, b)
		} else {
			if !first && b[0] == 0 {
				return // padding after the last packet (a greased QUIC bit alone is not)
			}
			n = d.short(&p, b)
		}
		if n <= 0 {
			if first {
				d.out.Packets = append(d.out.Packets, p)
			}
			return
		}
		d.out.Packets = append(d.out.Packets, p)
		b = b[n:]
	}
}

// long decodes the long-header packet at the start of b and returns its
// length, or 0 if the rest of the datagram cannot be split.
func (d *decoder) long(p *Packet, b []byte) int {
	h, err := packet.ParseLongHeader(b)
	p.Version = h.Version
	if err != nil && !errors.Is(err, packet.ErrFixedBit) {
		p.Err = err
		p.Size = len(b)
		return 0
	}
	p.Type, p.DCID, p.SCID, p.Size = h.Type, h.DCID, h.SCID, h.PacketLen
	p.Token = append([]byte(nil), h.Token...)
	dir := dirIndex(p.ToServer)
	switch h.Type {
	case protocol.PacketVersionNegotiation:
		_, _, vs, err := packet.ParseVersionNegotiation(b)
		p.Err = err
		for v := range vs.All() {
			p.Versions = append(p.Versions, v)
		}
		if c := d.lookup(0, h.DCID); c != nil {
			p.Conn = c.idx
		}
		return h.PacketLen
	case protocol.PacketRetry:
		c := d.lookup(0, h.DCID)
		if c == nil {
			p.Err = ErrNoConn
			return h.PacketLen
		}
		p.Conn = c.idx
		if !protect.VerifyRetryIntegrity(h.Version, c.pub.ODCID.Bytes(), b[:h.PacketLen]) {
			p.Err = ErrRetryIntegrity
			return h.PacketLen
		}
		// RFC 9001, 5.2: later Initials derive keys from the Retry's SCID,
		// once the client uses it: a server may send several Retries, of
		// which the client accepts one (RFC 9000, 17.2.5.2).
		c.retrySCIDs = append(c.retrySCIDs, h.SCID)
		d.addCID(1, h.SCID, c)
		return h.PacketLen
	}
	c := d.lookup(1-dir, h.DCID)
	if c == nil && p.ToServer && h.Type == protocol.PacketInitial {
		c = d.newConn(h.DCID)
	}
	p.PayloadLen = int(h.Length)
	if c == nil {
		p.Err = ErrNoConn
		return h.PacketLen
	}
	p.Conn = c.idx
	d.addCID(dir, h.SCID, c)
	keyDCID := c.initialDCID
	if p.ToServer && h.Type == protocol.PacketInitial {
		// A client's Initials to the original DCID or to a Retry's SCID
		// use keys from that DCID; the server follows the Retry the
		// client took.
		switch {
		case slices.Contains(c.retrySCIDs, h.DCID):
			c.initialDCID = h.DCID.Bytes()
			keyDCID = c.initialDCID
		case h.DCID == c.pub.ODCID:
			keyDCID = c.pub.ODCID.Bytes()
		}
	}
	if !p.ToServer && h.Type != protocol.Packet0RTT {
		c.pub.Version = h.Version
	}
	space := int(h.Type.Space())
	keys := c.longKeys(d, dir, h.Type, h.Version, keyDCID)
	if keys == nil {
		p.Err = ErrNoKeys
		d.missing = d.missing || h.Type != protocol.Packet0RTT
		return h.PacketLen
	}
	pkt := append([]byte(nil), b[:h.PacketLen]...)
	first, pnLen, trunc, err := keys.Unprotect(pkt, h.PNOffset)
	if err != nil {
		p.Err = err
		return h.PacketLen
	}
	pn := packet.DecodePacketNumber(c.largest[dir][space], trunc, 8*pnLen)
	payload, err := keys.Open(pkt, h.PNOffset+pnLen, uint64(pn))
	if err != nil {
		p.Err = err
		return h.PacketLen
	}
	c.largest[dir][space] = max(c.largest[dir][space], pn)
	p.PN, p.Decrypted = pn, true
	p.Err = packet.CheckReservedBits(first)
	p.PayloadLen = len(payload)
	d.frames(p, c, dir, space, payload)
	return h.PacketLen
}

// short decodes the 1-RTT packet that fills the rest of b.
func (d *decoder) short(p *Packet, b []byte) int {
	p.Type, p.Size = protocol.Packet1RTT, len(b)
	dir := dirIndex(p.ToServer)
	// The DCID length is not on the wire: try each length of the IDs
	// the receiver issued, and each matching connection's keys.
	var tried bool
	for l, present := range d.cidLens[1-dir] {
		if !present || l > len(b)-1 {
			continue
		}
		for _, c := range d.byCID[1-dir][protocol.NewConnectionID(b[1:1+l])] {
			tried = true
			p.Conn, p.DCID = c.idx, protocol.NewConnectionID(b[1:1+l])
			p.PayloadLen = len(b) - 1 - l // from the packet number on
			if d.openShort(p, c, dir, b, l) {
				return len(b)
			}
		}
	}
	if !tried {
		p.Err = ErrNoConn
	}
	return len(b)
}

// openShort tries to open a 1-RTT packet with c's keys.
func (d *decoder) openShort(p *Packet, c *connState, dir int, b []byte, dcidLen int) bool {
	h, err := packet.ParseShortHeader(b, dcidLen)
	if err != nil && !errors.Is(err, packet.ErrFixedBit) {
		p.Err = err
		return false
	}
	keys := c.oneRTTKeys(d, dir)
	if keys == nil {
		p.Err = ErrNoKeys
		d.missing = true
		return false
	}
	pkt := append([]byte(nil), b...)
	first, pnLen, trunc, err := keys.Unprotect(pkt, h.PNOffset)
	if err != nil {
		p.Err = err
		return false
	}
	space := SpaceAppData
	pn := packet.DecodePacketNumber(c.largest[dir][space], trunc, 8*pnLen)
	payload, _, err := keys.Open(pkt, h.PNOffset+pnLen, uint64(pn))
	if err != nil {
		p.Err = err
		return false
	}
	c.largest[dir][space] = max(c.largest[dir][space], pn)
	p.Err = packet.CheckReservedBits(first)
	p.PN, p.Decrypted, p.KeyPhase = pn, true, packet.KeyPhase(first)
	d.frames(p, c, dir, space, payload)
	return true
}

func (d *decoder) newConn(odcid protocol.ConnectionID) *connState {
	c := &connState{
		pub:         &Conn{ODCID: odcid},
		idx:         len(d.conns),
		initialDCID: odcid.Bytes(),
		keys:        map[keyID]*protect.Keys{},
	}
	for i := range c.largest {
		for j := range c.largest[i] {
			c.largest[i][j] = -1
		}
	}
	if h, ok := d.hints[odcid]; ok {
		c.pub.ClientHello, c.pub.HasClientHello, c.pub.CipherSuite = h.ch, true, h.suite
	}
	d.conns = append(d.conns, c)
	d.out.Conns = append(d.out.Conns, c.pub)
	d.addCID(1, odcid, c) // the client's Initials and 0-RTT go to it
	return c
}

// addCID routes packets addressed to cid, chosen by side dir, to c. An
// ID can be shared, in practice only the empty one: the newest
// connection comes first.
func (d *decoder) addCID(dir int, cid protocol.ConnectionID, c *connState) {
	list := d.byCID[dir][cid]
	for _, o := range list {
		if o == c {
			return
		}
	}
	d.byCID[dir][cid] = append([]*connState{c}, list...)
	d.cidLens[dir][cid.Len()] = true
}

// lookup returns the newest connection that side dir gave cid, or nil.
func (d *decoder) lookup(dir int, cid protocol.ConnectionID) *connState {
	if list := d.byCID[dir][cid]; len(list) > 0 {
		return list[0]
	}
	return nil
}

// frames parses a decrypted payload and follows what the frames tell.
func (d *decoder) frames(p *Packet, c *connState, dir, space int, payload []byte) {
	for len(payload) > 0 {
		f, n, err := wire.ParseFrame(payload)
		if err != nil {
			p.Err = err
			return
		}
		payload = payload[n:]
		p.Frames = append(p.Frames, f)
		switch f := f.(type) {
		case *wire.CryptoFrame:
			d.cryptoAt[len(d.out.Packets)] = cryptoRef{c, dir, space}
			c.pub.CryptoEnd[dir][space] = max(c.pub.CryptoEnd[dir][space], f.Offset+uint64(len(f.Data)))
			for _, m := range c.crypto[dir][space].insert(f.Offset, f.Data) {
				d.handshakeMessage(c, dir, space, m)
			}
		case *wire.NewConnectionIDFrame:
			d.addCID(dir, f.ConnID, c)
		}
	}
}

// handshakeMessage records a complete TLS message and learns from it.
func (d *decoder) handshakeMessage(c *connState, dir, space int, m HandshakeMessage) {
	switch m.Type {
	case MsgClientHello:
		if ch, ok := ParseClientHello(m.Body); ok && dir == 0 {
			c.pub.ClientHello, c.pub.HasClientHello = ch, true
		}
	case MsgServerHello:
		if _, suite, ok := ParseServerHello(m.Body); ok && dir == 1 {
			c.pub.CipherSuite = suite
		}
	case MsgEncryptedExtensions:
		if raw, ok := ParseEncryptedExtensions(m.Body); ok && dir == 1 {
			tp, err := tparams.Parse(raw, true)
			if err != nil {
				c.pub.ServerParamsErr = err
				break
			}
			c.pub.ServerParams = &tp
			if tp.HasPreferredAddress {
				d.addCID(1, tp.PreferredAddress.ConnectionID, c)
			}
		}
	}
	m.Body = nil
	c.pub.Messages[dir][space] = append(c.pub.Messages[dir][space], m)
}

// fillMessages lists in each packet the handshake messages that start in
// its CRYPTO frames.
func (d *decoder) fillMessages() {
	for i, ref := range d.cryptoAt {
		p := &d.out.Packets[i]
		msgs := ref.c.pub.Messages[ref.dir][ref.space]
		for _, m := range msgs {
			for _, f := range p.Frames {
				cf, ok := f.(*wire.CryptoFrame)
				if ok && m.Offset >= cf.Offset && m.Offset < cf.Offset+uint64(len(cf.Data)) {
					p.Messages = append(p.Messages, m.Type)
					break
				}
			}
		}
	}
}
