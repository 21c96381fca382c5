package qpack

// EncoderConfig controls an Encoder.
type EncoderConfig struct {
	// MaxTableCapacity caps the dynamic table this encoder uses; the peer's
	// SETTINGS_QPACK_MAX_TABLE_CAPACITY caps it further. Zero means
	// static-table-only encoding.
	MaxTableCapacity uint64
	// DisableHuffman sends all string literals without Huffman coding.
	DisableHuffman bool
	// ShouldIndex decides whether a field not yet in the dynamic table is
	// worth inserting. Nil means DefaultShouldIndex.
	ShouldIndex func(HeaderField) bool
}

// outstandingSection is an encoded field section with dynamic references
// that the decoder has not acknowledged (RFC 9204, 2.1.1).
type outstandingSection struct {
	stream uint64
	ric    uint64 // Required Insert Count
	minRef uint64 // smallest absolute index referenced
}

// maxOutstandingSections bounds the unacknowledged sections the encoder
// tracks; beyond it, sections use only the static table and literals.
const maxOutstandingSections = 1024

// noRef is minRef when a section references no dynamic entry.
const noRef = ^uint64(0)

// Encoder encodes field sections and emits the encoder stream (RFC 9204,
// 2.1). It is not safe for concurrent use.
type Encoder struct {
	cfg         EncoderConfig
	huffman     bool
	shouldIndex func(HeaderField) bool

	peerBlocked       uint64 // peer's SETTINGS_QPACK_BLOCKED_STREAMS
	maxEntries        uint64 // from the peer's maximum capacity (RFC 9204, 4.5.1.1)
	table             dynamicTable
	knownRecv         uint64 // Known Received Count (RFC 9204, 2.1.4)
	outstanding       []outstandingSection
	encStream         []byte // encoder-stream bytes not yet taken
	lines             []byte // scratch for field lines before the prefix
	decParser         DecoderStreamParser
	handleInstruction func(DecoderInstruction) error
	blockingSet       map[uint64]struct{} // scratch for blockingStreams

	// State of the section being encoded.
	base, ric, minRef uint64
	drainIndex        uint64
	canBlock          bool
}

// NewEncoder returns an Encoder that uses only the static table until
// SetPeerSettings allows a dynamic table.
func NewEncoder(cfg EncoderConfig) *Encoder {
	e := &Encoder{cfg: cfg, huffman: !cfg.DisableHuffman, shouldIndex: cfg.ShouldIndex, minRef: noRef}
	if e.shouldIndex == nil {
		e.shouldIndex = DefaultShouldIndex
	}
	e.handleInstruction = e.handle
	return e
}

// SetPeerSettings applies the peer's SETTINGS_QPACK_MAX_TABLE_CAPACITY and
// SETTINGS_QPACK_BLOCKED_STREAMS (RFC 9204, 5). Call it once, when the
// peer's SETTINGS arrive. If a dynamic table will be used, it queues a Set
// Dynamic Table Capacity instruction.
func (e *Encoder) SetPeerSettings(maxTableCapacity, blockedStreams uint64) {
	e.peerBlocked = blockedStreams
	e.maxEntries = maxEntries(maxTableCapacity)
	if c := min(e.cfg.MaxTableCapacity, maxTableCapacity); c > 0 && c != e.table.capacity {
		e.table.setCapacity(c)
		e.encStream = AppendEncoderInstruction(e.encStream, EncoderInstruction{Type: SetDynamicTableCapacity, Capacity: c}, false)
	}
}

// Capacity returns the dynamic table capacity in use.
func (e *Encoder) Capacity() uint64 { return e.table.capacity }

// InsertCount returns the number of entries inserted so far.
func (e *Encoder) InsertCount() uint64 { return e.table.insertCount() }

// KnownReceivedCount returns the number of inserts the decoder has
// acknowledged.
func (e *Encoder) KnownReceivedCount() uint64 { return e.knownRecv }

// AppendEncoderStream appends the encoder-stream bytes queued since the
// last call. The caller writes them to the encoder stream before, or with,
// the field sections that depend on them.
func (e *Encoder) AppendEncoderStream(dst []byte) []byte {
	dst = append(dst, e.encStream...)
	e.encStream = e.encStream[:0]
	return dst
}

// HandleDecoderStream processes bytes received on the peer's decoder
// stream. Errors are *Error with code QPACK_DECODER_STREAM_ERROR.
func (e *Encoder) HandleDecoderStream(b []byte) error {
	return e.decParser.Parse(b, e.handleInstruction)
}

