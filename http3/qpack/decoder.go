package qpack

// DecoderConfig holds the limits a Decoder enforces; the first two are
// advertised to the peer in SETTINGS (RFC 9204, 5).
type DecoderConfig struct {
	// MaxTableCapacity is SETTINGS_QPACK_MAX_TABLE_CAPACITY.
	MaxTableCapacity uint64
	// MaxBlockedStreams is SETTINGS_QPACK_BLOCKED_STREAMS.
	MaxBlockedStreams uint64
	// MaxFieldSectionSize bounds the decoded size of a field section (sum of
	// name, value and 32 per line; RFC 9114, 4.2.2). Zero means no limit
	// beyond what the input justifies.
	MaxFieldSectionSize uint64
}

// blockedStream is a stream waiting for Required Insert Count inserts
// (RFC 9204, 2.2.1).
type blockedStream struct {
	id  uint64
	ric uint64 // as decoded on first receipt, when the section was blocked
	// ready is set once AppendUnblocked has reported the stream; it no
	// longer counts as blocked but keeps its ric for the retry.
	ready bool
}

// stringFixup records a name or value decoded into Decoder.strbuf, to be
// pointed at the section's single string once decoding ends.
type stringFixup struct {
	field      int
	value      bool
	start, end int
}

// Decoder decodes field sections and applies the peer's encoder stream
// (RFC 9204, 2.2). It is not safe for concurrent use.
type Decoder struct {
	cfg        DecoderConfig
	maxEntries uint64
	table      dynamicTable
	parser     *EncoderStreamParser
	knownRecv  uint64          // Known Received Count told to the encoder (RFC 9204, 2.1.4)
	blocked    []blockedStream // streams waiting for inserts
	pending    []byte          // decoder-stream bytes not yet taken
	strbuf     []byte          // literal bytes of the section being decoded
	fixups     []stringFixup
	applyFn    func(EncoderInstruction) error
}

// NewDecoder returns a Decoder enforcing cfg.
func NewDecoder(cfg DecoderConfig) *Decoder {
	d := &Decoder{
		cfg:        cfg,
		maxEntries: maxEntries(cfg.MaxTableCapacity),
		parser:     NewEncoderStreamParser(cfg.MaxTableCapacity),
	}
	d.applyFn = d.apply
	return d
}

// InsertCount returns the number of entries inserted so far.
func (d *Decoder) InsertCount() uint64 { return d.table.insertCount() }

// BlockedStreams returns the number of streams currently blocked.
func (d *Decoder) BlockedStreams() int {
	n := 0
	for _, b := range d.blocked {
		if !b.ready {
			n++
		}
	}
	return n
}

// HandleEncoderStream processes bytes received on the peer's encoder
// stream. Errors are *Error with code QPACK_ENCODER_STREAM_ERROR and are
// fatal to the connection. Afterwards, AppendUnblocked lists the streams
// whose field sections can now be decoded.
func (d *Decoder) HandleEncoderStream(b []byte) error {
	return d.parser.Parse(b, d.applyFn)
}

// apply executes one encoder instruction (RFC 9204, 4.3).
func (d *Decoder) apply(in EncoderInstruction) error {
	t := &d.table
	var f HeaderField
	switch in.Type {
	case SetDynamicTableCapacity:
		if in.Capacity > d.cfg.MaxTableCapacity {
			return newError(ErrEncoderStream, "capacity exceeds SETTINGS_QPACK_MAX_TABLE_CAPACITY")
		}
		t.setCapacity(in.Capacity)
		return nil
	case InsertWithNameReference:
		if in.Static {
			if in.Index >= uint64(len(staticTable)) {
				return newError(ErrEncoderStream, "invalid static table index")
			}
			f.Name = staticTable[in.Index].Name
		} else {
			e, ok := d.relativeEntry(in.Index)
			if !ok {
				return newError(ErrEncoderStream, "invalid dynamic table index")
			}
			f.Name = e.Name
		}
		f.Value = in.Value
	case InsertWithLiteralName:
		f = HeaderField{Name: in.Name, Value: in.Value}
	case Duplicate:
		e, ok := d.relativeEntry(in.Index)
		if !ok {
			return newError(ErrEncoderStream, "invalid dynamic table index")
		}
		f = e
	}
	if f.Size() > t.capacity {
		return newError(ErrEncoderStream, "entry exceeds dynamic table capacity")
	}
	t.add(f)
	return nil
}

