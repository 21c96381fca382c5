package main

import (
	"github.com/quicr/quicr/http3"
	"time"

	"github.com/quicr/quicr/quic"
)

// runnerOut is where the runner expects the files (interop-runner.md, 1).
const runnerOut = "/downloads"

// runnerHandshakeTimeout bounds a handshake in runner mode; the lossy
// cases allow 300 s for 50 handshakes.
const runnerHandshakeTimeout = time.Minute

// How the URLs are spread over connections.
type fetchMode int

const (
	modeParallel   fetchMode = iota // one connection per server, all URLs at once
	modeSequential                  // one connection per URL, in turn
	modeResume                      // URL 1, then the rest on a resumed connection
)

// runnerTestcase adjusts o for an interop runner TESTCASE (the name the
// client sees). It returns false for a case this client does not support.
func runnerTestcase(tc string, o *options) bool {
	o.conf.Versions = []quic.Version{quic.Version1}
	// Under 30 % loss a handshake can take many backed-off PTOs, and a
	// second attempt would count as an extra handshake.
	o.conf.HandshakeTimeout = runnerHandshakeTimeout
	switch tc {
	case "handshake", "transfer", "retry", "ecn":
	case "v2":
		// Start with v1 and list v2 in version_information, so that the
		// server can switch compatibly (RFC 9368, RFC 9369).
		o.conf.Versions = []quic.Version{quic.Version1, quic.Version2}
	case "chacha20":
		o.chacha20 = true
	case "multiconnect":
		o.mode = modeSequential
	case "resumption":
		o.mode = modeResume
	case "keyupdate":
		// One update as soon as the response data flows, well within the
		// first MiB; the server answers it with its own new keys.
		o.keyUpdate = true
	case "zerortt":
		// The second connection sends its requests in 0-RTT. The runner
		// allows the client 5000 bytes of 1-RTT payload over both
		// connections: path MTU probes (padded to 1452 bytes, one per
		// connection and more) would take most of it, so don't probe.
		o.mode = modeResume
		o.conf.Allow0RTT = true
		o.conf.MaxUDPPayloadSize = 1200
	case "http3":
		o.alpn = http3.NextProtoH3
	default:
		return false
	}
	return true
}