// handle applies one decoder instruction (RFC 9204, 4.4).
func (e *Encoder) handle(in DecoderInstruction) error {
	switch in.Type {
	case SectionAcknowledgment:
		for i, s := range e.outstanding {
			if s.stream == in.StreamID {
				e.knownRecv = max(e.knownRecv, s.ric)
				e.outstanding = append(e.outstanding[:i], e.outstanding[i+1:]...)
				return nil
			}
		}
		return newError(ErrDecoderStream, "Section Acknowledgment for a stream with no outstanding section")
	case StreamCancellation:
		kept := e.outstanding[:0]
		for _, s := range e.outstanding {
			if s.stream != in.StreamID {
				kept = append(kept, s)
			}
		}
		e.outstanding = kept
	case InsertCountIncrement:
		if in.Increment == 0 || in.Increment > e.table.insertCount()-e.knownRecv {
			return newError(ErrDecoderStream, "invalid Insert Count Increment")
		}
		e.knownRecv += in.Increment
	}
	return nil
}

// blockingStreams counts streams that could be blocked at the decoder and
// reports whether stream is one of them (RFC 9204, 2.1.2).
func (e *Encoder) blockingStreams(stream uint64) (n uint64, self bool) {
	if e.blockingSet == nil {
		e.blockingSet = make(map[uint64]struct{})
	}
	clear(e.blockingSet)
	for _, s := range e.outstanding {
		if s.ric > e.knownRecv {
			e.blockingSet[s.stream] = struct{}{}
		}
	}
	_, self = e.blockingSet[stream]
	return uint64(len(e.blockingSet)), self
}

// EncodeFieldSection appends the encoded field section for fields, to be
// sent on the given stream, to dst. Any table updates it makes are queued
// for AppendEncoderStream.
func (e *Encoder) EncodeFieldSection(dst []byte, streamID uint64, fields []HeaderField) []byte {
	e.base = e.table.insertCount()
	e.ric, e.minRef = 0, noRef
	// Past maxOutstandingSections unacknowledged sections, stop adding
	// references so tracking memory stays bounded (RFC 9204, 7.3).
	dynamicOK := e.table.capacity > 0 && len(e.outstanding) < maxOutstandingSections
	if dynamicOK {
		n, self := e.blockingStreams(streamID)
		e.canBlock = self || n < e.peerBlocked
		e.drainIndex = e.drainingIndex()
	}
	lines := e.lines[:0]
	for _, f := range fields {
		if dynamicOK {
			lines = e.encodeDynamic(lines, f)
		} else {
			lines = e.encodeStatic(lines, f)
		}
	}
	e.lines = lines
	dst = appendSectionPrefix(dst, e.ric, e.base, e.maxEntries)
	dst = append(dst, lines...)
	if e.ric > 0 {
		e.outstanding = append(e.outstanding, outstandingSection{stream: streamID, ric: e.ric, minRef: e.minRef})
	}
	e.minRef = noRef
	return dst
}

// encodeStatic encodes f using only the static table and literals.
func (e *Encoder) encodeStatic(dst []byte, f HeaderField) []byte {
	idx, exact := staticLookup(f.Name, f.Value)
	switch {
	case exact && !f.NeverIndex:
		return appendIndexedStatic(dst, uint64(idx))
	case idx >= 0:
		return appendLiteralStaticName(dst, uint64(idx), f, e.huffman)
	}
	return appendLiteralName(dst, f, e.huffman)
}

// encodeDynamic encodes f, referencing or growing the dynamic table where
// that is allowed and useful (RFC 9204, Appendix C, plus the blocking and
// eviction rules of 2.1.1 and 2.1.2).
func (e *Encoder) encodeDynamic(dst []byte, f HeaderField) []byte {
	sIdx, exact := staticLookup(f.Name, f.Value)
	if exact && !f.NeverIndex {
		return appendIndexedStatic(dst, uint64(sIdx))
	}
	if f.NeverIndex {
		return e.encodeStatic(dst, f)
	}
	abs, found, usable := e.findExact(f)
	if usable {
		return e.indexed(dst, abs)
	}
	switch {
	case found && abs < e.drainIndex && e.insertable(f):
		// Copy the draining entry rather than pin it (RFC 9204, 2.1.1.1).
		e.insert(EncoderInstruction{Type: Duplicate, Index: e.table.insertCount() - 1 - abs}, f)
	case !found && e.shouldIndex(f) && e.insertable(f):
		e.insertField(f, sIdx)
	default:
		return e.literal(dst, f, sIdx)
	}
	if e.canBlock {
		return e.indexed(dst, e.table.insertCount()-1)
	}
	// Referencing the new entry now could block one stream too many; later
	// sections will use it once it is acknowledged (RFC 9204, 2.1.2).
	return e.literal(dst, f, sIdx)
}

// insertable reports whether f may be inserted now. It must fit in the
// part of the table that is not draining, or it could never be referenced.
func (e *Encoder) insertable(f HeaderField) bool {
	c := e.table.capacity
	return f.Size() <= c-c/4 && e.canInsert(f.Size())
}

