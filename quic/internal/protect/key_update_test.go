package protect

import (
	"errors"
	"fmt"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// endpoint is one side of a 1-RTT exchange in the key update tests.
type endpoint struct {
	keys    OneRTTKeys
	largest uint64 // largest packet number received
}

// newPair returns a client and a server whose 1-RTT secrets match.
func newPair(t *testing.T, s Suite, v protocol.Version) (c, srv *endpoint) {
	t.Helper()
	c, srv = new(endpoint), new(endpoint)
	cs, ss := testSecret(s, "client 1rtt"), testSecret(s, "server 1rtt")
	for _, err := range []error{
		c.keys.SetWriteSecret(s, v, cs), c.keys.SetReadSecret(s, v, ss),
		srv.keys.SetWriteSecret(s, v, ss), srv.keys.SetReadSecret(s, v, cs),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c, srv
}

// seal returns a protected 1-RTT packet numbered pn.
func (e *endpoint) seal(t *testing.T, pn uint64) []byte {
	t.Helper()
	b, pnOffset := shortPacket(pn, 2, []byte(fmt.Sprintf("packet %d", pn)))
	b, err := e.keys.Protect(b, pnOffset, pn)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recv removes protection from a packet made by seal.
func (e *endpoint) recv(t *testing.T, pkt []byte) (KeySlot, error) {
	t.Helper()
	b := append([]byte{}, pkt...)
	_, pnLen, trunc, err := e.keys.Unprotect(b, 9)
	if err != nil {
		t.Fatal(err)
	}
	pn := decodePacketNumber(e.largest, trunc, pnLen)
	out, slot, err := e.keys.Open(b, 9+pnLen, pn)
	if err == nil {
		if string(out) != fmt.Sprintf("packet %d", pn) {
			t.Fatalf("packet %d opened to %q", pn, out)
		}
		e.largest = max(e.largest, pn)
	}
	return slot, err
}

func (e *endpoint) wantGen(t *testing.T, name string, read, write uint64) {
	t.Helper()
	if e.keys.ReadGeneration() != read || e.keys.WriteGeneration() != write || e.keys.KeyPhase() != (write&1 == 1) {
		t.Fatalf("%s: read gen %d write gen %d phase %v; want %d, %d", name,
			e.keys.ReadGeneration(), e.keys.WriteGeneration(), e.keys.KeyPhase(), read, write)
	}
}

func wantOpen(t *testing.T, what string, slot KeySlot, err error, want KeySlot) {
	t.Helper()
	if err != nil || slot != want {
		t.Fatalf("%s: slot %v err %v; want slot %v", what, slot, err, want)
	}
}

// TestKeyUpdate walks both endpoints through updates started by either
// side, with packets delayed across them (RFC 9001, 6).
func TestKeyUpdate(t *testing.T) {
	for _, s := range allSuites {
		t.Run(s.String(), func(t *testing.T) {
			c, srv := newPair(t, s, protocol.Version2)
			slot, err := srv.recv(t, c.seal(t, 1))
			wantOpen(t, "c->s 1", slot, err, KeyCurrent)
			delayed1, delayed2 := srv.seal(t, 1), srv.seal(t, 2) // phase 0, delivered late

			if err := c.keys.InitiateKeyUpdate(); err != nil {
				t.Fatal(err)
			}
			c.wantGen(t, "client after initiating", 0, 1)
			// An endpoint MUST NOT initiate a subsequent key update unless it
			// has received an acknowledgment for a packet that was sent
			// protected with keys from the current key phase.
			if err := c.keys.InitiateKeyUpdate(); !errors.Is(err, ErrKeyUpdatePending) {
				t.Fatalf("second InitiateKeyUpdate: %v", err)
			}

			slot, err = srv.recv(t, c.seal(t, 2))
			wantOpen(t, "c->s 2 (phase 1)", slot, err, KeyNext)
			// Sending keys MUST be updated before sending an acknowledgment
			// for the packet that was received with updated keys.
			srv.wantGen(t, "server after responding", 1, 1)

			slot, err = c.recv(t, srv.seal(t, 3))
			wantOpen(t, "s->c 3 (phase 1)", slot, err, KeyNext)
			c.wantGen(t, "client after the reply", 1, 1)
			if !c.keys.HasPreviousReadKey() {
				t.Fatal("previous read key not kept")
			}
			slot, err = c.recv(t, delayed1)
			wantOpen(t, "delayed s->c 1 (phase 0)", slot, err, KeyPrevious)
			c.wantGen(t, "client after a delayed packet", 1, 1)

			c.keys.DropPreviousReadKey()
			if _, err := c.recv(t, delayed2); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("delayed packet after DropPreviousReadKey: %v", err)
			}
			c.wantGen(t, "client after a failed packet", 1, 1)

			// Now the server starts the next few updates, then the client.
			pn := uint64(10)
			for gen := uint64(2); gen < 6; gen++ {
				initiator, responder := srv, c
				if gen%2 == 1 {
					initiator, responder = c, srv
				}
				if err := initiator.keys.InitiateKeyUpdate(); err != nil {
					t.Fatalf("gen %d: %v", gen, err)
				}
				pn++
				slot, err := responder.recv(t, initiator.seal(t, pn))
				wantOpen(t, fmt.Sprintf("gen %d update", gen), slot, err, KeyNext)
				responder.wantGen(t, "responder", gen, gen)
				slot, err = initiator.recv(t, responder.seal(t, pn))
				wantOpen(t, fmt.Sprintf("gen %d reply", gen), slot, err, KeyNext)
				initiator.wantGen(t, "initiator", gen, gen)
				pn++
				slot, err = responder.recv(t, initiator.seal(t, pn))
				wantOpen(t, fmt.Sprintf("gen %d steady", gen), slot, err, KeyCurrent)
			}
		})
	}
}

// TestKeyUpdateWrongPhase checks packets whose Key Phase bit does not
// match the keys that sealed them: they fail, and the receiver's keys stay
// as they were, next keys included (RFC 9001, 6.3).
func TestKeyUpdateWrongPhase(t *testing.T) {
	for _, s := range allSuites {
		t.Run(s.String(), func(t *testing.T) {
			const v = protocol.Version1
			secret := testSecret(s, "client 1rtt")
			gen0, _ := NewKeys(s, v, secret)
			nextSecret, _ := NextSecret(s, v, secret)
			gen1, _ := NewPacketKey(s, v, nextSecret)
			_, srv := newPair(t, s, v)

			tests := []struct {
				name  string
				key   *PacketKey
				phase byte
				slot  KeySlot
			}{
				{"current keys, next phase bit", &gen0.Packet, keyPhaseBit, KeyNext},
				{"next keys, current phase bit", gen1, 0, KeyCurrent},
			}
			for i, tt := range tests {
				pn := uint64(i + 1)
				b, pnOffset := shortPacket(pn, 2, []byte(fmt.Sprintf("packet %d", pn)))
				b[0] |= tt.phase
				b, err := protect(tt.key, &gen0.Header, b, pnOffset, pn)
				if err != nil {
					t.Fatal(err)
				}
				slot, err := srv.recv(t, b)
				if !errors.Is(err, ErrDecrypt) || slot != tt.slot {
					t.Errorf("%s: slot %v err %v", tt.name, slot, err)
				}
				srv.wantGen(t, tt.name, 0, 0)
			}
			// Correctly sealed packets of both phases still open.
			b, pnOffset := shortPacket(5, 2, []byte("packet 5"))
			b, _ = protect(&gen0.Packet, &gen0.Header, b, pnOffset, 5)
			slot, err := srv.recv(t, b)
			wantOpen(t, "current phase", slot, err, KeyCurrent)
			b, pnOffset = shortPacket(6, 2, []byte("packet 6"))
			b[0] |= keyPhaseBit
			b, _ = protect(gen1, &gen0.Header, b, pnOffset, 6)
			slot, err = srv.recv(t, b)
			wantOpen(t, "next phase", slot, err, KeyNext)
			srv.wantGen(t, "after the update", 1, 1)
		})
	}
}

func TestOneRTTKeysErrors(t *testing.T) {
	var k OneRTTKeys
	if k.CanSeal() || k.CanOpen() {
		t.Error("zero OneRTTKeys reports keys")
	}
	if err := k.InitiateKeyUpdate(); !errors.Is(err, ErrNoKeys) {
		t.Errorf("InitiateKeyUpdate without keys: %v", err)
	}
	b, pnOffset := shortPacket(1, 1, make([]byte, 20))
	if _, err := k.Protect(b, pnOffset, 1); !errors.Is(err, ErrNoKeys) {
		t.Errorf("Protect without keys: %v", err)
	}
	if _, _, _, err := k.Unprotect(b, pnOffset); !errors.Is(err, ErrNoKeys) {
		t.Errorf("Unprotect without keys: %v", err)
	}
	if _, _, err := k.Open(b, pnOffset+1, 1); !errors.Is(err, ErrNoKeys) {
		t.Errorf("Open without keys: %v", err)
	}
	if err := k.SetWriteSecret(AES128GCM, protocol.Version1, testSecret(AES128GCM, "w")); err != nil {
		t.Fatal(err)
	}
	if err := k.InitiateKeyUpdate(); !errors.Is(err, ErrNoKeys) {
		t.Errorf("InitiateKeyUpdate without read keys: %v", err)
	}
	if err := k.SetReadSecret(ChaCha20Poly1305, protocol.Version1, testSecret(ChaCha20Poly1305, "r")); err == nil {
		t.Error("read and write secrets of different suites accepted")
	}
	if err := k.SetReadSecret(AES128GCM, protocol.Version2, testSecret(AES128GCM, "r")); err == nil {
		t.Error("read and write secrets of different versions accepted")
	}
	if k.Suite() != AES128GCM || !k.CanSeal() || k.CanOpen() {
		t.Errorf("suite %v seal %v open %v", k.Suite(), k.CanSeal(), k.CanOpen())
	}
	if _, _, err := k.Open(nil, 0, 0); !errors.Is(err, ErrNoKeys) {
		t.Errorf("Open without read keys: %v", err)
	}
}

// TestSealedCount checks the counter the caller compares with the
// confidentiality limit restarts with each write key (RFC 9001, 6.6).
func TestSealedCount(t *testing.T) {
	c, srv := newPair(t, AES128GCM, protocol.Version1)
	for pn := uint64(1); pn <= 3; pn++ {
		srv.recv(t, c.seal(t, pn))
	}
	if c.keys.Sealed() != 3 {
		t.Errorf("Sealed() = %d, want 3", c.keys.Sealed())
	}
	if err := c.keys.InitiateKeyUpdate(); err != nil {
		t.Fatal(err)
	}
	c.seal(t, 4)
	if c.keys.Sealed() != 1 {
		t.Errorf("Sealed() after update = %d, want 1", c.keys.Sealed())
	}
}
