package simnet

import (
	"fmt"
	"strings"
	"time"

	"github.com/quicr/quicr/quic/internal/protocol"
)

// flush collects what endpoints queued outside the network's calls (a test
// opening a stream between steps).
func (n *Network) flush() {
	for _, node := range n.nodes {
		n.drain(node)
	}
}

// next returns the time of the earliest delivery or timer.
func (n *Network) next() protocol.Time {
	t := protocol.Never
	if at, _, ok := n.flights.Peek(); ok {
		t = protocol.Time(at)
	}
	for _, node := range n.nodes {
		t = min(t, node.ep.NextTimeout())
	}
	return t
}

// Step advances to the next event: it collects pending transmits, jumps the
// clock to the earlier of the next delivery and the next timer, delivers
// the datagrams due (those already in flight when the step began; zero-delay
// replies wait for the next step), fires the due timers and collects the
// resulting transmits. It reports false when nothing is left to do.
func (n *Network) Step() bool {
	n.flush()
	t := n.next()
	if t == protocol.Never {
		return false
	}
	n.steps++
	if t > n.now {
		n.now = t
	}
	last := n.flights.LastSeq()
	for {
		at, seq, ok := n.flights.Peek()
		if !ok || protocol.Time(at) > n.now || seq > last {
			break
		}
		_, f := n.flights.Pop()
		n.deliver(f)
	}
	for _, node := range n.nodes {
		if node.ep.NextTimeout() <= n.now {
			n.trace(Event{Time: n.now, Kind: EventTimeout, From: node.local})
			node.ep.HandleTimeout(n.now)
			n.drain(node)
		}
	}
	return true
}

func (n *Network) maxSteps() int {
	if n.MaxSteps > 0 {
		return n.MaxSteps
	}
	return DefaultMaxSteps
}

// RunUntil steps until cond holds. It fails, describing the network's
// state, if the network falls idle first, if more than limit of virtual
// time would pass, or after MaxSteps steps (a livelock at one instant).
func (n *Network) RunUntil(cond func() bool, limit time.Duration) error {
	deadline := n.now.Add(limit)
	for steps := 0; ; steps++ {
		n.flush()
		if n.err != nil {
			return n.err
		}
		if cond() {
			return nil
		}
		if steps == n.maxSteps() {
			return n.stuck(fmt.Sprintf("condition not met: still busy after %d steps", steps))
		}
		t := n.next()
		if t == protocol.Never {
			return n.stuck("condition not met: network idle")
		}
		if t > deadline {
			n.now = max(n.now, deadline)
			return n.stuck(fmt.Sprintf("condition not met within %v of virtual time", limit))
		}
		n.Step()
	}
}

// RunIdle steps until no datagram is in flight and no timer is armed. It
// fails if that takes more than limit of virtual time or MaxSteps steps.
func (n *Network) RunIdle(limit time.Duration) error {
	return n.RunUntil(func() bool { return n.next() == protocol.Never }, limit)
}

// RunFor processes every event in the next d of virtual time and leaves the
// clock exactly d later.
func (n *Network) RunFor(d time.Duration) error {
	deadline := n.now.Add(d)
	for steps := 0; ; steps++ {
		n.flush()
		if n.err != nil {
			return n.err
		}
		if steps == n.maxSteps() {
			return n.stuck(fmt.Sprintf("still busy after %d steps", steps))
		}
		if n.next() > deadline {
			n.now = max(n.now, deadline)
			return nil
		}
		n.Step()
	}
}

// stuck describes the network for a livelock or timeout error.
func (n *Network) stuck(what string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "simnet: %s (seed %d, virtual time %v, %d steps, %d datagrams in flight",
		what, n.seed, time.Duration(n.now), n.steps, n.flights.Len())
	if at, _, ok := n.flights.Peek(); ok {
		fmt.Fprintf(&b, ", next arrival at %v", at)
	}
	for _, node := range n.nodes {
		if t := node.ep.NextTimeout(); t != protocol.Never {
			fmt.Fprintf(&b, ", %v timer at %v", node.local, time.Duration(t))
		}
	}
	b.WriteString(")")
	return fmt.Errorf("%s", b.String())
}
