package simnet

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
	"github.com/quicr/quicr/quic/internal/protocol"
)

const ms = time.Millisecond

// pingPair returns a pair whose client pings an echo server.
func pingPair(seed uint64, cfg LinkConfig, n, size int, interval time.Duration) (*Pair, *fakeEP, *fakeEP) {
	cl, sv := newPinger(netip.AddrPort{}, n, size, interval), newEcho()
	p := NewPair(seed, cfg, cl, sv)
	cl.peer = p.Server.Addr()
	return p, cl, sv
}

func arrivals(r []received) []protocol.Time {
	var ts []protocol.Time
	for _, x := range r {
		ts = append(ts, x.at)
	}
	return ts
}

func seqs(r []received) []uint32 {
	var s []uint32
	for _, x := range r {
		s = append(s, pingSeq(x.d.Data))
	}
	return s
}

func TestDeterminism(t *testing.T) {
	seed := TestSeed(t)
	run := func(seed uint64) []string {
		cfg := LinkConfig{Delay: 10 * ms, Jitter: 5 * ms, LossPercent: 20, DuplicatePercent: 10, CorruptPercent: 10,
			Bandwidth: 5_000_000, Queue: 10}
		p, _, _ := pingPair(seed, cfg, 200, 300, ms)
		var trace []string
		p.Trace = func(e Event) { trace = append(trace, e.String()) }
		if err := p.RunIdle(10 * time.Second); err != nil {
			t.Fatal(err)
		}
		return trace
	}
	a, b, c := run(seed), run(seed), run(seed+1)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different traces (%d and %d events)", len(a), len(b))
	}
	if slices.Equal(a, c) {
		t.Error("different seeds, identical traces")
	}
	if len(a) < 400 {
		t.Errorf("trace too short: %d events", len(a))
	}
}

func TestDelayExact(t *testing.T) {
	p, cl, sv := pingPair(TestSeed(t), LinkConfig{Delay: 30 * ms}, 2, 100, 7*ms)
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	want := []protocol.Time{protocol.Time(30 * ms), protocol.Time(37 * ms)}
	if got := arrivals(sv.recv); !slices.Equal(got, want) {
		t.Errorf("server arrivals %v, want %v", got, want)
	}
	want = []protocol.Time{protocol.Time(60 * ms), protocol.Time(67 * ms)}
	if got := arrivals(cl.recv); !slices.Equal(got, want) {
		t.Errorf("client arrivals %v, want %v", got, want)
	}
	if p.Now() != protocol.Time(67*ms) {
		t.Errorf("idle at %v, want 67ms", time.Duration(p.Now()))
	}
	if from := sv.recv[0].d.From; from != p.Client.Addr() || sv.recv[0].d.To != p.Server.Addr() {
		t.Errorf("server saw %v->%v", from, sv.recv[0].d.To)
	}
}

func TestBandwidthAndQueue(t *testing.T) {
	// 97 bytes of payload + 28 of IPv4/UDP = 1000 bits: 1 ms at 1 Mbit/s.
	tests := []struct {
		name      string
		queue, ce int
		want      []protocol.Time
		ecns      []uint8
		dropped   uint64
	}{
		{"unbounded", 0, 0, []protocol.Time{11, 12, 13, 14, 15}, []uint8{2, 2, 2, 2, 2}, 0},
		{"tail drop", 2, 0, []protocol.Time{11, 12}, []uint8{2, 2}, 3},
		{"ce marking", 0, 2, []protocol.Time{11, 12, 13, 14, 15}, []uint8{2, 2, 3, 3, 3}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := LinkConfig{Delay: 10 * ms, Bandwidth: 1_000_000, Queue: tt.queue, CEThreshold: tt.ce}
			cl, sv := &fakeEP{ecn: netmodel.ECT0, timer: protocol.Never}, &fakeEP{timer: protocol.Never}
			p := NewPair(TestSeed(t), cfg, cl, sv)
			cl.peer = p.Server.Addr()
			for range 5 {
				cl.send(97)
			}
			if err := p.RunIdle(time.Second); err != nil {
				t.Fatal(err)
			}
			var got []protocol.Time
			var ecns []uint8
			for _, r := range sv.recv {
				got = append(got, r.at/protocol.Time(ms))
				ecns = append(ecns, r.d.ECN)
				if r.at%protocol.Time(ms) != 0 {
					t.Errorf("arrival %v not on a millisecond", time.Duration(r.at))
				}
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(ecns, tt.ecns) {
				t.Errorf("arrivals (ms) %v ECN %v, want %v %v", got, ecns, tt.want, tt.ecns)
			}
			if st := p.ToServer.Stats(); st.Dropped[netmodel.DropQueue] != tt.dropped {
				t.Errorf("queue drops: %v", st)
			}
		})
	}
}

