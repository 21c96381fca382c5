package core

import (
	"net/netip"
	"testing"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// hasPacket reports whether any of ds carries a long-header packet of type
// pt.
func hasPacket(ds [][]byte, pt protocol.PacketType) bool {
	for _, d := range ds {
		for _, h := range longHeaders(d) {
			if h.Type == pt {
				return true
			}
		}
	}
	return false
}

// TestEarlyResend drives the two early resends of RFC 9002, 6.2.3, datagram
// by datagram, and checks the endpoint sends its flight again at once, well
// before its PTO, and not more than maxEarlyResends times.
func TestEarlyResend(t *testing.T) {
	clAddr, svAddr := netip.MustParseAddrPort("192.0.2.1:4433"), netip.MustParseAddrPort("192.0.2.2:443")
	toServer := func(sv *simEP, now protocol.Time, ds [][]byte) {
		for _, d := range ds {
			sv.HandleDatagram(now, simnet.Datagram{From: clAddr, To: svAddr, Data: d})
		}
	}
	toClient := func(cl *simEP, now protocol.Time, ds [][]byte) {
		for _, d := range ds {
			cl.HandleDatagram(now, simnet.Datagram{From: svAddr, To: clAddr, Data: d})
		}
	}

	t.Run("server, ClientHello again", func(t *testing.T) {
		seed := simnet.TestSeed(t)
		cl, sv := newSimEP(t, false, seed, nil), newSimEP(t, true, seed, nil)
		c := cl.dial(0, svAddr)
		toServer(sv, 0, drainTransmits(cl, 0))
		s := sv.accepted[0]
		if flight := drainTransmits(sv, 0); !hasPacket(flight, protocol.PacketHandshake) {
			t.Fatal("no first flight") // lost: the client never sees it
		}
		pto := s.NextTimeout()
		// The client's Initial again, in new packets as its own PTO would
		// send it: the server must answer with its flight now, not at its
		// PTO.
		for i := range maxEarlyResends + 1 {
			now := protocol.Time(i+1) * protocol.Time(10*time.Millisecond)
			if now >= pto {
				t.Fatal("test too slow for the server's PTO")
			}
			c.spaces[protocol.SpaceInitial].cryptoSend.RequeueUnacked()
			toServer(sv, now, drainTransmits(cl, now))
			again := drainTransmits(sv, now)
			if want := i < maxEarlyResends; hasPacket(again, protocol.PacketHandshake) != want {
				t.Fatalf("ClientHello %d times again: server sent its flight again: %v, want %v", i+1, !want, want)
			}
		}
		if c.handshakeDone {
			t.Fatal("client finished without the server's flight")
		}
	})

	t.Run("client, Handshake before its keys", func(t *testing.T) {
		seed := simnet.TestSeed(t)
		cl, sv := newSimEP(t, false, seed, nil), newSimEP(t, true, seed, nil)
		c := cl.dial(0, svAddr)
		toServer(sv, 0, drainTransmits(cl, 0))
		var handshakeOnly [][]byte
		for _, d := range drainTransmits(sv, 0) {
			if hasPacket([][]byte{d}, protocol.PacketHandshake) {
				handshakeOnly = append(handshakeOnly, d) // the ServerHello's datagrams are lost
			}
		}
		if len(handshakeOnly) == 0 {
			t.Fatal("no Handshake packets in the server's flight")
		}
		for i := range maxEarlyResends + 1 {
			now := protocol.Time(i+1) * protocol.Time(10*time.Millisecond)
			if now >= c.NextTimeout() {
				t.Fatal("test too slow for the client's PTO")
			}
			toClient(cl, now, handshakeOnly)
			// The ClientHello spans two datagrams; an ACK alone is one.
			again := drainTransmits(cl, now)
			if want := i < maxEarlyResends; (len(again) >= 2) != want {
				t.Fatalf("Handshake before its keys %d times: client sent %d datagrams, want the ClientHello again: %v", i+1, len(again), want)
			}
		}
	})
}
