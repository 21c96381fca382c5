package quicdump

import (
	"github.com/quicr/quicr/quic/internal/protect"
	"github.com/quicr/quicr/quic/internal/protocol"
)

// dirIndex is 0 for client-sent packets, 1 for server-sent ones.
func dirIndex(toServer bool) int {
	if toServer {
		return 0
	}
	return 1
}

// keyLabels are the key log labels of each direction's Handshake and
// 1-RTT secrets.
var keyLabels = [2][2]string{
	{LabelClientHandshake, LabelClientTraffic},
	{LabelServerHandshake, LabelServerTraffic},
}

// longKeys returns the keys that open a long-header packet of type t and
// version v sent in direction dir, deriving them on first use; nil if the
// secrets are not known.
// Initial keys derive from initialDCID.
func (c *connState) longKeys(d *decoder, dir int, t protocol.PacketType, v protocol.Version, initialDCID []byte) *protect.Keys {
	k := keyID{dir: dir, t: t, v: v}
	if t == protocol.PacketInitial {
		k.initial = protocol.NewConnectionID(initialDCID)
	}
	if keys, ok := c.keys[k]; ok {
		return keys
	}
	var keys *protect.Keys
	switch t {
	case protocol.PacketInitial:
		// A client seals with the client keys and opens with the server's.
		client, server, err := protect.NewInitialKeys(v, initialDCID, false)
		if err == nil {
			keys = server
			if dir == 0 {
				keys = client
			}
		}
	case protocol.PacketHandshake, protocol.Packet0RTT:
		label := keyLabels[dir][0]
		suite := protect.Suite(c.pub.CipherSuite)
		if t == protocol.Packet0RTT {
			label = LabelClientEarly
		}
		secret := d.keys.Secret(c.pub.ClientHello.Random, label)
		if t == protocol.Packet0RTT {
			suite = suiteForSecret(secret)
		}
		if secret != nil && c.pub.HasClientHello && suite.Supported() {
			keys, _ = protect.NewKeys(suite, v, secret)
		}
	}
	if keys != nil {
		c.keys[k] = keys
	}
	return keys
}

// suiteForSecret guesses the suite of a secret whose ServerHello is not
// known (0-RTT): its length gives the hash.
func suiteForSecret(secret []byte) protect.Suite {
	if len(secret) == 48 {
		return protect.AES256GCM
	}
	return protect.AES128GCM
}

// oneRTTKeys returns the 1-RTT read keys of direction dir, installing them
// on first use; nil if the secret is not known.
func (c *connState) oneRTTKeys(d *decoder, dir int) *protect.OneRTTKeys {
	if c.oneRTT[dir] != nil {
		return c.oneRTT[dir]
	}
	suite := protect.Suite(c.pub.CipherSuite)
	secret := d.keys.Secret(c.pub.ClientHello.Random, keyLabels[dir][1])
	if secret == nil || !c.pub.HasClientHello || !suite.Supported() {
		return nil
	}
	v := c.pub.Version
	if v == 0 {
		v = protocol.Version1
	}
	k := new(protect.OneRTTKeys)
	if err := k.SetReadSecret(suite, v, secret); err != nil {
		return nil
	}
	c.oneRTT[dir] = k
	return k
}

// keyID names one set of long-header keys of a connection.
type keyID struct {
	dir     int
	t       protocol.PacketType
	v       protocol.Version
	initial protocol.ConnectionID // the DCID Initial keys derive from
}
