package main

import (
	"github.com/quicr/quicr/http3"
	"time"

	"github.com/quicr/quicr/quic"
)

// Runner-mode defaults (interop-runner.md, 1).
const (
	runnerListen   = "[::]:443" // dual-stack: IPv4 arrives as mapped addresses
	runnerListenV4 = "0.0.0.0:443"
	runnerWWW      = "/www"
	runnerCert     = "/certs/cert.pem"
	runnerKey      = "/certs/priv.key"
	// runnerHandshakeTimeout bounds a handshake in runner mode; the
	// lossy cases allow 300 s for 50 handshakes.
	runnerHandshakeTimeout = time.Minute
	// runnerPreferredHost names our IPv6 address in the runner's
	// /etc/hosts.
	runnerPreferredHost = "server6:443"
)

// runnerTestcase adjusts o for an interop runner TESTCASE (the name the
// server sees). It returns false for a case this server does not support.
func runnerTestcase(tc string, o *options) bool {
	// Under 30 % loss a handshake can take many backed-off PTOs; giving up
	// early would make the client's retransmissions start a second one.
	o.conf.HandshakeTimeout = runnerHandshakeTimeout
	switch tc {
	case "handshake", "transfer", "multiconnect", "resumption", "ecn", "versionnegotiation":
		// Resumption works because one tls.Config, and so one set of
		// session ticket keys, serves every connection; ECN is on by
		// default.
	case "chacha20":
		// The server takes the cipher suite the client offers.
	case "retry":
		o.conf.RequireAddressValidation = true
	case "v2":
		// Compatible version negotiation (RFC 9368) picks our first choice
		// among the versions the client's version_information lists.
		o.conf.Versions = []quic.Version{quic.Version2, quic.Version1}
	case "zerortt":
		o.conf.Allow0RTT = true
	case "connectionmigration":
		// Offer our IPv6 address on port 443 as preferred_address
		// (RFC 9000, 9.6): the runner's client reaches us over IPv4 by the
		// name server46, and only port 443 is decoded as QUIC.
		o.preferredHosts = []string{runnerPreferredHost}
	case "http3":
		o.alpn = []string{http3.NextProtoH3}
	default:
		return false
	}
	return true
}
