package core

import (
	"crypto/tls"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// A server's TLS stops for our transport parameters after it wrote the
// ServerHello and set the handshake keys, before it signs the certificate
// (crypto/tls asks while it builds EncryptedExtensions). Sending the
// ServerHello then, and the rest of the flight once TLS has it, lets the
// client derive its handshake keys while the server signs: the key
// exchanges on both ends overlap the signature instead of following it.
//
// The price is a datagram: the ServerHello's last packet, padded alone
// (RFC 9000, 14.1), where it used to share one with the Handshake packets.
// So that a lossy path is no worse off, that packet's CRYPTO data goes
// again with the Handshake packets: a client that misses either copy has
// the ServerHello when the Handshake packets arrive, as before the split.

// flightOverhead bounds what the rest of the flight adds to the
// certificate chain: EncryptedExtensions, CertificateVerify, Finished and
// the packets' headers and tags.
const flightOverhead = 1024

// serverHelloFirst reports whether the ServerHello leaves before TLS
// writes the rest of the flight. Not with other handshakes in progress:
// the cores have work anyway, the client's key exchange would not run
// beside the signature, and the extra datagram would only cost time. And
// only when the whole flight, with the extra datagram, fits in the
// anti-amplification budget (RFC 9000, 8.1): a split that made the server
// wait a round trip for the client's next datagram would cost far more
// than it saves.
func (c *Conn) serverHelloFirst() bool {
	if c.handshaking != nil && c.handshaking.Load() > 1 {
		return false
	}
	chain := certChainLen(c.tlsConfig)
	if chain < 0 {
		return false
	}
	need := 3*protocol.MinInitialDatagramSize + chain + flightOverhead
	return need <= c.path.amplificationRoom()
}

// certChainLen returns the length of the longest certificate chain tc
// serves, or -1 when a callback picks it.
func certChainLen(tc *tls.Config) int {
	if tc == nil || tc.GetCertificate != nil || tc.GetConfigForClient != nil || len(tc.Certificates) == 0 {
		return -1
	}
	longest := 0
	for _, cert := range tc.Certificates {
		n := 0
		for _, der := range cert.Certificate {
			n += len(der)
		}
		longest = max(longest, n)
	}
	return longest
}

// supplyParams resumes a server's TLS where it waits for the transport
// parameters (paramsDue): it writes EncryptedExtensions, the certificate
// and Finished, and sets the 1-RTT write keys. PollTransmit calls it once
// it has sent the ServerHello.
func (c *Conn) supplyParams(now protocol.Time) {
	c.paramsDue = false
	sp := &c.spaces[protocol.SpaceInitial]
	if w := sp.cryptoSend.Written(); sp.cryptoSend.Sent() == w && sp.cryptoLastOff < w {
		sp.cryptoSend.OnLost(sp.cryptoLastOff, int(w-sp.cryptoLastOff), false)
	}
	c.setLocalParams(now)
	if err := c.processTLSEvents(now); err != nil {
		c.closeWithError(now, err)
	}
}
