package streams

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/quicr/quicr/quic/internal/qerr"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

type sentFrame struct {
	off uint64
	n   int
	fin bool
}

// transfer moves data from a SendBuffer to a RecvBuffer through a lossy,
// reordering, duplicating channel until everything is acknowledged.
func transfer(t *testing.T, seed uint64, data []byte, unordered bool) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var s SendBuffer
	var r RecvBuffer
	written := 0
	var inflight []sentFrame
	got := make([]byte, len(data))
	gotN := 0
	var readBuf [3000]byte
	for step := 0; step < 1_000_000; step++ {
		if written < len(data) && rng.IntN(3) == 0 {
			n := min(len(data)-written, 1+rng.IntN(5000))
			s.Write(data[written : written+n])
			written += n
			if written == len(data) {
				s.Close()
			}
		}
		limit := s.Sent() + uint64(rng.IntN(20000)) // flow control opening gradually
		if s.HasData(limit) {
			off, chunk, fin, _ := s.NextFrame(1+rng.IntN(1400), limit)
			if len(chunk) > 0 || fin {
				f := sentFrame{off, len(chunk), fin}
				inflight = append(inflight, f)
				if rng.IntN(10) != 0 { // 10% loss
					if err := r.OnData(off, bytes.Clone(chunk), fin); err != nil {
						t.Fatalf("seed %d: OnData: %v", seed, err)
					}
					if rng.IntN(10) == 0 { // duplicate
						r.OnData(off, bytes.Clone(chunk), fin)
					}
				} else {
					inflight[len(inflight)-1].n = -1 - inflight[len(inflight)-1].n // mark lost
				}
			}
		}
		// Acknowledge or declare lost a random in-flight frame.
		if len(inflight) > 0 && rng.IntN(2) == 0 {
			i := rng.IntN(len(inflight))
			f := inflight[i]
			inflight = append(inflight[:i], inflight[i+1:]...)
			if f.n < 0 {
				s.OnLost(f.off, -1-f.n, f.fin)
			} else {
				s.OnAcked(f.off, f.n, f.fin)
			}
		}
		if unordered {
			for {
				off, chunk, ok := r.ReadUnordered()
				if !ok {
					break
				}
				copy(got[off:], chunk)
				gotN += len(chunk)
			}
		} else {
			n := r.Read(readBuf[:rng.IntN(len(readBuf))+1])
			copy(got[gotN:], readBuf[:n])
			gotN += n
		}
		if s.AllAcked() && r.AtEOF() {
			if gotN != len(data) {
				t.Fatalf("seed %d: delivered %d bytes, want %d", seed, gotN, len(data))
			}
			if s.Buffered() != 0 {
				t.Fatalf("seed %d: %d bytes still buffered after all acked", seed, s.Buffered())
			}
			return got
		}
	}
	t.Fatalf("seed %d: transfer did not finish (sent %d, acked all %v, recv EOF %v)", seed, s.Sent(), s.AllAcked(), r.AtEOF())
	return nil
}

func TestTransferUnderLossReorderDuplication(t *testing.T) {
	data := pattern(200_000)
	for seed := uint64(1); seed <= 20; seed++ {
		for _, unordered := range []bool{false, true} {
			if got := transfer(t, seed, data, unordered); !bytes.Equal(got, data) {
				t.Fatalf("seed %d unordered %v: data corrupted", seed, unordered)
			}
		}
	}
}

