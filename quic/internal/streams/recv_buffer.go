package streams

import (
	"sync"

	"github.com/quicr/quicr/quic/internal/qerr"
	"github.com/quicr/quicr/quic/internal/rangeset"
)

// blockSize is the unit in which received stream data is stored. Blocks are
// allocated only where data arrived, so memory follows what the peer sent
// (bounded by flow control), and recycled as the application reads.
const blockSize = 4096

// maxGaps bounds the number of disjoint received ranges per stream: a peer
// that scatters tiny frames across its window must not make us track
// unbounded metadata (RFC 9000, 21.10 notes such resource exhaustion).
const maxGaps = 1024

// maxFreeBlocks bounds the recycled blocks kept per stream.
const maxFreeBlocks = 8

// RecvBuffer reassembles the data of the receiving part of a stream
// (RFC 9000, 2.2), for in-order reads or, with ReadUnordered, in arrival
// order of offsets.
type RecvBuffer struct {
	blocks    []*[blockSize]byte // blocks[i] holds offsets from blockBase+i*blockSize
	blockBase uint64
	free      []*[blockSize]byte
	// Pool, if set, is where blocks come from and go back to: one per
	// connection, so a fast stream reuses what it and others released.
	Pool *BlockPool
	// Sparse says data comes rarely (a CRYPTO stream after the
	// handshake): blocks go back as soon as all received was read.
	Sparse bool

	readOff uint64            // ordered reads: everything below is delivered
	recvd   rangeset.RangeSet // received offsets at or above the floor
	pending rangeset.RangeSet // unordered reads: received, not yet delivered
	unorder bool              // ReadUnordered was used

	highest   uint64 // end of the highest byte received
	finalSize uint64
	finKnown  bool
}

var (
	errFinalSize   = &qerr.TransportError{Code: qerr.FinalSizeError, Reason: "stream data beyond or changing the final size"}
	errTooManyGaps = &qerr.TransportError{Code: qerr.ProtocolViolation, Reason: "too many gaps in received stream data"}
)

// Highest returns the end of the highest byte received: the flow-control
// credit the stream consumed.
func (r *RecvBuffer) Highest() uint64 { return r.highest }

// FinalSize returns the final size, if known.
func (r *RecvBuffer) FinalSize() (uint64, bool) { return r.finalSize, r.finKnown }

// checkFinal applies the final-size rules of RFC 9000, 4.5 to data ending
// at end, possibly carrying a FIN.
func (r *RecvBuffer) checkFinal(end uint64, fin bool) error {
	if r.finKnown && (end > r.finalSize || (fin && end != r.finalSize)) {
		return errFinalSize
	}
	if fin && end < r.highest {
		return errFinalSize
	}
	return nil
}

// OnData stores a STREAM frame's data. It returns FINAL_SIZE_ERROR for data
// beyond or changing the final size (RFC 9000, 4.5). Flow control is the
// caller's: it checks the frame against the stream and connection limits
// before calling.
func (r *RecvBuffer) OnData(off uint64, data []byte, fin bool) error {
	end := off + uint64(len(data))
	if err := r.checkFinal(end, fin); err != nil {
		return err
	}
	if fin {
		r.finalSize, r.finKnown = end, true
	}
	if end > r.highest {
		r.highest = end
	}
	floor := r.recvd.Floor()
	if end <= floor || len(data) == 0 {
		return nil
	}
	if off < floor {
		data = data[floor-off:]
		off = floor
	}
	if r.unorder {
		r.markPending(off, end)
	}
	r.store(off, data)
	r.recvd.Add(off, end)
	if r.recvd.Len() > maxGaps {
		return errTooManyGaps
	}
	return nil
}

// markPending adds the parts of [off, end) not received before to the
// pending set, so that unordered reads deliver each byte once.
func (r *RecvBuffer) markPending(off, end uint64) {
	for _, g := range r.recvd.Ranges() {
		if g.Start >= end {
			break
		}
		if g.End <= off {
			continue
		}
		if g.Start > off {
			r.pending.Add(off, g.Start)
		}
		off = max(off, g.End)
	}
	if off < end {
		r.pending.Add(off, end)
	}
}

// store copies data at offset off into blocks, allocating missing ones.
func (r *RecvBuffer) store(off uint64, data []byte) {
	for len(data) > 0 {
		i := int((off - r.blockBase) / blockSize)
		for i >= len(r.blocks) {
			r.blocks = append(r.blocks, nil)
		}
		if r.blocks[i] == nil {
			r.blocks[i] = r.newBlock()
		}
		within := int((off - r.blockBase) % blockSize)
		n := copy(r.blocks[i][within:], data)
		data = data[n:]
		off += uint64(n)
	}
}

