package http3

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
)

// bodyReader reads a message body from DATA frames, then an optional
// trailer section, on a request stream (RFC 9114, 4.1).
type bodyReader struct {
	conn     *connection
	str      ReceiveStream
	fr       *frameReader
	ctx      context.Context
	isClient bool
	// contentLength is the declared length, or -1 (RFC 9114, 4.1.2).
	contentLength int64
	read          int64
	trailer       *http.Header
	// onError resets the stream on a stream error; onDone runs once when
	// the body ends for any reason.
	onError func(code ErrCode)
	onDone  func()

	mu    sync.Mutex
	err   error // sticky: io.EOF once complete
	once  sync.Once
	ended atomic.Bool
}

// Read implements io.Reader.
func (b *bodyReader) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return 0, b.err
	}
	n, err := b.readLocked(p)
	if err != nil {
		b.finish(err)
	}
	return n, err
}

// finish records the end of the body; b.mu is held.
func (b *bodyReader) finish(err error) {
	b.ended.Store(true)
	b.err = err
	if err != io.EOF && err != errBodyClosed {
		b.err = b.mapError(err)
	}
	b.once.Do(func() {
		if b.onDone != nil {
			b.onDone()
		}
	})
}

// mapError applies a protocol error: a connection error closes the
// connection, a stream error resets the stream.
func (b *bodyReader) mapError(err error) error {
	var se *streamError
	switch {
	case b.conn.fail(err):
	case errors.As(err, &se):
		b.onError(se.code)
	default:
		if ce := b.conn.closeErr(); ce != nil && !isStreamErr(err) {
			return ce
		}
	}
	return err
}

func isStreamErr(err error) bool { _, ok := AsStreamError(err); return ok }

func (b *bodyReader) readLocked(p []byte) (int, error) {
	for {
		if b.fr.dataLeft > 0 {
			if len(p) == 0 {
				return 0, nil
			}
			n, err := b.fr.readData(p)
			b.read += int64(n)
			if b.contentLength >= 0 && b.read > b.contentLength {
				return 0, errMalformed("body longer than content-length")
			}
			if err == io.EOF {
				err = nil
			}
			return n, err
		}
		h, err := b.fr.next()
		if err == io.EOF {
			return 0, b.end()
		}
		if err != nil {
			return 0, err
		}
		switch h.Type {
		case frameData:
			continue
		case frameHeaders:
			if err := b.readTrailers(h); err != nil {
				return 0, err
			}
			// Nothing but unknown frames may follow trailers (4.1).
			if _, err := b.fr.next(); err != io.EOF {
				if err == nil {
					err = connError(ErrCodeFrameUnexpected, "frame after trailers")
				}
				return 0, err
			}
			return 0, b.end()
		case framePushPromise:
			if b.isClient {
				// No MAX_PUSH_ID sent: every push ID is too large (7.2.5).
				return 0, connError(ErrCodeIDError, "PUSH_PROMISE without MAX_PUSH_ID")
			}
			return 0, connError(ErrCodeFrameUnexpected, "PUSH_PROMISE from client")
		default:
			return 0, connError(ErrCodeFrameUnexpected, "frame not allowed on a request stream")
		}
	}
}

// end checks the body length at the end of the message.
func (b *bodyReader) end() error {
	if b.contentLength >= 0 && b.read != b.contentLength {
		return errMalformed("body shorter than content-length")
	}
	return io.EOF
}

func (b *bodyReader) readTrailers(h frameHeader) error {
	p, err := b.fr.readPayload(h, maxHeadersFrame(b.conn.cfg.maxFieldSectionSize))
	if err != nil {
		return err
	}
	fields, err := b.conn.decodeHeaders(b.ctx, b.str.StreamID(), p)
	if err != nil {
		return err
	}
	t, err := trailersFromFields(fields)
	if err != nil {
		return err
	}
	if *b.trailer == nil {
		*b.trailer = t
		return nil
	}
	for k, v := range t {
		(*b.trailer)[k] = v
	}
	return nil
}

// Close stops reading: an unfinished body asks the peer to stop sending,
// which also unblocks a Read in progress.
func (b *bodyReader) Close() error {
	if b.ended.Load() {
		return nil
	}
	code := ErrCodeNoError
	if b.isClient {
		code = ErrCodeRequestCancelled
	}
	b.str.CancelRead(uint64(code))
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.finish(errBodyClosed)
	}
	return nil
}

var errBodyClosed = errors.New("http3: read on closed body")

// maxHeadersFrame bounds a HEADERS frame given the field section limit:
// an encoded section is at most a few times larger than the decoded one.
func maxHeadersFrame(limit uint64) uint64 {
	return min(limit, 1<<24)*2 + 4096
}
