package main

import (
	"crypto/tls"
	_ "unsafe" // for go:linkname
)

// crypto/tls has no setting for the TLS 1.3 cipher suites a client offers
// (go.dev/issue/29349). These lists are what a ClientHello offers, with and
// without AES hardware; the standard library keeps them reachable by
// linkname for exactly this use (go.dev/issue/67401).

//go:linkname defaultCipherSuitesTLS13 crypto/tls.defaultCipherSuitesTLS13
var defaultCipherSuitesTLS13 []uint16

//go:linkname defaultCipherSuitesTLS13NoAES crypto/tls.defaultCipherSuitesTLS13NoAES
var defaultCipherSuitesTLS13NoAES []uint16

// offerOnlyChaCha20 makes every later ClientHello of this process offer
// TLS_CHACHA20_POLY1305_SHA256 alone, as the interop runner's chacha20
// case checks. Call it before the first connection.
func offerOnlyChaCha20() {
	only := []uint16{tls.TLS_CHACHA20_POLY1305_SHA256}
	defaultCipherSuitesTLS13 = only
	defaultCipherSuitesTLS13NoAES = only
}