func (r *RecvBuffer) newBlock() *[blockSize]byte {
	if r.Pool != nil {
		return r.Pool.get()
	}
	if n := len(r.free); n > 0 {
		b := r.free[n-1]
		r.free = r.free[:n-1]
		return b
	}
	return new([blockSize]byte)
}

// release frees blocks that lie wholly below offset upTo.
func (r *RecvBuffer) release(upTo uint64) {
	k := int((upTo - r.blockBase) / blockSize)
	if k == 0 {
		return
	}
	k = min(k, len(r.blocks))
	for _, b := range r.blocks[:k] {
		r.putBlock(b)
	}
	n := copy(r.blocks, r.blocks[k:])
	clear(r.blocks[n:])
	r.blocks = r.blocks[:n]
	r.blockBase += uint64(k) * blockSize
}

// Readable returns how many bytes an ordered Read can return now.
func (r *RecvBuffer) Readable() uint64 {
	if r.unorder {
		return 0
	}
	if lo, ok := r.recvd.Min(); ok && lo == r.readOff {
		return r.recvd.At(r.recvd.Len()-1).End - r.readOff
	}
	return 0
}

// ReadOffset returns the offset of the next byte an ordered Read returns.
func (r *RecvBuffer) ReadOffset() uint64 { return r.readOff }

// AtEOF reports whether every byte up to the final size was read.
func (r *RecvBuffer) AtEOF() bool {
	if r.unorder {
		return r.finKnown && r.pending.Empty() && r.allReceived()
	}
	return r.finKnown && r.readOff == r.finalSize
}

// allReceived reports whether every byte below the final size arrived.
func (r *RecvBuffer) allReceived() bool {
	if !r.finKnown {
		return false
	}
	if r.finalSize == r.recvd.Floor() {
		return true
	}
	lo, ok := r.recvd.Min()
	return ok && lo == r.recvd.Floor() && r.recvd.Len() == 1 && r.recvd.At(0).End == r.finalSize
}

// AllReceived reports whether the whole stream up to its final size has
// arrived (RFC 9000, 3.2 "Data Recvd").
func (r *RecvBuffer) AllReceived() bool {
	if r.unorder {
		return r.allReceived()
	}
	if !r.finKnown {
		return false
	}
	return r.readOff == r.finalSize || (r.Readable() > 0 && r.readOff+r.Readable() == r.finalSize)
}

// Read copies in-order data into p and returns the number of bytes copied.
func (r *RecvBuffer) Read(p []byte) int {
	n := r.PeekAt(0, p)
	r.Consume(n)
	return n
}

// releaseIfDrained gives back the block that holds the read offset once
// everything received has been read and no more is coming (the final size
// was read, or the owner said Sparse): a request read whole or a session
// ticket taken holds no memory, and the block serves the connections that
// are busy. A stream that is still flowing keeps it: a reader that keeps
// up empties the buffer at every read, and a block back and forth through
// the shared pool each time cost 8% of a request/response run.
func (r *RecvBuffer) releaseIfDrained() {
	if r.unorder || !r.recvd.Empty() || len(r.blocks) == 0 {
		return
	}
	if !(r.finKnown && r.readOff == r.finalSize) && !r.Sparse {
		return
	}
	for _, b := range r.blocks {
		r.putBlock(b)
	}
	clear(r.blocks)
	r.blocks = r.blocks[:0]
}

// Peek returns in-order data at the read offset, at most up to a block
// boundary, without copying: the zero-copy form of Read, for a consumer
// that copies what it keeps. data aliases the buffer and is valid until
// the next call that changes r. Consume says how much was taken.
func (r *RecvBuffer) Peek() []byte {
	avail := r.Readable()
	if avail == 0 {
		return nil
	}
	return r.chunkAt(r.readOff, avail)
}

// chunkAt returns the stored bytes from offset off to the end of its
// block, at most n of them. They must have been received.
func (r *RecvBuffer) chunkAt(off, n uint64) []byte {
	within := (off - r.blockBase) % blockSize
	chunk := r.blocks[(off-r.blockBase)/blockSize][within:]
	return chunk[:min(uint64(len(chunk)), n)]
}

// PeekAt copies into p the in-order data that starts skip bytes after the
// read offset, without consuming it, and returns how many bytes it copied.
func (r *RecvBuffer) PeekAt(skip uint64, p []byte) int {
	avail := r.Readable()
	if skip >= avail {
		return 0
	}
	avail -= skip
	off := r.readOff + skip
	n := 0
	for len(p) > 0 && avail > 0 {
		c := copy(p, r.chunkAt(off, avail))
		p = p[c:]
		n += c
		off += uint64(c)
		avail -= uint64(c)
	}
	return n
}

