package quicdump

import (
	"bytes"
	"maps"
	"strings"
	"testing"

	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
	"github.com/quicr/quicr/quic/internal/wire"
)

func FuzzParseKeyLog(f *testing.F) {
	fl := newFlight(f, 1, protect.AES256GCM)
	f.Add(fl.keys.Append(nil))
	f.Add([]byte("# comment\n\nCLIENT_RANDOM 00 11\nSERVER_HANDSHAKE_TRAFFIC_SECRET " + strings.Repeat("ab", 32) + " " + strings.Repeat("cd", 32) + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		kl, err := ParseKeyLog(bytes.NewReader(b))
		if err != nil {
			return
		}
		again, err := ParseKeyLog(bytes.NewReader(kl.Append(nil)))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !maps.EqualFunc(kl, again, func(x, y map[string][]byte) bool { return maps.EqualFunc(x, y, bytes.Equal) }) {
			t.Fatalf("round trip changed the key log")
		}
	})
}

func TestParseKeyLogErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"empty", "", true},
		{"other labels skipped", "CLIENT_RANDOM aa bb\n", true},
		{"short random", "CLIENT_TRAFFIC_SECRET_0 aabb " + strings.Repeat("cd", 32), false},
		{"bad hex", "CLIENT_TRAFFIC_SECRET_0 " + strings.Repeat("zz", 32) + " " + strings.Repeat("cd", 32), false},
		{"long secret", "CLIENT_TRAFFIC_SECRET_0 " + strings.Repeat("ab", 32) + " " + strings.Repeat("cd", 49), false},
		{"good", "CLIENT_TRAFFIC_SECRET_0 " + strings.Repeat("ab", 32) + " " + strings.Repeat("cd", 32), true},
	} {
		_, err := ParseKeyLog(strings.NewReader(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v", tc.name, err)
		}
	}
}

func FuzzSplitHandshake(f *testing.F) {
	fl := newFlight(f, 1, protect.AES128GCM)
	f.Add(msg(MsgClientHello, fl.clientHello(0x1301, 0x1303)))
	f.Add(append(msg(MsgServerHello, fl.serverHello()), msg(MsgEncryptedExtensions, fl.encryptedExtensions(fl.serverParams()))...))
	f.Add([]byte{MsgFinished, 0, 0, 2, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, n, _ := SplitHandshake(b, 7)
		var re []byte
		for _, m := range msgs {
			re = AppendHandshakeMessage(re, m)
			ParseClientHello(m.Body)
			ParseServerHello(m.Body)
			ParseEncryptedExtensions(m.Body)
		}
		if !bytes.Equal(re, b[:n]) {
			t.Fatalf("re-encoding differs")
		}
		again, n2, _ := SplitHandshake(re, 7)
		if n2 != n || len(again) != len(msgs) {
			t.Fatalf("re-parse: %d messages in %d bytes, want %d in %d", len(again), n2, len(msgs), n)
		}
		for i := range msgs {
			if again[i].Type != msgs[i].Type || again[i].Offset != msgs[i].Offset || !bytes.Equal(again[i].Body, msgs[i].Body) {
				t.Fatalf("message %d differs after round trip", i)
			}
		}
	})
}

func TestParseClientHello(t *testing.T) {
	fl := newFlight(t, 4, protect.AES128GCM)
	body := fl.clientHello(0x1301, 0x1303)
	ch, ok := ParseClientHello(body)
	if !ok || ch.Random != fl.random || len(ch.CipherSuites) != 2 || ch.CipherSuites[1] != 0x1303 {
		t.Fatalf("got %+v, %v", ch, ok)
	}
	for i := range body {
		if _, ok := ParseClientHello(body[:i]); ok && i < 2+32+1+2+4+1+1 {
			t.Errorf("truncated to %d bytes parsed", i)
		}
	}
}

// FuzzDecode decodes one synthetic handshake with a fuzzed datagram
// appended or substituted; decoding must not panic and must report each
// datagram's first packet.
func FuzzDecode(f *testing.F) {
	fl := newFlight(f, 2, protect.AES128GCM)
	fl.handshake(protocol.Version1, nil, fl.odcid.Bytes())
	fl.send(true, 0, fl.short(true, protocol.Version1, false, &wire.PingFrame{}))
	for i, d := range fl.dgrams {
		f.Add(uint8(i), d.ToServer, d.Data)
	}
	f.Fuzz(func(t *testing.T, at uint8, toServer bool, data []byte) {
		dgrams := append([]Datagram(nil), fl.dgrams...)
		extra := Datagram{ToServer: toServer, Data: data}
		if i := int(at); i < len(dgrams) {
			dgrams[i] = extra
		} else {
			dgrams = append(dgrams, extra)
		}
		d := Decode(dgrams, fl.keys)
		seen := map[int]bool{}
		for _, p := range d.Packets {
			seen[p.Datagram] = true
			if p.Conn >= len(d.Conns) {
				t.Fatalf("packet refers to connection %d of %d", p.Conn, len(d.Conns))
			}
		}
		for i, dg := range dgrams {
			if len(dg.Data) > 0 && !seen[i] {
				t.Fatalf("datagram %d produced no packet", i)
			}
		}
	})
}
