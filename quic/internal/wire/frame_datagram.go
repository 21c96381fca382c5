package wire

import "strconv"

// DatagramFrame is a DATAGRAM frame (RFC 9221, 4).
type DatagramFrame struct {
	// OmitLength selects type 0x30, without a Length field: the data runs
	// to the end of the packet, so the frame must be the packet's last.
	OmitLength bool
	// Data aliases the packet after Parse; it may be empty.
	Data []byte
}

// Type returns FrameTypeDatagram or FrameTypeDatagramLen.
func (f DatagramFrame) Type() uint64 {
	if f.OmitLength {
		return FrameTypeDatagram
	}
	return FrameTypeDatagramLen
}

// Len returns the encoded length of f.
func (f DatagramFrame) Len() int {
	n := 1 + len(f.Data)
	if !f.OmitLength {
		n += VarintLen(uint64(len(f.Data)))
	}
	return n
}

// Append appends f to b.
func (f DatagramFrame) Append(b []byte) []byte {
	b = append(b, byte(f.Type()))
	if !f.OmitLength {
		b = AppendVarint(b, uint64(len(f.Data)))
	}
	return append(b, f.Data...)
}

// Parse fills f from the DATAGRAM frame at the start of b. Without a Length
// field the data runs to the end of b.
func (f *DatagramFrame) Parse(b []byte) (int, error) {
	typ, n, err := expectType(b, FrameTypeDatagram, FrameTypeDatagramLen)
	if err != nil {
		return 0, err
	}
	end := len(b)
	if typ == FrameTypeDatagramLen {
		length, m := ConsumeVarint(b[n:])
		if m < 0 || length > uint64(len(b)-n-m) {
			return 0, encodingError(typ, reasonTruncated)
		}
		n += m
		end = n + int(length)
	}
	f.OmitLength = typ == FrameTypeDatagram
	f.Data = b[n:end:end]
	return end, nil
}

// String describes f.
func (f DatagramFrame) String() string {
	b := append([]byte("DATAGRAM len="), strconv.Itoa(len(f.Data))...)
	return string(appendFlag(b, "nolen", f.OmitLength))
}
