//go:build linux

package runner

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"

	"github.com/quicr/quicr/quic/quicdump"
)

// checks runs checks in order and returns the first failure.
func checks(fs ...func(*run) error) func(*run) error {
	return func(r *run) error {
		for _, f := range fs {
			if err := f(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// checkFiles: the top-level regular files in /downloads are exactly the
// served ones, byte for byte (interop-runner.md, 1).
func checkFiles(r *run) error {
	entries, err := os.ReadDir(r.downloads)
	if err != nil {
		return err
	}
	var got []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			got = append(got, e.Name())
		}
	}
	want := slices.Sorted(slices.Values(r.files))
	if !slices.Equal(got, want) {
		return fmt.Errorf("downloaded %d files, want %d (%s)", len(got), len(want), diffNames(got, want))
	}
	for _, name := range want {
		a, err := os.ReadFile(filepath.Join(r.www, name))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(r.downloads, name))
		if err != nil {
			return err
		}
		if !bytes.Equal(a, b) {
			return fmt.Errorf("file %s differs: %d bytes, want %d", short(name), len(b), len(a))
		}
	}
	return nil
}

func diffNames(got, want []string) string {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return "missing " + short(w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			return "unexpected " + short(g)
		}
	}
	return "same names"
}

func short(name string) string {
	if len(name) > 24 {
		return name[:21] + "..."
	}
	return name
}

// packets returns the packets of a trace that satisfy keep.
func packets(d *quicdump.Dump, keep func(*quicdump.Packet) bool) []*quicdump.Packet {
	var out []*quicdump.Packet
	for i := range d.Packets {
		if keep(&d.Packets[i]) {
			out = append(out, &d.Packets[i])
		}
	}
	return out
}

func fromServer(t quicdump.PacketType) func(*quicdump.Packet) bool {
	return func(p *quicdump.Packet) bool { return !p.ToServer && p.Type == t }
}

func fromClient(t quicdump.PacketType) func(*quicdump.Packet) bool {
	return func(p *quicdump.Packet) bool { return p.ToServer && p.Type == t }
}

// serverSCIDs returns the distinct SCIDs of server Initials in order.
func serverSCIDs(d *quicdump.Dump) []quicdump.ConnectionID {
	var ids []quicdump.ConnectionID
	for _, p := range packets(d, fromServer(quicdump.PacketInitial)) {
		if !slices.Contains(ids, p.SCID) {
			ids = append(ids, p.SCID)
		}
	}
	return ids
}

// checkHandshakes counts handshakes as the runner does: distinct SCIDs
// of server Initials in the server-side trace.
func checkHandshakes(n int) func(*run) error {
	return func(r *run) error {
		if got := len(serverSCIDs(r.server)); got != n {
			return fmt.Errorf("%d handshakes, want %d", got, n)
		}
		return nil
	}
}

// checkV1: the versions of server Initials are exactly {1}.
func checkV1(r *run) error {
	ps := packets(r.server, fromServer(quicdump.PacketInitial))
	if len(ps) == 0 {
		return errors.New("no server Initial in the server-side trace")
	}
	for _, p := range ps {
		if p.Version != quicdump.Version1 {
			return fmt.Errorf("server Initial of version %v", p.Version)
		}
	}
	return nil
}

// checkNoRetry: the client-side trace holds no Retry.
func checkNoRetry(r *run) error {
	if n := len(packets(r.client, fromServer(quicdump.PacketRetry))); n > 0 {
		return fmt.Errorf("%d Retry packets, want none", n)
	}
	return nil
}

// carriesClientHello reports whether a client Initial carries the start
// of the ClientHello (CRYPTO offset 0), counting retransmissions.
func carriesClientHello(p *quicdump.Packet) bool {
	if !p.ToServer || p.Type != quicdump.PacketInitial {
		return false
	}
	for _, f := range p.Frames {
		if c, ok := f.(*quicdump.CryptoFrame); ok && c.Offset == 0 && len(c.Data) > 0 {
			return true
		}
	}
	return false
}

// checkClientHelloRepeated (longrtt): at least two client Initials carry
// the ClientHello, so the first PTO fired before the 1.5 s RTT ended.
func checkClientHelloRepeated(r *run) error {
	if n := len(packets(r.client, carriesClientHello)); n < 2 {
		return fmt.Errorf("%d client Initials with the ClientHello, want >= 2", n)
	}
	return nil
}

