package http3

import (
	"bufio"
	"io"
	"sync"
)

// Frame types (RFC 9114, 7.2 and 11.2.1).
const (
	frameData        = 0x00
	frameHeaders     = 0x01
	frameCancelPush  = 0x03
	frameSettings    = 0x04
	framePushPromise = 0x05
	frameGoAway      = 0x07
	frameMaxPushID   = 0x0d
)

// isHTTP2Frame reports frame types reserved because HTTP/2 used them; their
// receipt is H3_FRAME_UNEXPECTED (RFC 9114, 7.2.8).
func isHTTP2Frame(t uint64) bool { return t == 0x02 || t == 0x06 || t == 0x08 || t == 0x09 }

// knownFrame reports the frame types the frame reader hands to its caller;
// all others, including the reserved 0x1f*N+0x21 types, are skipped
// (RFC 9114, 7.2.8 and 9).
func knownFrame(t uint64) bool {
	switch t {
	case frameData, frameHeaders, frameCancelPush, frameSettings, framePushPromise, frameGoAway, frameMaxPushID:
		return true
	}
	return isHTTP2Frame(t)
}

// frameHeader is the Type and Length of a frame (RFC 9114, 7.1).
type frameHeader struct {
	Type   uint64
	Length uint64
}

// appendFrameHeader appends a frame's Type and Length fields.
func appendFrameHeader(dst []byte, typ, length uint64) []byte {
	dst = appendVarint(dst, typ)
	return appendVarint(dst, length)
}

// appendVarintFrame appends a frame whose payload is one varint (GOAWAY,
// MAX_PUSH_ID, CANCEL_PUSH).
func appendVarintFrame(dst []byte, typ, v uint64) []byte {
	dst = appendFrameHeader(dst, typ, uint64(varintLen(v)))
	return appendVarint(dst, v)
}

// parseVarintFrame parses the payload of a frame holding exactly one
// varint; anything else is H3_FRAME_ERROR (RFC 9114, 7.1).
func parseVarintFrame(p []byte) (uint64, error) {
	v, n := consumeVarint(p)
	if n <= 0 || n != len(p) {
		return 0, connError(ErrCodeFrameError, "malformed frame payload")
	}
	return v, nil
}

// errTruncatedFrame is a frame cut short by a clean end of stream
// (RFC 9114, 7.1).
var errTruncatedFrame = connError(ErrCodeFrameError, "truncated frame")

// frameReader reads HTTP/3 frames from a stream.
type frameReader struct {
	r *bufio.Reader
	// dataLeft is the unread payload of the current DATA frame.
	dataLeft uint64
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 4096)}
}

// frameReaderPool recycles request-stream readers and their buffers.
var frameReaderPool = sync.Pool{New: func() any { return &frameReader{r: bufio.NewReaderSize(nil, 4096)} }}

// getFrameReader returns a pooled reader on r; putFrameReader returns it
// once nothing can read from it any more.
func getFrameReader(r io.Reader) *frameReader {
	fr := frameReaderPool.Get().(*frameReader)
	fr.r.Reset(r)
	fr.dataLeft = 0
	return fr
}

func putFrameReader(fr *frameReader) {
	fr.r.Reset(nil)
	frameReaderPool.Put(fr)
}

// readVarint reads a QUIC varint. A clean end before the first byte is
// io.EOF; inside the varint, io.ErrUnexpectedEOF.
func readVarint(r io.ByteReader) (uint64, error) {
	b, err := r.ReadByte()
	if err != nil {
		return 0, err
	}
	n := 1 << (b >> 6)
	v := uint64(b & 0x3f)
	for i := 1; i < n; i++ {
		b, err = r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		v = v<<8 | uint64(b)
	}
	return v, nil
}

// next returns the header of the next frame the caller must handle,
// discarding reserved and unknown frames (RFC 9114, 7.2.8 and 9). It
// returns io.EOF at a clean end between frames. Any unread DATA payload
// must have been consumed first.
func (fr *frameReader) next() (frameHeader, error) {
	for {
		typ, err := readVarint(fr.r)
		if err != nil {
			return frameHeader{}, truncated(err)
		}
		length, err := readVarint(fr.r)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return frameHeader{}, truncated(err)
		}
		if knownFrame(typ) {
			if typ == frameData {
				fr.dataLeft = length
			}
			return frameHeader{Type: typ, Length: length}, nil
		}
		if err := fr.discard(length); err != nil {
			return frameHeader{}, err
		}
	}
}

// truncated maps a short read inside a frame to H3_FRAME_ERROR, leaving
// resets and other failures as they are.
func truncated(err error) error {
	if err == io.ErrUnexpectedEOF {
		return errTruncatedFrame
	}
	return err
}

// discard skips n payload bytes without buffering them.
func (fr *frameReader) discard(n uint64) error {
	for n > 0 {
		chunk := int(min(n, 1<<20))
		m, err := fr.r.Discard(chunk)
		n -= uint64(m)
		if err != nil {
			if err == io.EOF {
				return errTruncatedFrame
			}
			return err
		}
	}
	return nil
}

// readPayload reads the payload of a non-DATA frame, refusing frames
// longer than max with H3_EXCESSIVE_LOAD (RFC 9114, 7.1). The buffer grows
// with the bytes actually received, so a lying Length costs nothing.
func (fr *frameReader) readPayload(h frameHeader, max uint64) ([]byte, error) {
	if h.Length > max {
		return nil, connError(ErrCodeExcessiveLoad, "frame too large")
	}
	p := make([]byte, 0, min(h.Length, 4096))
	for uint64(len(p)) < h.Length {
		if len(p) == cap(p) {
			p = append(p, 0)[:len(p)]
		}
		end := min(uint64(cap(p)), h.Length)
		n, err := fr.r.Read(p[len(p):end])
		p = p[:len(p)+n]
		if err != nil && uint64(len(p)) < h.Length {
			if err == io.EOF {
				return nil, errTruncatedFrame
			}
			return nil, err
		}
	}
	return p, nil
}

// readData reads DATA payload of the current frame into b; io.EOF means the
// frame is exhausted (not the stream).
func (fr *frameReader) readData(b []byte) (int, error) {
	if fr.dataLeft == 0 {
		return 0, io.EOF
	}
	if uint64(len(b)) > fr.dataLeft {
		b = b[:fr.dataLeft]
	}
	n, err := fr.r.Read(b)
	fr.dataLeft -= uint64(n)
	if err == io.EOF {
		if fr.dataLeft > 0 {
			return n, errTruncatedFrame
		}
		err = nil
	}
	return n, err
}
