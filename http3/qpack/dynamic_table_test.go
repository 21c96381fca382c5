package qpack

import (
	"fmt"
	"testing"
)

func TestDynamicTableEviction(t *testing.T) {
	var tab dynamicTable
	tab.setCapacity(10 * 40) // ten entries of 40 bytes
	entry := func(i uint64) HeaderField {
		return HeaderField{Name: fmt.Sprintf("n%02d", i%100), Value: fmt.Sprintf("v%03d", i)} // 3+4+32 = 39
	}
	// Insert far past the ring's initial size so it wraps and grows.
	for i := uint64(0); i < 50; i++ {
		tab.add(entry(i))
		if tab.size > tab.capacity {
			t.Fatalf("size %d over capacity", tab.size)
		}
	}
	if tab.insertCount() != 50 || tab.count != 10 || tab.dropped != 40 || tab.size != 390 {
		t.Fatalf("count %d dropped %d size %d", tab.count, tab.dropped, tab.size)
	}
	for i := uint64(0); i < 50; i++ {
		got, ok := tab.get(i)
		if ok != (i >= 40) || (ok && got != entry(i)) {
			t.Fatalf("get(%d) = %v, %v", i, got, ok)
		}
	}
	if tab.sizeFrom(45) != 5*39 || tab.sizeFrom(0) != 390 {
		t.Fatalf("sizeFrom: %d, %d", tab.sizeFrom(45), tab.sizeFrom(0))
	}
	// Lowering the capacity evicts the oldest entries; zero empties it.
	tab.setCapacity(100)
	if tab.count != 2 || tab.dropped != 48 || tab.size != 78 {
		t.Fatalf("after shrink: count %d dropped %d size %d", tab.count, tab.dropped, tab.size)
	}
	tab.setCapacity(0)
	if tab.count != 0 || tab.size != 0 || tab.insertCount() != 50 {
		t.Fatalf("after clear: count %d size %d", tab.count, tab.size)
	}
	// An entry of exactly the capacity fits alone.
	tab.setCapacity(39)
	tab.add(entry(50))
	tab.add(entry(51))
	if tab.count != 1 || tab.at(51) != entry(51) {
		t.Fatalf("exact fit: count %d", tab.count)
	}
}

func TestRequiredInsertCountEncoding(t *testing.T) {
	// RFC 9204, 4.5.1.1: a 100-byte table encodes modulo 6; with 10 inserts
	// an encoded 4 means 9.
	if ric, ok := decodeInsertCount(4, maxEntries(100), 10); !ok || ric != 9 {
		t.Fatalf("got %d, %v; want 9", ric, ok)
	}
	// Every value the encoder may produce decodes back in every decoder
	// state it may meet: entry RIC-1 is still present, so the decoder is
	// fewer than MaxEntries inserts past it, or at most MaxEntries behind.
	const me = 6
	for total := uint64(0); total < 40; total++ {
		for ric := uint64(0); ric <= total+me; ric++ {
			if ric > 0 && ric+me <= total {
				continue
			}
			got, ok := decodeInsertCount(encodeInsertCount(ric, me), me, total)
			if !ok || got != ric {
				t.Fatalf("ric %d total %d: got %d, %v", ric, total, got, ok)
			}
		}
	}
	for _, enc := range []uint64{13, 100} {
		if _, ok := decodeInsertCount(enc, me, 0); ok {
			t.Fatalf("encoded %d accepted", enc)
		}
	}
}
