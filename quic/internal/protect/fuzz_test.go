package protect

import (
	"bytes"
	"errors"
	"testing"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// fuzzKeys is a pair of keys for one direction: open removes protection
// and seal puts it back.
type fuzzKeys struct {
	name       string
	open, seal *Keys
}

func fuzzKeySets(t testing.TB) []fuzzKeys {
	var sets []fuzzKeys
	for _, vec := range allVectors {
		clientSeal, clientOpen, err := NewInitialKeys(vec.version, rfcDCID, false)
		if err != nil {
			t.Fatal(err)
		}
		serverSeal, serverOpen, err := NewInitialKeys(vec.version, rfcDCID, true)
		if err != nil {
			t.Fatal(err)
		}
		chacha, err := NewKeys(ChaCha20Poly1305, vec.version, unhex(t, vec.chacha.secret))
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets,
			fuzzKeys{vec.version.String() + " client Initial", serverOpen, clientSeal},
			fuzzKeys{vec.version.String() + " server Initial", clientOpen, serverSeal},
			fuzzKeys{vec.version.String() + " ChaCha20", chacha, chacha},
		)
	}
	return sets
}

// FuzzOpen treats random bytes as a protected packet and removes header
// protection and opens it with each key set. Neither may panic; failures
// must be clean, leave a rejected packet's bytes or tag alone, and a packet
// that opens must protect again to the same bytes.
func FuzzOpen(f *testing.F) {
	for _, vec := range allVectors {
		client, server := unhex(f, vec.client.packet), unhex(f, vec.server.packet)
		chacha := unhex(f, vec.chacha.packet)
		f.Add(client, 18, uint64(0))
		f.Add(server, 18, uint64(0))
		f.Add(chacha, 1, uint64(chachaPN-1))
		f.Add(chacha[:20], 1, uint64(chachaPN-1))
		f.Add(server[:60], 18, uint64(1<<62-1))
	}
	f.Add([]byte{}, 0, uint64(0))
	sets := fuzzKeySets(f)
	chachaSecrets := [][]byte{unhex(f, v1Vectors.chacha.secret), unhex(f, v2Vectors.chacha.secret)}

	f.Fuzz(func(t *testing.T, data []byte, pnOffset int, largest uint64) {
		largest &= 1<<62 - 1
		for _, ks := range sets {
			b := append([]byte{}, data...)
			first, pnLen, trunc, err := ks.open.Unprotect(b, pnOffset)
			if err != nil {
				if !errors.Is(err, ErrShortPacket) || !bytes.Equal(b, data) {
					t.Fatalf("%s: Unprotect error %v, packet changed %v", ks.name, err, !bytes.Equal(b, data))
				}
				continue
			}
			if pnLen < 1 || pnLen > 4 || trunc >= 1<<(8*pnLen) || first != b[0] ||
				first&^firstByteMask(first) != data[0]&^firstByteMask(data[0]) {
				t.Fatalf("%s: Unprotect = %#x, %d, %d", ks.name, first, pnLen, trunc)
			}
			hdrLen := pnOffset + pnLen
			pn := decodePacketNumber(largest, trunc, pnLen)
			payload, err := ks.open.Open(b, hdrLen, pn)
			if err != nil {
				if !errors.Is(err, ErrDecrypt) || !bytes.Equal(b[len(b)-TagLen:], data[len(data)-TagLen:]) {
					t.Fatalf("%s: Open error %v", ks.name, err)
				}
				continue
			}
			again := append(append([]byte{}, b[:hdrLen]...), payload...)
			again, err = ks.seal.Protect(again, pnOffset, pn)
			if err != nil || !bytes.Equal(again, data) {
				t.Fatalf("%s: opened packet protects to %x, %v; want %x", ks.name, again, err, data)
			}
		}

		// The 1-RTT key set must fail as cleanly, whatever the Key Phase bit.
		for i, v := range []protocol.Version{protocol.Version1, protocol.Version2} {
			var k OneRTTKeys
			if err := k.SetReadSecret(ChaCha20Poly1305, v, chachaSecrets[i]); err != nil {
				t.Fatal(err)
			}
			b := append([]byte{}, data...)
			_, pnLen, trunc, err := k.Unprotect(b, pnOffset)
			if err != nil {
				continue
			}
			if _, _, err := k.Open(b, pnOffset+pnLen, decodePacketNumber(largest, trunc, pnLen)); err != nil && !errors.Is(err, ErrDecrypt) {
				t.Fatalf("OneRTTKeys.Open error %v", err)
			}
		}
	})
}
