// Package certs generates certificate chains the way the QUIC interop
// runner's certs.sh does: a self-signed ECDSA P-256 root, a chain of
// intermediates and a leaf for the hosts "server", "server4", "server6" and
// "server46", written as cert.pem (leaf first, then the intermediates up
// toward the root), priv.key (the leaf key) and ca.pem (the root).
//
// A chain longer than one also gives the leaf twenty random 250-character
// DNS names, so that the server's first flight exceeds the 3x
// anti-amplification limit (RFC 9000, 8.1), as the runner's
// amplificationlimit test case needs.
package certs