func TestLossBurstCap(t *testing.T) {
	p, _, sv := pingPair(TestSeed(t), LinkConfig{LossPercent: 100, LossBurst: 3}, 12, 50, ms)
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := seqs(sv.recv), []uint32{3, 7, 11}; !slices.Equal(got, want) {
		t.Errorf("delivered pings %v, want %v", got, want)
	}
	if st := p.ToServer.Stats(); st.Dropped[netmodel.DropLoss] != 9 || st.Delivered != 3 || st.Sent != 12 {
		t.Errorf("stats: %v", st)
	}
}

func TestDropListAndDuplication(t *testing.T) {
	cfg := LinkConfig{DropList: []int{1, 3}, DuplicatePercent: 100}
	p, _, sv := pingPair(TestSeed(t), cfg, 5, 50, ms)
	p.ToClient.Config = LinkConfig{}
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := seqs(sv.recv), []uint32{1, 1, 3, 3, 4, 4}; !slices.Equal(got, want) {
		t.Errorf("delivered pings %v, want %v", got, want)
	}
	st := p.ToServer.Stats()
	if st.Dropped[netmodel.DropList] != 2 || st.Duplicated != 3 || st.Delivered != 6 || st.DeliveredBytes != 300 {
		t.Errorf("stats: %v", st)
	}
}

func TestMTU(t *testing.T) {
	tests := []struct {
		server string
		size   int
		ok     bool
	}{
		{"193.167.100.100:443", 1252, true},
		{"193.167.100.100:443", 1253, false},
		{"[fd00:cafe:cafe:100::100]:443", 1232, true},
		{"[fd00:cafe:cafe:100::100]:443", 1233, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.server, tt.size), func(t *testing.T) {
			n := NewNetwork(TestSeed(t))
			n.Default = LinkConfig{MTU: 1280}
			cl, sv := newPinger(netip.MustParseAddrPort(tt.server), 1, tt.size, ms), newEcho()
			n.AddEndpoint(netip.MustParseAddrPort("[fd00:cafe:cafe::100]:1000"), cl)
			n.AddEndpoint(netip.MustParseAddrPort("193.167.0.100:1000"), cl)
			n.AddEndpoint(netip.MustParseAddrPort(tt.server), sv)
			if err := n.RunIdle(time.Second); err != nil {
				t.Fatal(err)
			}
			if got := len(sv.recv) == 1; got != tt.ok {
				t.Errorf("delivered %v, want %v", got, tt.ok)
			}
		})
	}
}

func TestBlackhole(t *testing.T) {
	cfg := LinkConfig{Delay: 5 * ms, Blackholes: []Window{{From: 50 * ms, To: 80 * ms}}}
	p, _, sv := pingPair(TestSeed(t), cfg, 10, 50, 10*ms)
	p.ToClient.Config = LinkConfig{}
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	// Pings leave at 0, 10, ..., 90 ms and arrive 5 ms later; those
	// arriving at 55, 65 and 75 ms fall in the window.
	if got, want := seqs(sv.recv), []uint32{0, 1, 2, 3, 4, 8, 9}; !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}
}

func TestJitterReorders(t *testing.T) {
	p, _, sv := pingPair(TestSeed(t), LinkConfig{Delay: 20 * ms, Jitter: 10 * ms}, 100, 50, ms)
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	s := seqs(sv.recv)
	if len(s) != 100 || slices.IsSorted(s) {
		t.Errorf("jitter did not reorder (or lost) pings: %v", s)
	}
	for _, r := range sv.recv {
		sent := protocol.Time(pingSeq(r.d.Data)) * protocol.Time(ms)
		if d := r.at.Sub(sent); d < 20*ms || d >= 30*ms {
			t.Errorf("ping %d took %v", pingSeq(r.d.Data), d)
		}
	}
}

