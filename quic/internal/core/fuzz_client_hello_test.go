package core

import "testing"

// FuzzClientHelloPSKModes feeds the ClientHello reader arbitrary CRYPTO
// data. Besides not panicking, a message it reads whole must read as
// unknown once its last byte is cut: the server then sends its ticket,
// never skipping one on a guess.
func FuzzClientHelloPSKModes(f *testing.F) {
	withCache, noCache := goClientHello(f, true), goClientHello(f, false)
	f.Add(withCache)
	f.Add(noCache)
	f.Add(withCache[:len(withCache)/2])
	f.Add(clientHelloWithBody(append(make([]byte, 2+32+1+2+2+1+1), 0, 6, 0, 0x2d, 0, 2, 1, 1)))
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, known := clientHelloPSKModes(msg)
		if !known {
			return
		}
		n := 4 + (int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3]))
		if _, cut := clientHelloPSKModes(msg[:n-1]); cut {
			t.Fatalf("a ClientHello without its last byte read as whole")
		}
	})
}
