// Package simnet is quicr's deterministic network simulator. A Network
// carries datagrams between sans-IO endpoints on a virtual clock with no
// goroutines: a discrete-event heap ordered by (delivery time, sequence
// number) holds datagrams in flight, and each Step jumps the clock to the
// earlier of the next delivery and the next endpoint timer. Every link
// direction applies the impairments of interop/netem/netmodel (delay,
// jitter, loss, bursts, duplication, corruption, MTU, bandwidth and queue,
// drop lists, blackholes and scripted rules), drawing from a seeded source,
// so a seed replays a run exactly.
//
// Hub and PacketConn carry the same link models for goroutine-based
// endpoints inside testing/synctest bubbles.
package simnet

import (
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

// Datagram is a UDP datagram with its addresses and ECN mark.
type Datagram = netmodel.Datagram

// LinkConfig configures one direction of a link.
type LinkConfig = netmodel.Config

// Link is one direction of a link: its configuration (change Link.Config
// fields at any time) and counters.
type Link = netmodel.Link

// Stats counts a link direction's datagrams.
type Stats = netmodel.Stats

// Rule is a scripted impairment, applied before all others.
type Rule = netmodel.Rule

// Verdict is a Rule's decision.
type Verdict = netmodel.Verdict

// Window is a blackhole interval of virtual time.
type Window = netmodel.Window

// DropReason says why a datagram was dropped.
type DropReason = netmodel.DropReason

// ECN codepoints, as in Datagram.ECN.
const (
	NotECT = netmodel.NotECT
	ECT1   = netmodel.ECT1
	ECT0   = netmodel.ECT0
	CE     = netmodel.CE
)

// Pass forwards a datagram (as the rule may have rewritten it).
func Pass() Verdict { return netmodel.Pass() }

// Drop discards a datagram.
func Drop() Verdict { return netmodel.Drop() }

// DelayBy forwards a datagram d later than the link would.
func DelayBy(d time.Duration) Verdict { return netmodel.DelayBy(d) }
