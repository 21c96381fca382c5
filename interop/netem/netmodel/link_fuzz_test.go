package netmodel

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"
)

// FuzzLinkSend runs arbitrary datagrams through a link with every stage
// enabled and checks that Send never panics and that corruption keeps the
// runner's rules: Version Negotiation packets untouched, one byte changed
// at offset 0..50 in CorruptByte mode.
func FuzzLinkSend(f *testing.F) {
	f.Add([]byte{0x80, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}, uint64(1), uint8(0), uint8(50))
	f.Add(bytes.Repeat([]byte{0xc0, 0, 0, 0, 1}, 250), uint64(2), uint8(0), uint8(100))
	f.Add([]byte{0x41, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint64(3), uint8(1), uint8(30))
	f.Add([]byte{}, uint64(4), uint8(2), uint8(100))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, mode, pct uint8) {
		cfg := Config{
			MTU: 1200, Bandwidth: 1_000_000, Queue: 5, CEThreshold: 2,
			Delay: time.Millisecond, Jitter: time.Millisecond,
			DropList: []int{3}, LossPercent: float64(pct % 50), LossBurst: 2,
			GilbertElliott: &GilbertElliott{GoodToBad: 5, BadToGood: 50, LossBad: 50},
			CorruptPercent: float64(pct), CorruptMode: CorruptMode(mode % 3), DuplicatePercent: 10,
		}
		l := NewLink(cfg, rand.New(rand.NewPCG(seed, seed)))
		vn := (&Datagram{Data: data}).IsVersionNegotiation()
		for i := range 8 {
			d := Datagram{To: server, ECN: uint8(i) & 3, Data: bytes.Clone(data)}
			out, r := l.Send(time.Duration(i)*100*time.Microsecond, d, nil)
			if (r == Delivered) != (len(out) > 0) {
				t.Fatalf("reason %v with %d deliveries", r, len(out))
			}
			for _, o := range out {
				if vn && !bytes.Equal(o.Data, data) {
					t.Fatalf("VN packet changed: %x", o.Data)
				}
				if cfg.CorruptMode == CorruptByte && len(o.Data) == len(data) {
					diff := 0
					for j := range data {
						if o.Data[j] != data[j] {
							diff++
							if j > 50 {
								t.Fatalf("byte %d corrupted", j)
							}
						}
					}
					if diff > 1 {
						t.Fatalf("%d bytes corrupted", diff)
					}
				}
			}
		}
	})
}

func BenchmarkLinkSend(b *testing.B) {
	l := NewLink(Config{Delay: time.Millisecond, Jitter: time.Millisecond, Bandwidth: 1e9, Queue: 1000, LossPercent: 1, CorruptPercent: 1},
		rand.New(rand.NewPCG(1, 1)))
	d := datagram(1200)
	out := make([]Delivery, 0, 2)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		out, _ = l.Send(time.Duration(i)*time.Microsecond*20, d, out[:0])
	}
}