// checkChaCha20Only: every ClientHello offers only
// TLS_CHACHA20_POLY1305_SHA256.
func checkChaCha20Only(r *run) error {
	seen := false
	for _, c := range r.client.Conns {
		if !c.HasClientHello {
			continue
		}
		seen = true
		if !slices.Equal(c.ClientHello.CipherSuites, []uint16{0x1303}) {
			return fmt.Errorf("ClientHello offers %#04x, want only 0x1303", c.ClientHello.CipherSuites)
		}
	}
	if !seen {
		return errors.New("no ClientHello decoded")
	}
	return nil
}

// checkStreamLimit (multiplexing): the server's initial_max_streams_bidi
// is at most 1000.
func checkStreamLimit(r *run) error {
	for _, c := range r.client.Conns {
		if c.ServerParams == nil {
			continue
		}
		if v := c.ServerParams.InitialMaxStreamsBidi; v == 0 || v > 1000 {
			return fmt.Errorf("server initial_max_streams_bidi %d, want 1..1000", v)
		}
		return nil
	}
	return errors.New("server transport parameters not decrypted")
}

// checkRetry: a Retry with a token was sent, a client Initial returned one
// of the tokens, and its packet number is above every token-less Initial's
// (no packet number reset after Retry).
func checkRetry(r *run) error {
	retries := packets(r.client, fromServer(quicdump.PacketRetry))
	if len(retries) == 0 {
		return errors.New("no Retry packet")
	}
	var tokens [][]byte
	for _, p := range retries {
		if len(p.Token) == 0 {
			return errors.New("Retry without a token")
		}
		tokens = append(tokens, p.Token)
	}
	// Walk the client's Initials in order, as the runner does: a token-less
	// one raises the bar, one with a token must be above it.
	highest := int64(-1)
	for _, p := range packets(r.client, fromClient(quicdump.PacketInitial)) {
		if len(p.Token) == 0 {
			highest = max(highest, p.PN)
			continue
		}
		if p.PN <= highest {
			return fmt.Errorf("Initial with a token has packet number %d, not above %d (packet numbers reset after Retry)", p.PN, highest)
		}
		if slices.ContainsFunc(tokens, func(t []byte) bool { return bytes.Equal(t, p.Token) }) {
			return nil
		}
	}
	return errors.New("no client Initial carries a Retry token")
}

// certificateSent returns the SCIDs of the server's Handshake packets in
// order, and which of them carried a Certificate.
func certificateSent(d *quicdump.Dump) (scids []quicdump.ConnectionID, cert map[quicdump.ConnectionID]bool) {
	cert = map[quicdump.ConnectionID]bool{}
	for _, p := range packets(d, fromServer(quicdump.PacketHandshake)) {
		if !slices.Contains(scids, p.SCID) {
			scids = append(scids, p.SCID)
		}
		if slices.Contains(p.Messages, quicdump.MsgCertificate) || slices.Contains(p.Messages, quicdump.MsgCompressedCertificate) {
			cert[p.SCID] = true
		}
	}
	return scids, cert
}

// checkResumption: the first connection's server Handshake packets carry
// a Certificate, the second's do not, and no third connection exists.
func checkResumption(r *run) error {
	scids, cert := certificateSent(r.client)
	if len(scids) != 2 {
		return fmt.Errorf("server Handshake packets under %d SCIDs, want 2", len(scids))
	}
	if !cert[scids[0]] {
		return errors.New("first handshake carries no Certificate (not decrypted?)")
	}
	if cert[scids[1]] {
		return errors.New("second handshake carries a Certificate: not resumed")
	}
	return nil
}

