package http3

import (
	"bytes"
	"io"
	"testing"
)

// FuzzFrameParser reads frames from arbitrary bytes: no panic, payload
// memory bounded by the limit, and parsed SETTINGS and single-varint
// frames re-encode and re-parse to the same value.
func FuzzFrameParser(f *testing.F) {
	f.Add(appendSettingsFrame(nil, settings{{1, 4096}, {7, 16}, {6, 1 << 20}, {0x21, 0}}))
	f.Add(appendVarintFrame(nil, frameGoAway, 4))
	f.Add(appendVarintFrame(nil, frameMaxPushID, 1<<40))
	f.Add(append(appendFrameHeader(nil, frameData, 3), "abc"...))
	f.Add(append(appendFrameHeader(nil, frameHeaders, 2), 0, 0))
	f.Add(append(appendFrameHeader(nil, 0x21, 1), 0))
	f.Add([]byte{0x04, 0x02, 0x06})
	f.Add(appendFrameHeader(nil, frameSettings, 1<<40))
	const limit = 4096
	f.Fuzz(func(t *testing.T, in []byte) {
		fr := newFrameReader(bytes.NewReader(in))
		for {
			h, err := fr.next()
			if err != nil {
				return
			}
			if h.Type == frameData {
				if _, err := io.Copy(io.Discard, readerFunc(fr.readData)); err != nil {
					return
				}
				continue
			}
			p, err := fr.readPayload(h, limit)
			if err != nil {
				return
			}
			if len(p) > limit || uint64(len(p)) != h.Length {
				t.Fatalf("payload %d bytes for length %d", len(p), h.Length)
			}
			switch h.Type {
			case frameSettings:
				s, err := parseSettings(p)
				if err != nil {
					continue
				}
				enc := appendSettingsFrame(nil, s)
				fr2 := newFrameReader(bytes.NewReader(enc))
				h2, err := fr2.next()
				if err != nil {
					t.Fatal(err)
				}
				p2, err := fr2.readPayload(h2, limit)
				if err != nil {
					t.Fatal(err)
				}
				s2, err := parseSettings(p2)
				if err != nil || len(s2) != len(s) {
					t.Fatalf("settings %v re-parsed as %v %v", s, s2, err)
				}
				for i := range s {
					if s[i] != s2[i] {
						t.Fatalf("settings %v re-parsed as %v", s, s2)
					}
				}
			case frameGoAway, frameMaxPushID, frameCancelPush:
				id, err := parseVarintFrame(p)
				if err != nil {
					continue
				}
				enc := appendVarintFrame(nil, h.Type, id)
				id2, err := parseVarintFrame(enc[2:])
				if err != nil || id2 != id {
					t.Fatalf("id %d re-parsed as %d %v", id, id2, err)
				}
			}
		}
	})
}
