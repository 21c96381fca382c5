package netem

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quicr/quicr/interop/netem/netmodel"
)

func TestParseScenario(t *testing.T) {
	const base = " --delay=15ms --bandwidth=10Mbps --queue=25"
	p2p := Scenario{Delay: 15 * time.Millisecond, Bandwidth: 10_000_000, Queue: 25}
	with := func(f func(*Scenario)) Scenario {
		s := p2p
		f(&s)
		return s
	}
	tests := []struct {
		in   string
		want Scenario
	}{
		{"simple-p2p" + base, with(func(s *Scenario) { s.Name = "simple-p2p" })},
		{"simple-p2p --delay=750ms --bandwidth=10Mbps --queue=700", Scenario{Name: "simple-p2p", Delay: 750 * time.Millisecond, Bandwidth: 10_000_000, Queue: 700}},
		{"drop-rate" + base + " --rate_to_server=30 --rate_to_client=30 --burst_to_server=3 --burst_to_client=3", with(func(s *Scenario) {
			s.Name, s.RateToServer, s.RateToClient, s.BurstToServer, s.BurstToClient = "drop-rate", 30, 30, 3, 3
		})},
		{"corrupt-rate" + base + " --rate_to_server=10 --rate_to_client=5", with(func(s *Scenario) {
			s.Name, s.RateToServer, s.RateToClient = "corrupt-rate", 10, 5
		})},
		{"droplist" + base + " --drops_to_client=1,3,4 --drops_to_server=2", with(func(s *Scenario) {
			s.Name, s.DropsToClient, s.DropsToServer = "droplist", []int{1, 3, 4}, []int{2}
		})},
		{"blackhole" + base + " --on=5s --off=2s", with(func(s *Scenario) {
			s.Name, s.On, s.Off, s.Repeat, s.Direction = "blackhole", 5*time.Second, 2*time.Second, 1, "both"
		})},
		{"blackhole" + base + " --on=1s --off=500ms --repeat=3 --direction=toclient", with(func(s *Scenario) {
			s.Name, s.On, s.Off, s.Repeat, s.Direction = "blackhole", time.Second, 500*time.Millisecond, 3, "toclient"
		})},
		{"rebind" + base + " --first-rebind=1s --rebind-freq=5s --rebind-addr", with(func(s *Scenario) {
			s.Name, s.FirstRebind, s.RebindFreq, s.RebindAddr = "rebind", time.Second, 5*time.Second, true
		})},
		{"simple-p2p --delay=1ms --bandwidth=1.5Kbps --queue=1", Scenario{Name: "simple-p2p", Delay: time.Millisecond, Bandwidth: 1500, Queue: 1}},
		{"simple-p2p --delay=1ms --bandwidth=2MBps --queue=1", Scenario{Name: "simple-p2p", Delay: time.Millisecond, Bandwidth: 16_000_000, Queue: 1}},
	}
	for _, tt := range tests {
		got, err := ParseScenario(tt.in)
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
		again, err := ParseScenario(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("%q does not round-trip: %v %+v", got.String(), err, again)
		}
	}
}

func TestParseScenarioErrors(t *testing.T) {
	const base = " --delay=15ms --bandwidth=10Mbps --queue=25"
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"tcp-cross-traffic" + base, "unsupported"},
		{"simple-p2p --delay=15ms --bandwidth=10Mbps", "needs --queue"},
		{"drop-rate" + base + " --rate_to_server=30", "needs --rate_to_client"},
		{"drop-rate" + base + " --rate_to_server=130 --rate_to_client=1", "not in [0, 100]"},
		{"simple-p2p" + base + " --on=1s", "takes no --on"},
		{"simple-p2p" + base + " --queue=3", "repeated"},
		{"simple-p2p --delay=-1ms --bandwidth=10Mbps --queue=25", "out of range"},
		{"simple-p2p --delay=1ms --bandwidth=10Mbits --queue=25", "unknown unit"},
		{"simple-p2p --delay=1ms --bandwidth=0bps --queue=25", "out of range"},
		{"simple-p2p --delay --bandwidth=1bps --queue=25", "needs a value"},
		{"simple-p2p delay=1ms", "bad argument"},
		{"droplist" + base + " --drops_to_client=1,0", "not in"},
		{"blackhole" + base + " --on=1s --off=1s --direction=up", "toclient"},
		{"rebind" + base + " --first-rebind=0s", "positive"},
		{"rebind" + base + " --first-rebind=1s --rebind-addr=maybe", "bad boolean"},
	}
	for _, tt := range tests {
		_, err := ParseScenario(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: got %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

func TestScenarioLinks(t *testing.T) {
	sc, err := ParseScenario("blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=2s --off=1s --repeat=2 --direction=toserver")
	if err != nil {
		t.Fatal(err)
	}
	s, c := sc.Links()
	want := []netmodel.Window{{From: 2 * time.Second, To: 3 * time.Second}, {From: 5 * time.Second, To: 6 * time.Second}}
	if !reflect.DeepEqual(s.Blackholes, want) || c.Blackholes != nil {
		t.Errorf("blackholes to server %v, to client %v", s.Blackholes, c.Blackholes)
	}
	if s.Delay != 15*time.Millisecond || s.Bandwidth != 10_000_000 || s.Queue != 25 || s.MTU != 1500 {
		t.Errorf("bottleneck %+v", s)
	}
	sc, _ = ParseScenario("corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=10 --rate_to_client=20 --burst_to_client=2")
	s, c = sc.Links()
	if s.CorruptPercent != 10 || c.CorruptPercent != 20 || c.CorruptBurst != 2 || s.CorruptMode != netmodel.CorruptByte {
		t.Errorf("corrupt-rate links %+v %+v", s, c)
	}
}

func FuzzParseScenario(f *testing.F) {
	const base = " --delay=15ms --bandwidth=10Mbps --queue=25"
	for _, s := range []string{
		"simple-p2p" + base,
		"drop-rate" + base + " --rate_to_server=30 --rate_to_client=30 --burst_to_server=3 --burst_to_client=3",
		"corrupt-rate" + base + " --rate_to_server=10 --rate_to_client=10",
		"droplist" + base + " --drops_to_client=1,3,4 --drops_to_server=2",
		"blackhole" + base + " --on=5s --off=2s --repeat=2 --direction=toserver",
		"rebind" + base + " --first-rebind=1s --rebind-freq=5s --rebind-addr",
		"simple-p2p --delay=750ms --bandwidth=1.5GB/s --queue=700",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sc, err := ParseScenario(s)
		if err != nil {
			return
		}
		again, err := ParseScenario(sc.String())
		if err != nil {
			t.Fatalf("%q re-encoded as %q: %v", s, sc.String(), err)
		}
		if !reflect.DeepEqual(again, sc) {
			t.Fatalf("%q: %+v re-parsed as %+v", s, sc, again)
		}
		sc.Links()
	})
}