// checkZeroRTT: the client sent 0-RTT data, and its 1-RTT payload over
// both connections stays within half the request bytes, so the later
// requests went in 0-RTT.
func checkZeroRTT(r *run) error {
	var zero, one int
	for _, p := range r.client.Packets {
		if !p.ToServer {
			continue
		}
		switch p.Type {
		case quicdump.Packet0RTT:
			zero += p.PayloadLen
		case quicdump.Packet1RTT:
			one += p.PayloadLen
		}
	}
	budget := 0
	for _, f := range r.tc.Files {
		budget += f.Count * f.NameLen / 2
	}
	if zero == 0 {
		return errors.New("no 0-RTT data sent")
	}
	if one > budget {
		return fmt.Errorf("client sent %d bytes of 1-RTT payload, more than %d (0-RTT %d bytes)", one, budget, zero)
	}
	return nil
}

// checkKeyUpdate: both sides sent 1-RTT packets with key phase 1.
func checkKeyUpdate(r *run) error {
	var client, server bool
	for _, p := range packets(r.client, fromClient(quicdump.Packet1RTT)) {
		client = client || p.Decrypted && p.KeyPhase
	}
	for _, p := range packets(r.server, fromServer(quicdump.Packet1RTT)) {
		server = server || p.Decrypted && p.KeyPhase
	}
	if !client || !server {
		return fmt.Errorf("key phase 1 seen from client %v, from server %v", client, server)
	}
	return nil
}

// checkECN: each side's packets, in the trace next to it, carry ECT marks
// and no CE, and include ACK frames with ECN counts.
func checkECN(r *run) error {
	for _, side := range []struct {
		name     string
		toServer bool
		d        *quicdump.Dump
	}{{"client", true, r.client}, {"server", false, r.server}} {
		var ect, ce int
		var ackECN bool
		for i := range side.d.Packets {
			p := &side.d.Packets[i]
			if p.ToServer != side.toServer {
				continue
			}
			switch p.ECN {
			case 1, 2:
				ect++
			case 3:
				ce++
			}
			for _, f := range p.Frames {
				if a, ok := f.(*quicdump.AckFrame); ok && a.ECN {
					ackECN = true
				}
			}
		}
		if ect == 0 || ce > 0 || !ackECN {
			return fmt.Errorf("%s: %d ECT-marked packets, %d CE, sent ACK_ECN %v", side.name, ect, ce, ackECN)
		}
	}
	return nil
}

// checkAmplification: the server's Handshake CRYPTO data reaches offset
// 7500, and until the first client Handshake packet the server never
// sends more than 3 times (tolerating 4 times) what it received in client
// Initials (RFC 9000, 8.1).
func checkAmplification(r *run) error {
	var end uint64
	for _, p := range packets(r.server, fromServer(quicdump.PacketHandshake)) {
		for _, f := range p.Frames {
			if c, ok := f.(*quicdump.CryptoFrame); ok {
				end = max(end, c.Offset+uint64(len(c.Data)))
			}
		}
	}
	if end < 7500 {
		return fmt.Errorf("server sent %d bytes of Handshake CRYPTO data, want >= 7500 (cert chain not used?)", end)
	}
	byDatagram := map[int][]*quicdump.Packet{}
	for i := range r.server.Packets {
		p := &r.server.Packets[i]
		byDatagram[p.Datagram] = append(byDatagram[p.Datagram], p)
	}
	var budget3, budget4 int
	for i, dg := range r.serverSide {
		ps := byDatagram[i]
		if len(ps) > 0 && ps[0].Type == quicdump.PacketVersionNegotiation {
			return errors.New("Version Negotiation packet seen")
		}
		// A datagram's type is its first packet's, as tshark reports it.
		if dg.ToServer {
			if len(ps) > 0 && ps[0].Type == quicdump.PacketHandshake {
				return nil
			}
			if len(ps) > 0 && ps[0].Type == quicdump.PacketInitial {
				budget3 += 3 * len(dg.Data)
				budget4 += 4 * len(dg.Data)
			}
			continue
		}
		if len(dg.Data) >= budget4 {
			return fmt.Errorf("server datagram %d of %d bytes exceeds the remaining 4x budget %d", i, len(dg.Data), budget4)
		}
		if len(dg.Data) > budget3 {
			r.logf("amplification: datagram %d of %d bytes within 4x but above 3x budget %d", i, len(dg.Data), budget3)
		}
		budget3 -= len(dg.Data)
		budget4 -= len(dg.Data)
	}
	return errors.New("no client Handshake packet")
}

