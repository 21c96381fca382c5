package wire

import "strconv"

// CryptoFrame is a CRYPTO frame (RFC 9000, 19.6): handshake data at an
// offset in the encryption level's crypto stream.
type CryptoFrame struct {
	Offset uint64
	// Data aliases the packet after Parse.
	Data []byte
}

// Type returns FrameTypeCrypto.
func (CryptoFrame) Type() uint64 { return FrameTypeCrypto }

// HeaderLen returns the length of f's type, Offset and Length fields when it
// carries dataLen bytes of data.
func (f CryptoFrame) HeaderLen(dataLen int) int {
	return 1 + VarintLen(f.Offset) + VarintLen(uint64(dataLen))
}

// Len returns the encoded length of f.
func (f CryptoFrame) Len() int { return f.HeaderLen(len(f.Data)) + len(f.Data) }

// MaxDataLen returns the most data bytes a CRYPTO frame at f.Offset can
// carry in available bytes, header included, or -1 if not even an empty
// frame fits.
func (f CryptoFrame) MaxDataLen(available int) int {
	return fitData(available-1-VarintLen(f.Offset), true)
}

// AppendHeader appends f's header for dataLen bytes of data; the caller
// appends the data next. f.Data is ignored.
func (f CryptoFrame) AppendHeader(b []byte, dataLen int) []byte {
	b = append(b, FrameTypeCrypto)
	b = AppendVarint(b, f.Offset)
	return AppendVarint(b, uint64(dataLen))
}

// Append appends f to b.
func (f CryptoFrame) Append(b []byte) []byte {
	return append(f.AppendHeader(b, len(f.Data)), f.Data...)
}

// Parse fills f from the CRYPTO frame at the start of b. Data past offset
// 2^62-1 is a FRAME_ENCODING_ERROR (RFC 9000, 19.6).
func (f *CryptoFrame) Parse(b []byte) (int, error) {
	_, n, err := expectType(b, FrameTypeCrypto, FrameTypeCrypto)
	if err != nil {
		return 0, err
	}
	off, m := ConsumeVarint(b[n:])
	if m < 0 {
		return 0, encodingError(FrameTypeCrypto, reasonTruncated)
	}
	n += m
	length, m := ConsumeVarint(b[n:])
	if m < 0 || length > uint64(len(b)-n-m) {
		return 0, encodingError(FrameTypeCrypto, reasonTruncated)
	}
	n += m
	if off+length > MaxVarint {
		return 0, encodingError(FrameTypeCrypto, reasonOffsetTooLarge)
	}
	end := n + int(length)
	f.Offset = off
	f.Data = b[n:end:end]
	return end, nil
}

// String describes f.
func (f CryptoFrame) String() string {
	b := append(make([]byte, 0, 48), "CRYPTO"...)
	b = appendUintField(b, "off", f.Offset)
	b = append(b, " len="...)
	b = strconv.AppendInt(b, int64(len(f.Data)), 10)
	return string(b)
}