// relativeEntry resolves an encoder-stream relative index, where 0 is the
// newest entry (RFC 9204, 3.2.5).
func (d *Decoder) relativeEntry(rel uint64) (HeaderField, bool) {
	ic := d.table.insertCount()
	if rel >= ic {
		return HeaderField{}, false
	}
	return d.table.get(ic - 1 - rel)
}

// AppendUnblocked appends the IDs of blocked streams whose Required Insert
// Count has been reached, in increasing order. Each is reported once; the
// caller then calls DecodeFieldSection again for it with the same section
// (or CancelStream).
func (d *Decoder) AppendUnblocked(dst []uint64) []uint64 {
	ic := d.table.insertCount()
	start := len(dst)
	for i := range d.blocked {
		if b := &d.blocked[i]; !b.ready && b.ric <= ic {
			b.ready = true
			dst = append(dst, b.id)
		}
	}
	// Insertion sort: the list is at most SETTINGS_QPACK_BLOCKED_STREAMS long.
	for i := start + 1; i < len(dst); i++ {
		for j := i; j > start && dst[j] < dst[j-1]; j-- {
			dst[j], dst[j-1] = dst[j-1], dst[j]
		}
	}
	return dst
}

// CancelStream records that the field sections of a stream will not be
// decoded (the stream was reset or abandoned) and queues a Stream
// Cancellation (RFC 9204, 2.2.2.2). With a maximum table capacity of zero
// the instruction is omitted, as the encoder cannot hold references.
func (d *Decoder) CancelStream(streamID uint64) {
	d.unblock(streamID)
	if d.cfg.MaxTableCapacity == 0 {
		return
	}
	d.pending = AppendDecoderInstruction(d.pending, DecoderInstruction{Type: StreamCancellation, StreamID: streamID})
}

// unblock forgets a blocked (or ready) stream, returning its entry.
func (d *Decoder) unblock(streamID uint64) (blockedStream, bool) {
	for i, b := range d.blocked {
		if b.id == streamID {
			d.blocked = append(d.blocked[:i], d.blocked[i+1:]...)
			return b, true
		}
	}
	return blockedStream{}, false
}

// AppendDecoderStream appends the decoder-stream bytes queued since the
// last call: Section Acknowledgments and Stream Cancellations in order,
// then an Insert Count Increment for inserts not yet acknowledged
// (RFC 9204, 2.2.2.3). Delaying the increment until the bytes are taken
// lets Section Acknowledgments stand in for it.
func (d *Decoder) AppendDecoderStream(dst []byte) []byte {
	dst = append(dst, d.pending...)
	d.pending = d.pending[:0]
	if ic := d.table.insertCount(); ic > d.knownRecv {
		dst = AppendDecoderInstruction(dst, DecoderInstruction{Type: InsertCountIncrement, Increment: ic - d.knownRecv})
		d.knownRecv = ic
	}
	return dst
}

// decompressionFailed returns the error for a malformed field section.
func decompressionFailed(reason string) error {
	return newError(ErrDecompressionFailed, reason)
}

