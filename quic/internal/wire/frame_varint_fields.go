package wire

// maxVarintFields is the most varint fields a fixed-layout frame has
// (ACK_FREQUENCY).
const maxVarintFields = 4

// parseVarintFields parses a frame whose type lies in [lo, hi] and whose
// body is count varint fields, the layout most control frames share. It
// returns the fields in an array so that parsing stays allocation-free.
func parseVarintFields(b []byte, lo, hi uint64, count int) (typ uint64, v [maxVarintFields]uint64, n int, err error) {
	typ, n, err = expectType(b, lo, hi)
	if err != nil {
		return 0, v, 0, err
	}
	for i := range count {
		x, m := ConsumeVarint(b[n:])
		if m < 0 {
			return 0, v, 0, encodingError(typ, reasonTruncated)
		}
		v[i] = x
		n += m
	}
	return typ, v, n, nil
}