func TestSendBufferFrames(t *testing.T) {
	var s SendBuffer
	s.Write([]byte("hello world"))
	off, d, fin, isNew := s.NextFrame(5, 100)
	if off != 0 || string(d) != "hello" || fin || !isNew {
		t.Fatalf("first frame: %d %q %v %v", off, d, fin, isNew)
	}
	// Flow control stops new data at the limit.
	off, d, _, _ = s.NextFrame(100, 8)
	if off != 5 || string(d) != " wo" {
		t.Fatalf("limited frame: %d %q", off, d)
	}
	if s.HasData(8) {
		t.Error("HasData true at the flow-control limit")
	}
	s.Close()
	off, d, fin, _ = s.NextFrame(100, 100)
	if off != 8 || string(d) != "rld" || !fin {
		t.Fatalf("last frame: %d %q fin %v", off, d, fin)
	}
	// Lose the middle frame: it comes back before any new data.
	s.OnLost(5, 3, false)
	off, d, fin, isNew = s.NextFrame(100, 100)
	if off != 5 || string(d) != " wo" || fin || isNew {
		t.Fatalf("retransmission: %d %q %v %v", off, d, fin, isNew)
	}
	// Lose the FIN frame: data and FIN come back together.
	s.OnLost(8, 3, true)
	off, d, fin, _ = s.NextFrame(100, 100)
	if off != 8 || string(d) != "rld" || !fin {
		t.Fatalf("FIN retransmission: %d %q fin %v", off, d, fin)
	}
	s.OnAcked(0, 5, false)
	s.OnAcked(8, 3, true)
	if s.AllAcked() {
		t.Fatal("all acked with a hole at 5..8")
	}
	// A loss of already acknowledged data sends nothing.
	s.OnLost(0, 5, false)
	if s.HasData(100) {
		t.Error("acknowledged data queued for retransmission")
	}
	if !s.OnAcked(5, 3, false) || !s.AllAcked() || s.Buffered() != 0 {
		t.Errorf("after last ack: all %v buffered %d", s.AllAcked(), s.Buffered())
	}
}

func TestSendBufferFinOnly(t *testing.T) {
	var s SendBuffer
	s.Write([]byte("ab"))
	s.NextFrame(10, 10)
	s.Close()
	off, d, fin, isNew := s.NextFrame(10, 10)
	if off != 2 || len(d) != 0 || !fin || isNew {
		t.Fatalf("FIN-only frame: %d %q %v %v", off, d, fin, isNew)
	}
	s.OnLost(2, 0, true)
	if !s.HasData(10) {
		t.Fatal("lost FIN not queued again")
	}
	if _, _, fin, _ := s.NextFrame(10, 10); !fin {
		t.Fatal("FIN not resent")
	}
}