func TestCorruption(t *testing.T) {
	for _, mode := range []netmodel.CorruptMode{netmodel.CorruptByte, netmodel.CorruptBitFlip, netmodel.CorruptTruncate} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			cfg := LinkConfig{CorruptPercent: 100, CorruptMode: mode}
			p, cl, sv := pingPair(TestSeed(t), cfg, 200, 200, ms)
			p.ToClient.Config = LinkConfig{}
			vn := make([]byte, 200)
			vn[0] = 0x80 // Version Negotiation: version field zero
			cl.queue = append(cl.queue, Datagram{To: p.Server.Addr(), Data: vn})
			if err := p.RunIdle(time.Second); err != nil {
				t.Fatal(err)
			}
			if len(sv.recv) != 201 {
				t.Fatalf("got %d datagrams", len(sv.recv))
			}
			if got := sv.recv[0].d.Data; !slices.Equal(got, vn) {
				t.Errorf("Version Negotiation packet corrupted: %x", got)
			}
			ref := newPinger(netip.AddrPort{}, 0, 200, 0)
			for i, r := range sv.recv[1:] {
				ref.send(200)
				want := ref.queue[i].Data
				got := r.d.Data
				switch mode {
				case netmodel.CorruptByte:
					diff := 0
					for j := range got {
						if got[j] != want[j] {
							diff++
							if j > 50 {
								t.Errorf("byte %d changed", j)
							}
						}
					}
					if diff != 1 {
						t.Errorf("%d bytes changed", diff)
					}
				case netmodel.CorruptBitFlip:
					bits := 0
					for j := range got {
						for x := got[j] ^ want[j]; x != 0; x &= x - 1 {
							bits++
						}
					}
					if bits != 1 {
						t.Errorf("%d bits flipped", bits)
					}
				case netmodel.CorruptTruncate:
					if len(got) >= len(want) || !slices.Equal(got, want[:len(got)]) {
						t.Errorf("truncated to %d bytes: not a prefix", len(got))
					}
				}
			}
			if st := p.ToServer.Stats(); st.Corrupted != 200 {
				t.Errorf("corrupted %d", st.Corrupted)
			}
		})
	}
}

func TestRules(t *testing.T) {
	p, cl, sv := pingPair(TestSeed(t), LinkConfig{Delay: 10 * ms}, 4, 50, ms)
	p.ToServer.Config.Rules = []Rule{func(now time.Duration, d *Datagram) Verdict {
		switch pingSeq(d.Data) {
		case 0:
			return Drop()
		case 1:
			return DelayBy(100 * ms)
		case 2:
			d.Data[len(d.Data)-1] = 0xee
		}
		return Pass()
	}}
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	if got, want := seqs(sv.recv), []uint32{2, 3, 1}; !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	if sv.recv[2].at != protocol.Time(111*ms) || sv.recv[0].d.Data[49] != 0xee || len(cl.recv) != 3 {
		t.Errorf("delayed ping at %v, rewritten byte %#x, %d echoes", time.Duration(sv.recv[2].at), sv.recv[0].d.Data[49], len(cl.recv))
	}
}