// literal appends f as a literal, naming it by the static table, by a
// referenceable dynamic entry, or literally.
func (e *Encoder) literal(dst []byte, f HeaderField, sIdx int) []byte {
	if sIdx >= 0 {
		return appendLiteralStaticName(dst, uint64(sIdx), f, e.huffman)
	}
	if nameAbs, ok := e.findName(f.Name); ok {
		e.reference(nameAbs)
		return appendLiteralDynamicName(dst, nameAbs, e.base, f, e.huffman)
	}
	return appendLiteralName(dst, f, e.huffman)
}

// indexed appends an indexed line for abs and records the reference.
func (e *Encoder) indexed(dst []byte, abs uint64) []byte {
	e.reference(abs)
	return appendIndexedDynamic(dst, abs, e.base)
}

// reference records a reference from the current section to abs.
func (e *Encoder) reference(abs uint64) {
	e.ric = max(e.ric, abs+1)
	e.minRef = min(e.minRef, abs)
}

// referenceable reports whether the current section may reference abs:
// it is not draining, and it is acknowledged unless this section may block.
func (e *Encoder) referenceable(abs uint64) bool {
	return abs >= e.drainIndex && (abs < e.knownRecv || e.canBlock)
}

// findExact looks for entries equal to f. It returns the newest one the
// current section may reference (usable), or else the newest one.
func (e *Encoder) findExact(f HeaderField) (abs uint64, found, usable bool) {
	t := &e.table
	for i := t.insertCount(); i > t.dropped; {
		i--
		if g := t.at(i); g.Name == f.Name && g.Value == f.Value {
			if e.referenceable(i) {
				return i, true, true
			}
			if !found {
				abs, found = i, true
			}
		}
	}
	return abs, found, false
}

// findName returns the newest referenceable entry named name.
func (e *Encoder) findName(name string) (uint64, bool) {
	t := &e.table
	for abs := t.insertCount(); abs > t.dropped; {
		abs--
		if !e.referenceable(abs) {
			continue
		}
		if t.at(abs).Name == name {
			return abs, true
		}
	}
	return 0, false
}

// drainingIndex returns the smallest absolute index the encoder will
// reference: entries older than it lie in the oldest quarter of the
// capacity and are left to drain so that inserts stay possible (RFC 9204,
// 2.1.1.1).
func (e *Encoder) drainingIndex() uint64 {
	t := &e.table
	budget := t.capacity - t.capacity/4
	var used uint64
	for abs := t.insertCount(); abs > t.dropped; {
		abs--
		used += t.at(abs).Size()
		if used > budget {
			return abs + 1
		}
	}
	return t.dropped
}

// evictable reports whether entry abs may be evicted: it is acknowledged
// and no unacknowledged section, including the one being encoded, refers
// to it or anything newer that it would have to outlive (RFC 9204, 2.1.1).
// Eviction is in order, so the smallest reference of each section decides.
func (e *Encoder) evictable(abs uint64) bool {
	if abs >= e.knownRecv || abs >= e.minRef {
		return false
	}
	for _, s := range e.outstanding {
		if abs >= s.minRef {
			return false
		}
	}
	return true
}

// canInsert reports whether an entry of the given size fits after evicting
// only evictable entries.
func (e *Encoder) canInsert(size uint64) bool {
	t := &e.table
	if size > t.capacity {
		return false
	}
	free := t.capacity - t.size
	for abs := t.dropped; free < size; abs++ {
		if abs >= t.insertCount() || !e.evictable(abs) {
			return false
		}
		free += t.at(abs).Size()
	}
	return true
}

// insertField queues the cheapest insert instruction for f: a static name
// reference, a dynamic name reference, or a literal name (RFC 9204, 4.3).
func (e *Encoder) insertField(f HeaderField, staticIdx int) {
	in := EncoderInstruction{Type: InsertWithLiteralName, Name: f.Name, Value: f.Value}
	if staticIdx >= 0 {
		in = EncoderInstruction{Type: InsertWithNameReference, Static: true, Index: uint64(staticIdx), Value: f.Value}
	} else if abs, ok := e.newestName(f.Name); ok {
		in = EncoderInstruction{Type: InsertWithNameReference, Index: e.table.insertCount() - 1 - abs, Value: f.Value}
	}
	e.insert(in, f)
}

// newestName returns the newest entry named name. Encoder-stream references
// never block eviction, so any present entry will do (RFC 9204, 2.1.1).
func (e *Encoder) newestName(name string) (uint64, bool) {
	t := &e.table
	for abs := t.insertCount(); abs > t.dropped; {
		abs--
		if t.at(abs).Name == name {
			return abs, true
		}
	}
	return 0, false
}

// insert queues in and adds f to the table; the caller has checked
// canInsert. The draining index moves with the new entry.
func (e *Encoder) insert(in EncoderInstruction, f HeaderField) {
	e.encStream = AppendEncoderInstruction(e.encStream, in, e.huffman)
	e.table.add(HeaderField{Name: f.Name, Value: f.Value})
	e.drainIndex = e.drainingIndex()
}
