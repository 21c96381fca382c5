package core

import (
	"bytes"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/quicr/quicr/qlog"
	"github.com/quicr/quicr/qlog/qlogcheck"
	"github.com/quicr/quicr/qlog/qlogread"
	"github.com/quicr/quicr/quic/internal/simnet"
)

// traceSink collects the traces of every connection of a test.
type traceSink struct {
	mu     sync.Mutex
	traces map[string]*bytes.Buffer
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

func (s *traceSink) factory(role qlog.Role, odcid []byte) *qlog.ConnectionTracer {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b bytes.Buffer
	s.traces[qlog.FileName(role, odcid)] = &b
	return qlog.NewTracer(nopCloser{&b}, role, odcid, &qlog.Options{WallClock: func() time.Time { return time.Unix(1_800_000_000, 0) }})
}

// TestQlogTraceOfTransfer runs a lossy transfer with tracing on and checks
// both traces with the validator, and that the events qvis draws are there.
func TestQlogTraceOfTransfer(t *testing.T) {
	sink := &traceSink{traces: map[string]*bytes.Buffer{}}
	link := simnet.SimpleP2P()
	link.LossPercent = 3
	cl := newSimEP(t, false, 11, func(c *EndpointConfig) { c.Conn.Tracer = sink.factory })
	sv := newSimEP(t, true, 1011, func(c *EndpointConfig) { c.Conn.Tracer = sink.factory })
	p := simnet.NewPair(simnet.TestSeed(t), link, cl, sv)
	c := cl.dial(p.Now(), p.Server.Addr())
	_, err := runUpload(t, p, c, sv, randomData(300<<10, 3), 60*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close(p.Now(), 0, "done")
	if err := p.RunIdle(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	if len(sink.traces) != 2 {
		t.Fatalf("%d traces, want 2", len(sink.traces))
	}
	for name, b := range sink.traces {
		for _, prob := range qlogcheck.Check(name, b.Bytes()) {
			if !prob.Warning {
				t.Errorf("%s: %v", name, prob)
			}
		}
		tr, err := qlogread.Parse(b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		counts := map[string]int{}
		for _, e := range tr.Events {
			counts[e.Name]++
		}
		t.Logf("%s: %d bytes, events %v", name, b.Len(), counts)
		for _, ev := range []string{"transport:packet_sent", "transport:packet_received", "transport:parameters_set",
			"recovery:metrics_updated", "connectivity:connection_closed", "security:key_updated"} {
			if tr.Find(ev) == nil {
				t.Errorf("%s: no %s event", name, ev)
			}
		}
	}
}

// TestQlogTraceOfMigration validates the traces of a connection that moves
// to the server's preferred address and then through a NAT rebinding.
func TestQlogTraceOfMigration(t *testing.T) {
	sink := &traceSink{traces: map[string]*bytes.Buffer{}}
	preferred := netip.MustParseAddrPort("193.167.100.101:443")
	p, _, sv, c := newSimPairWith(t, simnet.TestSeed(t), simnet.SimpleP2P(),
		func(ec *EndpointConfig) { ec.Conn.Tracer = sink.factory },
		func(ec *EndpointConfig) { ec.Conn.Tracer = sink.factory; ec.Conn.PreferredAddressV4 = preferred })
	p.AddAddress(p.Server, preferred)
	rebound := false
	_, err := runUpload(t, p, c, sv, randomData(512<<10, 6), 30*time.Second, func() {
		if !rebound && c.path.remote == preferred {
			p.Rebind(p.Client, netip.MustParseAddrPort("193.167.0.9:40000"))
			rebound = true
		}
	})
	if err == nil && !rebound {
		t.Fatal("the client never reached the preferred address")
	}
	if err != nil {
		t.Fatal(err)
	}
	c.Close(p.Now(), 0, "")
	if err := p.RunIdle(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	for name, b := range sink.traces {
		for _, prob := range qlogcheck.Check(name, b.Bytes()) {
			if !prob.Warning {
				t.Errorf("%s: %v", name, prob)
			}
		}
		tr, err := qlogread.Parse(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range tr.Events {
			if e.Name == "transport:packet_sent" || e.Name == "transport:packet_received" {
				found = found || slices.Contains(e.FrameTypes(), "path_challenge")
			}
		}
		if !found {
			t.Errorf("%s: no PATH_CHALLENGE in the trace", name)
		}
		if tr.Find("security:key_discarded") == nil {
			t.Errorf("%s: no key_discarded event", name)
		}
	}
}