// Consume marks the next n in-order bytes (what Peek or PeekAt showed) as
// read.
func (r *RecvBuffer) Consume(n int) {
	if n <= 0 {
		return
	}
	r.readOff += uint64(n)
	r.recvd.RemoveBelow(r.readOff)
	r.release(r.readOff)
	r.releaseIfDrained()
}

// ReadUnordered returns the received, not yet delivered chunk with the
// lowest offset, at most up to a block boundary. data aliases the buffer and
// is valid until the next call. Once used, ordered Read returns nothing.
func (r *RecvBuffer) ReadUnordered() (off uint64, data []byte, ok bool) {
	if !r.unorder {
		r.unorder = true
		// Everything received but not read is pending from now on.
		for _, g := range r.recvd.Ranges() {
			r.pending.Add(g.Start, g.End)
		}
	}
	if r.pending.Empty() {
		return 0, nil, false
	}
	g := r.pending.At(r.pending.Len() - 1)
	data = r.chunkAt(g.Start, g.End-g.Start)
	n := uint64(len(data))
	r.pending.Remove(g.Start, g.Start+n)
	// Blocks below both the lowest pending byte and the first gap can go.
	lowest := g.Start + n
	if !r.pending.Empty() {
		lowest = min(lowest, r.pending.At(r.pending.Len()-1).Start)
	}
	if lo, ok := r.recvd.Min(); ok && lo == r.recvd.Floor() {
		lowest = min(lowest, r.recvd.At(r.recvd.Len()-1).End)
	} else {
		lowest = min(lowest, r.recvd.Floor())
	}
	// Release lazily: data returned now must stay valid until the next call,
	// so free only what lies below this chunk.
	if lowest > g.Start {
		lowest = g.Start
	}
	if lowest > r.readOff {
		r.readOff = lowest
		r.recvd.RemoveBelow(lowest)
		r.release(lowest)
	}
	return g.Start, data, true
}

// Discard drops everything: the stream was reset or the application
// stopped reading (RFC 9000, 3.2).
func (r *RecvBuffer) Discard() {
	for _, b := range r.blocks {
		r.putBlock(b)
	}
	r.blocks, r.free = nil, nil
	r.recvd.Clear()
	r.pending.Clear()
}

// OnReset checks a RESET_STREAM frame's final size (RFC 9000, 4.5) and
// records it.
func (r *RecvBuffer) OnReset(finalSize uint64) error {
	if err := r.checkFinal(finalSize, true); err != nil {
		return err
	}
	r.finalSize, r.finKnown = finalSize, true
	if finalSize > r.highest {
		r.highest = finalSize
	}
	return nil
}

// Unordered reports whether ReadUnordered has been used.
func (r *RecvBuffer) Unordered() bool { return r.unorder }

// HasUnordered reports whether ReadUnordered has a chunk ready.
func (r *RecvBuffer) HasUnordered() bool { return r.unorder && !r.pending.Empty() }

// Unread gives back the tail of a chunk ReadUnordered returned that the
// caller could not take: it is delivered again by the next call.
func (r *RecvBuffer) Unread(off, end uint64) {
	if r.unorder && off < end {
		r.pending.Add(off, end)
	}
}

// putBlock recycles a block no longer needed.
func (r *RecvBuffer) putBlock(b *[blockSize]byte) {
	switch {
	case b == nil:
	case r.Pool != nil:
		r.Pool.put(b)
	case len(r.free) < maxFreeBlocks:
		r.free = append(r.free, b)
	}
}

// BlockPool recycles receive-buffer blocks among the streams of the
// connections that share it (an endpoint's). It is safe for concurrent
// use. Blocks a busy stream releases serve the next one without
// allocation: up to blockPoolKept of them for good (a garbage collection,
// frequent while handshakes run, empties a sync.Pool), the rest in a
// sync.Pool, so an idle endpoint holds little.
type BlockPool struct {
	mu   sync.Mutex
	kept []*[blockSize]byte
	pool sync.Pool
}

// blockPoolKept bounds the blocks a BlockPool keeps through garbage
// collections: 256 KiB.
const blockPoolKept = 64

func (p *BlockPool) get() *[blockSize]byte {
	p.mu.Lock()
	if n := len(p.kept); n > 0 {
		b := p.kept[n-1]
		p.kept = p.kept[:n-1]
		p.mu.Unlock()
		return b
	}
	p.mu.Unlock()
	if b, ok := p.pool.Get().(*[blockSize]byte); ok {
		return b
	}
	return new([blockSize]byte)
}

func (p *BlockPool) put(b *[blockSize]byte) {
	p.mu.Lock()
	if len(p.kept) < blockPoolKept {
		p.kept = append(p.kept, b)
		p.mu.Unlock()
		return
	}
	p.mu.Unlock()
	p.pool.Put(b)
}