func TestRecvBufferFinalSize(t *testing.T) {
	tests := []struct {
		name string
		ops  func(r *RecvBuffer) error
		code qerr.TransportErrorCode
	}{
		{"data beyond final size", func(r *RecvBuffer) error {
			r.OnData(0, make([]byte, 10), true)
			return r.OnData(5, make([]byte, 10), false)
		}, qerr.FinalSizeError},
		{"final size changed", func(r *RecvBuffer) error {
			r.OnData(0, make([]byte, 10), true)
			return r.OnData(0, make([]byte, 12), true)
		}, qerr.FinalSizeError},
		{"final size below received data", func(r *RecvBuffer) error {
			r.OnData(10, make([]byte, 10), false)
			return r.OnData(0, make([]byte, 5), true)
		}, qerr.FinalSizeError},
		{"reset below received data", func(r *RecvBuffer) error {
			r.OnData(0, make([]byte, 10), false)
			return r.OnReset(5)
		}, qerr.FinalSizeError},
		{"reset changes final size", func(r *RecvBuffer) error {
			r.OnData(0, make([]byte, 10), true)
			return r.OnReset(11)
		}, qerr.FinalSizeError},
		{"same FIN twice", func(r *RecvBuffer) error {
			r.OnData(0, make([]byte, 10), true)
			return r.OnData(0, make([]byte, 10), true)
		}, 0},
		{"reset at final size", func(r *RecvBuffer) error {
			r.OnData(0, make([]byte, 10), true)
			return r.OnReset(10)
		}, 0},
	}
	for _, tt := range tests {
		var r RecvBuffer
		err := tt.ops(&r)
		if tt.code == 0 {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		var te *qerr.TransportError
		if !errors.As(err, &te) || te.Code != tt.code {
			t.Errorf("%s: err %v, want %v", tt.name, err, tt.code)
		}
	}
}

func TestRecvBufferGapLimit(t *testing.T) {
	var r RecvBuffer
	var err error
	for i := uint64(0); i < 2*maxGaps && err == nil; i++ {
		err = r.OnData(2*i+1, []byte{1}, false)
	}
	var te *qerr.TransportError
	if !errors.As(err, &te) || te.Code != qerr.ProtocolViolation {
		t.Fatalf("scattered 1-byte frames: err %v", err)
	}
}

func TestRecvBufferMemoryFollowsData(t *testing.T) {
	var r RecvBuffer
	// One byte far ahead allocates one block, not the whole gap.
	r.OnData(1<<20, []byte{1}, false)
	allocated := 0
	for _, b := range r.blocks {
		if b != nil {
			allocated++
		}
	}
	if allocated != 1 {
		t.Errorf("%d blocks allocated for one byte", allocated)
	}
}

func FuzzRecvBuffer(f *testing.F) {
	f.Add([]byte{0, 10, 1, 5, 20, 0, 0, 30, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		var r RecvBuffer
		var model [256]byte
		var have [256]bool
		for len(ops) >= 3 {
			off, n, fin := uint64(ops[0]), int(ops[1]%64), ops[2]&1 == 1
			ops = ops[3:]
			if off+uint64(n) > 255 {
				continue
			}
			data := make([]byte, n)
			for i := range data {
				data[i] = byte(off) + byte(i)
				model[int(off)+i] = data[i]
				have[int(off)+i] = true
			}
			if err := r.OnData(off, data, fin); err != nil {
				return
			}
		}
		var buf [256]byte
		n := r.Read(buf[:])
		for i := 0; i < n; i++ {
			if !have[i] || buf[i] != model[i] {
				t.Fatalf("byte %d: got %d, want %d (have %v)", i, buf[i], model[i], have[i])
			}
		}
		if n < 256 && have[n] {
			t.Fatalf("read stopped at %d although byte %d arrived", n, n)
		}
	})
}

func BenchmarkStreamWriteRead(b *testing.B) {
	data := pattern(1200)
	var s SendBuffer
	var r RecvBuffer
	buf := make([]byte, 1200)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s.Write(data)
		off, chunk, _, _ := s.NextFrame(1200, ^uint64(0))
		if err := r.OnData(off, chunk, false); err != nil {
			b.Fatal(err)
		}
		s.OnAcked(off, len(chunk), false)
		r.Read(buf)
	}
}

// TestRecvBufferPeek checks that Peek and Consume hand out the same bytes
// as Read, a block at a time, and free blocks as they are consumed.
func TestRecvBufferPeek(t *testing.T) {
	data := make([]byte, 3*blockSize+100)
	for i := range data {
		data[i] = byte(i * 7)
	}
	tests := []struct {
		name   string
		frames [][2]int // [off, end) in arrival order
		take   int      // bytes consumed per Peek (0: all of it)
	}{
		{"in order", [][2]int{{0, len(data)}}, 0},
		{"gap filled last", [][2]int{{blockSize, len(data)}, {0, blockSize}}, 0},
		{"partial consumes", [][2]int{{0, len(data)}}, 1000},
		{"unaligned start", [][2]int{{0, 10}, {10, len(data)}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := RecvBuffer{Pool: new(BlockPool)}
			var got []byte
			for _, f := range tt.frames {
				if err := r.OnData(uint64(f[0]), data[f[0]:f[1]], false); err != nil {
					t.Fatal(err)
				}
				for {
					chunk := r.Peek()
					if len(chunk) == 0 {
						break
					}
					if len(chunk) > blockSize {
						t.Fatalf("chunk of %d bytes crosses a block", len(chunk))
					}
					n := len(chunk)
					if tt.take > 0 {
						n = min(n, tt.take)
					}
					got = append(got, chunk[:n]...)
					r.Consume(n)
				}
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("got %d bytes, want %d, equal prefix %v", len(got), len(data), bytes.HasPrefix(data, got))
			}
			if r.ReadOffset() != uint64(len(data)) || len(r.blocks) > 1 {
				t.Fatalf("read offset %d, %d blocks held", r.ReadOffset(), len(r.blocks))
			}
		})
	}
}