// DecodeFieldSection decodes the encoded field section received on a
// stream and appends its field lines to dst.
//
// If the section needs inserts not yet received, it returns blocked=true
// and nothing else: the caller keeps the section and calls again once
// AppendUnblocked reports the stream (RFC 9204, 2.2.1). Blocking more
// streams than MaxBlockedStreams is an error. Errors are *Error with code
// QPACK_DECOMPRESSION_FAILED, or ErrFieldSectionTooLarge.
//
// The literal strings of one section share a single allocation.
func (d *Decoder) DecodeFieldSection(streamID uint64, section []byte, dst []HeaderField) (fields []HeaderField, blocked bool, err error) {
	encRIC, n, err := parseInt(section, 8)
	if err != nil || n == 0 {
		return dst, false, decompressionFailed("truncated or invalid Required Insert Count")
	}
	ic := d.table.insertCount()
	ric, ok := decodeInsertCount(encRIC, d.maxEntries, ic)
	prev, wasBlocked := d.unblock(streamID)
	if wasBlocked {
		// The encoded value is relative to the inserts at first receipt.
		ric, ok = prev.ric, true
	}
	if !ok {
		return dst, false, decompressionFailed("invalid Required Insert Count")
	}
	rest := section[n:]
	if len(rest) == 0 {
		return dst, false, decompressionFailed("truncated Base")
	}
	negative := rest[0]&0x80 != 0
	delta, m, err := parseInt(rest, 7)
	if err != nil || m == 0 {
		return dst, false, decompressionFailed("truncated or invalid Base")
	}
	rest = rest[m:]
	var base uint64
	if negative {
		if ric <= delta {
			return dst, false, decompressionFailed("negative Base")
		}
		base = ric - delta - 1
	} else {
		base = ric + delta
	}
	if ric > ic {
		if !wasBlocked && uint64(d.BlockedStreams()) >= d.cfg.MaxBlockedStreams {
			return dst, false, decompressionFailed("too many blocked streams")
		}
		d.blocked = append(d.blocked, blockedStream{id: streamID, ric: ric})
		return dst, true, nil
	}
	start := len(dst)
	dst, err = d.decodeLines(rest, ric, base, dst)
	if err != nil {
		return dst[:start], false, err
	}
	if ric > 0 {
		// RFC 9204, 4.4.1; the acknowledgment also raises the Known
		// Received Count (2.1.4).
		d.pending = AppendDecoderInstruction(d.pending, DecoderInstruction{Type: SectionAcknowledgment, StreamID: streamID})
		d.knownRecv = max(d.knownRecv, ric)
	}
	return dst, false, nil
}

// sectionDecoder holds the state of one field section being decoded.
type sectionDecoder struct {
	d          *Decoder
	ric, base  uint64
	size, max  uint64 // decoded size so far and its limit
	maxLiteral uint64 // bound for a single decoded string
}

// decodeLines decodes the field line representations of a section
// (RFC 9204, 4.5.2 to 4.5.6).
func (d *Decoder) decodeLines(b []byte, ric, base uint64, dst []HeaderField) ([]HeaderField, error) {
	s := sectionDecoder{d: d, ric: ric, base: base, max: d.cfg.MaxFieldSectionSize}
	if s.max == 0 {
		s.max = maxInteger
	}
	// A literal's decoded length is bounded by the input through the
	// Huffman code's shortest symbol (5 bits); the section size limit is
	// applied to the decoded lines, so that exceeding it is reported as
	// ErrFieldSectionTooLarge rather than as malformed input.
	s.maxLiteral = uint64(len(b))*8/5 + 1
	d.strbuf = d.strbuf[:0]
	d.fixups = d.fixups[:0]
	var err error
	for len(b) > 0 {
		var n int
		dst, n, err = s.line(b, dst)
		if err != nil {
			return dst, err
		}
		b = b[n:]
	}
	if len(d.fixups) > 0 {
		// One allocation holds every literal of the section.
		all := string(d.strbuf)
		for _, fx := range d.fixups {
			f := &dst[fx.field]
			if fx.value {
				f.Value = all[fx.start:fx.end]
			} else {
				f.Name = all[fx.start:fx.end]
			}
		}
	}
	return dst, nil
}

