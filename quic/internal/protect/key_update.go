package protect

import (
	"errors"
	"math"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// ErrNoKeys is returned when a direction's 1-RTT secret is not installed.
var ErrNoKeys = errors.New("protect: 1-RTT keys not installed")

// ErrKeyUpdatePending is returned by InitiateKeyUpdate while the peer has
// not yet answered the previous update: one more would leave no read key
// for the peer's reply (RFC 9001, 6.1).
var ErrKeyUpdatePending = errors.New("protect: key update already in progress")

// KeySlot says which read key opened a 1-RTT packet.
type KeySlot uint8

// Read key slots (RFC 9001, 6.3 and 6.5).
const (
	// KeyCurrent is the current key phase.
	KeyCurrent KeySlot = iota
	// KeyPrevious is the phase before the current one: the packet was
	// delayed across a key update.
	KeyPrevious
	// KeyNext means the peer started a key update: the next keys have
	// become current, a new next generation was derived and, if needed,
	// the write keys were updated to answer (RFC 9001, 6.2).
	KeyNext
)

// OneRTTKeys hold the 1-RTT keys of both directions through key updates
// (RFC 9001, 6): previous, current and next read keys, current and next
// write keys, and one header protection key per direction that never
// changes. The next read key is derived ahead of time so that opening a
// packet that starts an update costs the same as any other (RFC 9001,
// 6.3). The next write key is not: nothing an attacker sends can make it
// be used, and most connections never update, so it is derived from the
// kept secret when the write keys rotate.
//
// The caller keeps the policy: when to InitiateKeyUpdate (after the
// handshake is confirmed and a packet of the current phase is
// acknowledged), and when to DropPreviousReadKey (about three PTOs after
// Open reports KeyNext).
type OneRTTKeys struct {
	suite   Suite
	version protocol.Version

	hasRead, hasWrite bool
	readHP, writeHP   HeaderProtector

	// Read side. readGen counts key updates; its low bit is the key phase.
	readPrev, readCur, readNext *PacketKey
	readNextSecret              []byte
	readGen                     uint64
	readMinPN                   uint64 // lowest packet number opened with readCur

	// Write side. writeSecret is writeCur's traffic secret, kept to derive
	// the next generation's when the keys rotate.
	writeCur    *PacketKey
	writeSecret []byte
	writeGen    uint64
	sealed      uint64 // packets sealed with writeCur
}

// SetReadSecret installs the peer's 1-RTT traffic secret.
func (k *OneRTTKeys) SetReadSecret(s Suite, v protocol.Version, secret []byte) error {
	if err := k.setSuite(s, v); err != nil {
		return err
	}
	cur, next, nextSecret, err := newGenerations(s, v, secret, &k.readHP)
	if err != nil {
		return err
	}
	k.readPrev, k.readCur, k.readNext, k.readNextSecret = nil, cur, next, nextSecret
	k.readGen, k.readMinPN = 0, math.MaxUint64
	k.hasRead = true
	return nil
}

// SetWriteSecret installs this endpoint's 1-RTT traffic secret.
func (k *OneRTTKeys) SetWriteSecret(s Suite, v protocol.Version, secret []byte) error {
	if err := k.setSuite(s, v); err != nil {
		return err
	}
	cur := new(PacketKey)
	if _, _, err := deriveKeys(s, v, secret, cur, &k.writeHP); err != nil {
		return err
	}
	clear(k.writeSecret)
	k.writeCur, k.writeSecret = cur, append([]byte(nil), secret...)
	k.writeGen, k.sealed = 0, 0
	k.hasWrite = true
	return nil
}

// setSuite records the suite and version, which both directions share.
func (k *OneRTTKeys) setSuite(s Suite, v protocol.Version) error {
	if err := s.check(); err != nil {
		return err
	}
	if _, err := paramsFor(v); err != nil {
		return err
	}
	if (k.hasRead || k.hasWrite) && (s != k.suite || v != k.version) {
		return errors.New("protect: 1-RTT read and write secrets use different suites or versions")
	}
	k.suite, k.version = s, v
	return nil
}

// newGenerations derives the read keys for secret and for the secret after
// it, and initialises hp with secret's header protection key.
func newGenerations(s Suite, v protocol.Version, secret []byte, hp *HeaderProtector) (cur, next *PacketKey, nextSecret []byte, err error) {
	cur = new(PacketKey)
	x, p, err := deriveKeys(s, v, secret, cur, hp)
	if err != nil {
		return nil, nil, nil, err
	}
	nextSecret = x.expand(p.labelKU, s.Hash().Size())
	if next, err = NewPacketKey(s, v, nextSecret); err != nil {
		return nil, nil, nil, err
	}
	return cur, next, nextSecret, nil
}

// advance derives the key and secret of the generation after secret's,
// wiping secret (RFC 9001, 6.1 and 6.5).
func (k *OneRTTKeys) advance(secret []byte) (*PacketKey, []byte) {
	nextSecret, err := NextSecret(k.suite, k.version, secret)
	if err != nil {
		panic("protect: " + err.Error()) // suite and version checked on install
	}
	next, err := NewPacketKey(k.suite, k.version, nextSecret)
	if err != nil {
		panic("protect: " + err.Error())
	}
	clear(secret)
	return next, nextSecret
}

// Suite returns the negotiated cipher suite, for its AEAD limits.
func (k *OneRTTKeys) Suite() Suite { return k.suite }

// CanSeal reports whether the write secret is installed.
func (k *OneRTTKeys) CanSeal() bool { return k.hasWrite }

// CanOpen reports whether the read secret is installed.
func (k *OneRTTKeys) CanOpen() bool { return k.hasRead }

// KeyPhase returns the Key Phase bit Protect puts in outgoing packets.
func (k *OneRTTKeys) KeyPhase() bool { return k.writeGen&1 == 1 }

// WriteGeneration returns how many times the write keys were updated.
func (k *OneRTTKeys) WriteGeneration() uint64 { return k.writeGen }

// ReadGeneration returns how many times the read keys were updated.
func (k *OneRTTKeys) ReadGeneration() uint64 { return k.readGen }

// Sealed returns how many packets the current write key has sealed, to
// compare with Suite().ConfidentialityLimit() (RFC 9001, 6.6).
func (k *OneRTTKeys) Sealed() uint64 { return k.sealed }

// HasPreviousReadKey reports whether the previous phase's read key is
// still kept.
func (k *OneRTTKeys) HasPreviousReadKey() bool { return k.readPrev != nil }

// InitiateKeyUpdate switches the write keys to the next phase (RFC 9001,
// 6.1). The read keys follow when the peer's first packet in the new phase
// opens. It fails while a previous update awaits the peer's answer.
func (k *OneRTTKeys) InitiateKeyUpdate() error {
	if !k.hasRead || !k.hasWrite {
		return ErrNoKeys
	}
	if k.writeGen != k.readGen {
		return ErrKeyUpdatePending
	}
	k.rotateWrite()
	return nil
}

func (k *OneRTTKeys) rotateWrite() {
	k.writeCur, k.writeSecret = k.advance(k.writeSecret)
	k.writeGen++
	k.sealed = 0
}

// DropPreviousReadKey discards the previous phase's read key, which the
// caller does about three PTOs after the update (RFC 9001, 6.5).
func (k *OneRTTKeys) DropPreviousReadKey() { k.readPrev = nil }

// Protect sets the Key Phase bit of the short header in b[0], seals the
// packet with the current write key and protects the header; see
// Keys.Protect for the layout of b.
func (k *OneRTTKeys) Protect(b []byte, pnOffset int, pn uint64) ([]byte, error) {
	if !k.hasWrite {
		return b, ErrNoKeys
	}
	if len(b) == 0 {
		return b, ErrShortPacket
	}
	b[0] &^= keyPhaseBit
	if k.KeyPhase() {
		b[0] |= keyPhaseBit
	}
	b, err := protect(k.writeCur, &k.writeHP, b, pnOffset, pn)
	if err == nil {
		k.sealed++
	}
	return b, err
}

// keyPhaseBit is the Key Phase bit of a short header (RFC 9000, 17.3.1).
const keyPhaseBit = 0x04

// Unprotect removes header protection in place; see Keys.Unprotect. The
// returned first byte carries the Key Phase bit.
func (k *OneRTTKeys) Unprotect(b []byte, pnOffset int) (first byte, pnLen int, truncatedPN uint64, err error) {
	if !k.hasRead {
		return 0, 0, 0, ErrNoKeys
	}
	return k.readHP.Remove(b, pnOffset)
}

// Open picks the read key from the Key Phase bit in the unprotected b[0]
// and the full packet number pn, then opens the packet in place. A phase
// that differs from the current one means the previous phase if the packet
// number is below every one seen in the current phase, otherwise the next
// (RFC 9001, 6.5). If the next key opens it, the keys rotate and Open
// returns KeyNext; a packet that fails leaves every key in place (RFC
// 9001, 6.3).
func (k *OneRTTKeys) Open(b []byte, hdrLen int, pn uint64) ([]byte, KeySlot, error) {
	if !k.hasRead {
		return nil, KeyCurrent, ErrNoKeys
	}
	if len(b) == 0 {
		return nil, KeyCurrent, ErrShortPacket
	}
	phase := b[0]&keyPhaseBit != 0
	key, slot := k.readCur, KeyCurrent
	if phase != (k.readGen&1 == 1) {
		key, slot = k.readNext, KeyNext
		if k.readPrev != nil && pn < k.readMinPN {
			key, slot = k.readPrev, KeyPrevious
		}
	}
	out, err := key.Open(b, hdrLen, pn)
	if err != nil {
		return nil, slot, err
	}
	switch slot {
	case KeyCurrent:
		k.readMinPN = min(k.readMinPN, pn)
	case KeyNext:
		k.rotateRead(pn)
	}
	return out, slot, nil
}

// rotateRead promotes the next read key after it opened packet pn, and
// updates the write keys if the peer initiated the update: they must
// change before this packet is acknowledged (RFC 9001, 6.2).
func (k *OneRTTKeys) rotateRead(pn uint64) {
	k.readPrev, k.readCur = k.readCur, k.readNext
	k.readNext, k.readNextSecret = k.advance(k.readNextSecret)
	k.readGen++
	k.readMinPN = pn
	if k.hasWrite && k.writeGen < k.readGen {
		k.rotateWrite()
	}
}

// String names the slot for logs and test failures.
func (s KeySlot) String() string {
	switch s {
	case KeyCurrent:
		return "current"
	case KeyPrevious:
		return "previous"
	case KeyNext:
		return "next"
	}
	return "unknown"
}
