package qpack

// HeaderField is one field line of a header or trailer section.
type HeaderField struct {
	Name  string
	Value string
	// NeverIndex asks every hop to send this field as a literal with the
	// 'N' bit set (RFC 9204, 4.5.4 and 7.1.3).
	NeverIndex bool
}

// entryOverhead is the per-entry allowance added to the name and value
// lengths when sizing dynamic table entries (RFC 9204, 3.2.1).
const entryOverhead = 32

// Size returns the size of f as a dynamic table entry or as a contribution
// to a field section size: name and value length plus 32 (RFC 9204, 3.2.1;
// RFC 9114, 4.2.2).
func (f HeaderField) Size() uint64 {
	return uint64(len(f.Name)) + uint64(len(f.Value)) + entryOverhead
}