func TestRebind(t *testing.T) {
	p, cl, sv := pingPair(TestSeed(t), LinkConfig{Delay: 10 * ms}, 6, 50, 20*ms)
	old := p.Client.Addr()
	// Pings leave every 20 ms; rebind at 45 ms, while the echo of the
	// ping sent at 40 ms is still on its way to the old address.
	if err := p.RunUntil(func() bool { return p.Now() >= protocol.Time(45*ms) }, time.Second); err != nil {
		t.Fatal(err)
	}
	if err := p.RunFor(45*ms - time.Duration(p.Now())); err != nil {
		t.Fatal(err)
	}
	newAddr := netip.MustParseAddrPort("193.167.0.7:61000")
	p.Rebind(p.Client, newAddr)
	sv.queue = append(sv.queue, Datagram{To: old, Data: []byte("to the old mapping")})
	if err := p.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	var froms []netip.AddrPort
	for _, r := range sv.recv {
		froms = append(froms, r.d.From)
	}
	want := []netip.AddrPort{old, old, old, newAddr, newAddr, newAddr}
	if !slices.Equal(froms, want) {
		t.Errorf("server saw sources %v, want %v", froms, want)
	}
	for _, r := range cl.recv {
		if r.d.To != p.Client.LocalAddr() {
			t.Errorf("client got a datagram for %v, not its local address", r.d.To)
		}
	}
	// Echoes of pings 0 and 1 arrive; ping 2's echo (in flight at the
	// rebind) and the datagram to the old address are dropped.
	if got, want := seqs(cl.recv), []uint32{0, 1, 3, 4, 5}; !slices.Equal(got, want) {
		t.Errorf("client got echoes %v, want %v", got, want)
	}
	if st := p.ToClient.Stats(); st.Dropped[netmodel.DropNoRoute] != 1 || p.Unroutable != 1 {
		t.Errorf("to client: %v, unroutable %d", st, p.Unroutable)
	}
}

func TestManyClients(t *testing.T) {
	n := NewNetwork(TestSeed(t))
	n.Default = LinkConfig{Delay: 5 * ms, Jitter: ms}
	server := netip.MustParseAddrPort("10.0.0.1:443")
	sv := newEcho()
	n.AddEndpoint(server, sv)
	var clients []*fakeEP
	for i := range 4 {
		c := newPinger(server, 3, 40, ms)
		n.AddEndpoint(netip.AddrPortFrom(netip.MustParseAddr("10.0.1.1"), uint16(5000+i)), c)
		clients = append(clients, c)
	}
	if err := n.RunIdle(time.Second); err != nil {
		t.Fatal(err)
	}
	if len(sv.recv) != 12 {
		t.Errorf("server got %d", len(sv.recv))
	}
	for i, c := range clients {
		if len(c.recv) != 3 {
			t.Errorf("client %d got %d echoes", i, len(c.recv))
		}
	}
}

func TestLivelock(t *testing.T) {
	tests := []struct {
		name string
		run  func(n *Network) error
		want string
	}{
		{"stuck timer", func(n *Network) error {
			n.AddEndpoint(netip.MustParseAddrPort("10.0.0.1:1"), &stuckTimer{})
			return n.RunIdle(time.Second)
		}, "still busy after 1000 steps"},
		{"endless transmit", func(n *Network) error {
			n.AddEndpoint(netip.MustParseAddrPort("10.0.0.1:1"), &chatterbox{to: netip.MustParseAddrPort("10.0.0.9:9")})
			return n.RunIdle(time.Second)
		}, "still transmitting after"},
		{"idle before condition", func(n *Network) error {
			return n.RunUntil(func() bool { return false }, time.Second)
		}, "network idle"},
		{"virtual time limit", func(n *Network) error {
			n.AddEndpoint(netip.MustParseAddrPort("10.0.0.1:1"), newPinger(netip.MustParseAddrPort("10.0.0.1:1"), 1000, 10, 10*ms))
			return n.RunIdle(time.Second)
		}, "within 1s of virtual time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NewNetwork(TestSeed(t))
			n.MaxSteps = 1000
			err := tt.run(n)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRunForAndGilbertElliott(t *testing.T) {
	ge := &netmodel.GilbertElliott{GoodToBad: 100, BadToGood: 0, LossGood: 0, LossBad: 100}
	p, _, sv := pingPair(TestSeed(t), LinkConfig{GilbertElliott: ge}, 10, 50, 10*ms)
	if err := p.RunFor(1000 * ms); err != nil {
		t.Fatal(err)
	}
	if p.Now() != protocol.Time(time.Second) {
		t.Errorf("clock at %v after RunFor(1s)", time.Duration(p.Now()))
	}
	if got := seqs(sv.recv); !slices.Equal(got, []uint32{0}) {
		t.Errorf("delivered %v: the bad state should lose all but the first", got)
	}
}