// TestRecvBufferPeekAt checks that PeekAt copies in-order data from any
// point past the read offset, across blocks, stops at the first gap, and
// consumes nothing.
func TestRecvBufferPeekAt(t *testing.T) {
	data := make([]byte, 2*blockSize+50)
	for i := range data {
		data[i] = byte(i * 13)
	}
	r := RecvBuffer{Pool: new(BlockPool)}
	if err := r.OnData(0, data[:2*blockSize], false); err != nil {
		t.Fatal(err)
	}
	if err := r.OnData(2*blockSize+10, data[2*blockSize+10:], false); err != nil { // a gap at 2*blockSize
		t.Fatal(err)
	}
	r.Consume(5)
	tests := []struct {
		skip uint64
		size int
		want []byte
	}{
		{0, 10, data[5:15]},
		{blockSize - 7, 4, data[blockSize-2 : blockSize+2]}, // across a block boundary
		{0, 3 * blockSize, data[5 : 2*blockSize]},           // up to the gap
		{2*blockSize - 5, 4, nil},                           // at the gap
		{3 * blockSize, 4, nil},                             // past everything
	}
	for _, tt := range tests {
		p := make([]byte, tt.size)
		n := r.PeekAt(tt.skip, p)
		if !bytes.Equal(p[:n], tt.want) {
			t.Errorf("PeekAt(%d, %d bytes) = %d bytes, want %d", tt.skip, tt.size, n, len(tt.want))
		}
	}
	if r.ReadOffset() != 5 {
		t.Fatalf("read offset %d after PeekAt, want 5", r.ReadOffset())
	}
}

// TestRecvBufferReleasesWhenDrained checks that a Sparse buffer read up to
// all it received holds no block, whether it was read with Read or Peek
// and Consume, and that data arriving later in the same block reads back;
// and that a stream keeps its block while data may still come, and gives
// it back once read to its final size.
func TestRecvBufferReleasesWhenDrained(t *testing.T) {
	data := make([]byte, blockSize+300)
	for i := range data {
		data[i] = byte(i * 5)
	}
	for _, peek := range []bool{false, true} {
		r := RecvBuffer{Pool: new(BlockPool), Sparse: true}
		var got []byte
		read := func() {
			if peek {
				for c := r.Peek(); len(c) > 0; c = r.Peek() {
					got = append(got, c...)
					r.Consume(len(c))
				}
				return
			}
			buf := make([]byte, 2*blockSize)
			got = append(got, buf[:r.Read(buf)]...)
		}
		for _, f := range [][2]int{{0, 100}, {100, blockSize + 10}, {blockSize + 10, len(data)}} {
			if err := r.OnData(uint64(f[0]), data[f[0]:f[1]], false); err != nil {
				t.Fatal(err)
			}
			read()
			if len(r.blocks) != 0 {
				t.Fatalf("peek %v: %d blocks held after reading everything up to %d", peek, len(r.blocks), f[1])
			}
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("peek %v: read %d bytes, want %d, equal prefix %v", peek, len(got), len(data), bytes.HasPrefix(data, got))
		}
	}
	// A gap keeps the blocks that hold data past it.
	r := RecvBuffer{Pool: new(BlockPool), Sparse: true}
	r.OnData(0, data[:10], false)
	r.OnData(20, data[20:30], false)
	r.Read(make([]byte, 10))
	if len(r.blocks) != 1 {
		t.Fatalf("%d blocks held with data past a gap, want 1", len(r.blocks))
	}
	// A stream keeps its block until it has read its final size.
	s := RecvBuffer{Pool: new(BlockPool)}
	s.OnData(0, data[:100], false)
	s.Read(make([]byte, 100))
	if len(s.blocks) != 1 {
		t.Fatalf("stream without FIN: %d blocks held after a read, want 1", len(s.blocks))
	}
	s.OnData(100, data[100:150], true)
	s.Read(make([]byte, 100))
	if len(s.blocks) != 0 {
		t.Fatalf("stream read to its final size: %d blocks held, want 0", len(s.blocks))
	}
}
