package qpack

// dynamicTable is the FIFO of field lines shared by encoder and decoder
// (RFC 9204, 3.2). Entries live in a ring; absolute index i is at
// ring[(head + i - dropped) % len(ring)].
type dynamicTable struct {
	ring     []HeaderField
	head     int    // ring position of the oldest entry
	count    int    // entries present
	dropped  uint64 // entries evicted so far: the oldest absolute index
	size     uint64 // sum of entry sizes (RFC 9204, 3.2.1)
	capacity uint64 // current capacity (RFC 9204, 3.2.2)
}

// insertCount returns the number of insertions so far, which is one more
// than the newest absolute index (RFC 9204, 3.2.4).
func (t *dynamicTable) insertCount() uint64 { return t.dropped + uint64(t.count) }

// get returns the entry with absolute index abs, if present.
func (t *dynamicTable) get(abs uint64) (HeaderField, bool) {
	if abs < t.dropped || abs >= t.insertCount() {
		return HeaderField{}, false
	}
	return t.at(abs), true
}

// at returns the present entry with absolute index abs.
func (t *dynamicTable) at(abs uint64) HeaderField {
	return t.ring[(t.head+int(abs-t.dropped))%len(t.ring)]
}

// evictTo drops the oldest entries until size is at most target.
func (t *dynamicTable) evictTo(target uint64) {
	for t.size > target && t.count > 0 {
		e := &t.ring[t.head]
		t.size -= e.Size()
		*e = HeaderField{}
		t.head = (t.head + 1) % len(t.ring)
		t.count--
		t.dropped++
	}
}

// setCapacity changes the capacity, evicting entries that no longer fit
// (RFC 9204, 3.2.2).
func (t *dynamicTable) setCapacity(c uint64) {
	t.capacity = c
	t.evictTo(c)
}

// add evicts as needed and appends f; f.Size() must not exceed capacity.
// The caller keeps its own copy of any referenced name, so evicting the
// referenced entry first is harmless (RFC 9204, 3.2.2).
func (t *dynamicTable) add(f HeaderField) {
	f.NeverIndex = false
	t.evictTo(t.capacity - f.Size())
	if t.count == len(t.ring) {
		t.grow()
	}
	t.ring[(t.head+t.count)%len(t.ring)] = f
	t.count++
	t.size += f.Size()
}

// grow doubles the ring, keeping absolute order.
func (t *dynamicTable) grow() {
	n := 2 * len(t.ring)
	if n == 0 {
		n = 16
	}
	ring := make([]HeaderField, n)
	for i := 0; i < t.count; i++ {
		ring[i] = t.ring[(t.head+i)%len(t.ring)]
	}
	t.ring, t.head = ring, 0
}

// sizeFrom returns the total size of entries with absolute index >= abs.
func (t *dynamicTable) sizeFrom(abs uint64) uint64 {
	var s uint64
	for i := max(abs, t.dropped); i < t.insertCount(); i++ {
		s += t.at(i).Size()
	}
	return s
}