// checkIPv6Only: no server packet went over IPv4.
func checkIPv6Only(r *run) error {
	for _, d := range r.serverSide {
		if !d.ToServer && d.Src.Addr().Unmap().Is4() {
			return fmt.Errorf("server packet over IPv4 to %v", d.Dst)
		}
	}
	if len(r.serverSide) == 0 {
		return errors.New("nothing captured")
	}
	return nil
}

// checkV2: the client's Initials include v1, the server's include v2,
// and every Handshake packet is v2 (RFC 9368, RFC 9369).
func checkV2(r *run) error {
	var clientV1, serverV2 bool
	for _, p := range r.server.Packets {
		switch {
		case p.Type == quicdump.PacketInitial && p.ToServer && p.Version == quicdump.Version1:
			clientV1 = true
		case p.Type == quicdump.PacketInitial && !p.ToServer && p.Version == quicdump.Version2:
			serverV2 = true
		case p.Type == quicdump.PacketHandshake && p.Version != quicdump.Version2:
			return fmt.Errorf("Handshake packet of version %v", p.Version)
		}
	}
	if !clientV1 || !serverV2 {
		return fmt.Errorf("client Initials in v1: %v, server Initials in v2: %v", clientV1, serverV2)
	}
	return nil
}

// fourTuple keys a path by its two addresses.
type fourTuple struct{ a, b netip.AddrPort }

// checkPaths walks the server's packets in the server-side trace as the
// runner does: the first one on each new 4-tuple carries PATH_CHALLENGE,
// there are at least two 4-tuples (and, with addr, two client addresses),
// and each of those challenges is answered by a PATH_RESPONSE in the
// client-side trace.
func checkPaths(addr bool) func(*run) error {
	return func(r *run) error {
		var last *fourTuple
		var paths []fourTuple
		clientIPs := map[netip.Addr]bool{}
		var challenges [][8]byte
		for i := range r.server.Packets {
			p := &r.server.Packets[i]
			if p.ToServer {
				continue
			}
			clientIPs[p.Dst.Addr()] = true
			cur := fourTuple{p.Src, p.Dst}
			if last == nil {
				last = &cur
				continue
			}
			if *last == cur || slices.Contains(paths, cur) {
				continue
			}
			paths = append(paths, *last)
			last = &cur
			var challenge bool
			for _, f := range p.Frames {
				if pc, ok := f.(*quicdump.PathChallengeFrame); ok {
					challenges = append(challenges, pc.Data)
					challenge = true
				}
			}
			if !challenge {
				return fmt.Errorf("first server packet on path %v -> %v carries no PATH_CHALLENGE", cur.a, cur.b)
			}
		}
		if last != nil && !slices.Contains(paths, *last) {
			paths = append(paths, *last)
		}
		if len(paths) < 2 {
			return fmt.Errorf("server used %d path(s), want >= 2", len(paths))
		}
		if addr && len(clientIPs) < 2 {
			return fmt.Errorf("server sent to %d client address(es), want >= 2", len(clientIPs))
		}
		responses := map[[8]byte]bool{}
		for _, p := range packets(r.client, func(p *quicdump.Packet) bool { return p.ToServer }) {
			for _, f := range p.Frames {
				if pr, ok := f.(*quicdump.PathResponseFrame); ok {
					responses[pr.Data] = true
				}
			}
		}
		for _, c := range challenges {
			if !responses[c] {
				return fmt.Errorf("PATH_CHALLENGE %x never answered", c)
			}
		}
		return nil
	}
}

// checkClientMigrated (connectionmigration): the client's first packet on
// each new 4-tuple uses a different DCID than the one before.
func checkClientMigrated(r *run) error {
	var tuples []fourTuple
	var last quicdump.ConnectionID
	for _, p := range packets(r.client, fromClient(quicdump.Packet1RTT)) {
		t := fourTuple{p.Src, p.Dst}
		if !slices.Contains(tuples, t) {
			if len(tuples) > 0 && p.DCID == last {
				return fmt.Errorf("client kept DCID %v on new path %v -> %v", p.DCID, t.a, t.b)
			}
			tuples = append(tuples, t)
		}
		last = p.DCID
	}
	if len(tuples) < 2 {
		return fmt.Errorf("client used %d path(s), want >= 2", len(tuples))
	}
	return nil
}