// line decodes one representation from b, appending it to dst.
func (s *sectionDecoder) line(b []byte, dst []HeaderField) ([]HeaderField, int, error) {
	var f HeaderField
	var n int
	var lit uint64 // decoded bytes of literal strings
	c := b[0]
	switch {
	case c&0x80 != 0: // Indexed Field Line (4.5.2)
		idx, m, err := parseInt(b, 6)
		if err != nil || m == 0 {
			return dst, 0, decompressionFailed("truncated or invalid index")
		}
		if c&0x40 != 0 {
			if f, err = staticEntry(idx); err != nil {
				return dst, 0, err
			}
		} else if f, err = s.relative(idx); err != nil {
			return dst, 0, err
		}
		n = m
	case c&0x40 != 0: // Literal Field Line with Name Reference (4.5.4)
		idx, m, err := parseInt(b, 4)
		if err != nil || m == 0 {
			return dst, 0, decompressionFailed("truncated or invalid name index")
		}
		if c&0x10 != 0 {
			f, err = staticEntry(idx)
		} else {
			f, err = s.relative(idx)
		}
		if err != nil {
			return dst, 0, err
		}
		f.NeverIndex = c&0x20 != 0
		n = m
	case c&0x20 != 0: // Literal Field Line with Literal Name (4.5.6)
		f.NeverIndex = c&0x10 != 0
		m, l, err := s.literal(b, 4, len(dst), false)
		if err != nil {
			return dst, 0, err
		}
		n, lit = m, l
	case c&0x10 != 0: // Indexed Field Line with Post-Base Index (4.5.3)
		idx, m, err := parseInt(b, 4)
		if err != nil || m == 0 {
			return dst, 0, decompressionFailed("truncated or invalid index")
		}
		if f, err = s.postBase(idx); err != nil {
			return dst, 0, err
		}
		n = m
	default: // Literal Field Line with Post-Base Name Reference (4.5.5)
		idx, m, err := parseInt(b, 3)
		if err != nil || m == 0 {
			return dst, 0, decompressionFailed("truncated or invalid name index")
		}
		if f, err = s.postBase(idx); err != nil {
			return dst, 0, err
		}
		f.NeverIndex = c&0x08 != 0
		n = m
	}
	if c&0xc0 == 0x40 || c&0xf0 == 0x00 || c&0xe0 == 0x20 {
		// The representation continues with a value string literal.
		m, l, err := s.literal(b[n:], 8, len(dst), true)
		if err != nil {
			return dst, 0, err
		}
		n += m
		lit += l
		f.Value = "" // set from the fixup once the section is decoded
	}
	s.size += f.Size() + lit
	if s.size > s.max {
		return dst, 0, ErrFieldSectionTooLarge
	}
	return append(dst, f), n, nil
}

// literal reads a string literal into the section's string buffer and
// records where it goes. It returns the bytes consumed and the decoded
// length.
func (s *sectionDecoder) literal(b []byte, prefix uint8, field int, value bool) (int, uint64, error) {
	d := s.d
	start := len(d.strbuf)
	buf, n, err := readString(d.strbuf, b, prefix, s.maxLiteral)
	if err != nil {
		return 0, 0, decompressionFailed(err.Error())
	}
	if n < 0 {
		return 0, 0, decompressionFailed("truncated string literal")
	}
	d.strbuf = buf
	d.fixups = append(d.fixups, stringFixup{field: field, value: value, start: start, end: len(buf)})
	return n, uint64(len(buf) - start), nil
}

// staticEntry returns static table entry idx.
func staticEntry(idx uint64) (HeaderField, error) {
	if idx >= uint64(len(staticTable)) {
		return HeaderField{}, decompressionFailed("invalid static table index")
	}
	return staticTable[idx], nil
}

// relative resolves a field-line relative index: 0 is Base-1 (RFC 9204,
// 3.2.5).
func (s *sectionDecoder) relative(idx uint64) (HeaderField, error) {
	if idx >= s.base {
		return HeaderField{}, decompressionFailed("relative index beyond Base")
	}
	return s.dynamic(s.base - 1 - idx)
}

// postBase resolves a post-Base index: 0 is Base (RFC 9204, 3.2.6).
func (s *sectionDecoder) postBase(idx uint64) (HeaderField, error) {
	// Base and idx are each below 2^63, so the sum cannot wrap.
	return s.dynamic(s.base + idx)
}

// dynamic returns the entry at absolute index abs, which must be below the
// Required Insert Count and not evicted (RFC 9204, 2.2.3).
func (s *sectionDecoder) dynamic(abs uint64) (HeaderField, error) {
	if abs >= s.ric {
		return HeaderField{}, decompressionFailed("reference at or beyond Required Insert Count")
	}
	f, ok := s.d.table.get(abs)
	if !ok {
		return HeaderField{}, decompressionFailed("reference to an evicted entry")
	}
	return f, nil
}
