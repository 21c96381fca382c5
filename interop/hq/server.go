package hq

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/quicr/quicr/quic"
)

// Stream error codes the server resets a stream with.
const (
	// CodeBadRequest: the request was not "GET /<path>", was too long or
	// asked for a path outside the root. quic-go's HTTP/0.9 server uses
	// the same code.
	CodeBadRequest quic.StreamErrorCode = 42
	// CodeNotFound: the file does not exist or is not a regular file.
	CodeNotFound quic.StreamErrorCode = 0x10
	// CodeInternalError: the file could not be read to the end.
	CodeInternalError quic.StreamErrorCode = 0x11
)

// copyBufferSize is the largest buffer a response is copied through.
const copyBufferSize = 64 << 10

// Server serves the files under Root over HTTP/0.9.
type Server struct {
	// Root is the directory served. Requests cannot leave it, neither with
	// ".." nor through symbolic links (os.Root).
	Root string
	// Logf, if set, is called for each failed request.
	Logf func(format string, args ...any)
}

// ServeConn answers the requests on conn until the connection ends or ctx
// is done (then it closes conn), one goroutine per stream. It returns once
// every request goroutine has finished: nil after an orderly close with
// code 0 or when ctx is done, else the error that ended the connection.
func (s *Server) ServeConn(ctx context.Context, conn *quic.Conn) error {
	root, err := os.OpenRoot(s.Root)
	if err != nil {
		conn.CloseWithError(0x101, "server misconfigured")
		return err
	}
	defer root.Close()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		str, err := conn.AcceptStream(ctx)
		if err != nil {
			if ctx.Err() != nil {
				conn.CloseWithError(0, "")
				return nil
			}
			var ae *quic.ApplicationError
			if errors.As(err, &ae) && ae.Code == 0 {
				return nil // an orderly close, by either side
			}
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.serveStream(root, str)
		}()
	}
}

// serveStream answers one request.
func (s *Server) serveStream(root *os.Root, str *quic.Stream) {
	req, err := str.ReadToEnd(MaxRequestSize)
	if err != nil {
		str.CancelWrite(CodeBadRequest)
		s.logf("stream %d: reading request: %v", str.StreamID(), err)
		return
	}
	name, err := ParseRequest(req)
	if err != nil {
		str.CancelWrite(CodeBadRequest)
		s.logf("stream %d: %v", str.StreamID(), err)
		return
	}
	f, err := root.Open(name)
	if err != nil {
		str.CancelWrite(CodeNotFound)
		s.logf("stream %d: %v", str.StreamID(), err)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		str.CancelWrite(CodeNotFound)
		s.logf("stream %d: %s is not a regular file", str.StreamID(), name)
		return
	}
	buf := make([]byte, min(max(fi.Size(), 1), copyBufferSize))
	// Hide File.WriteTo so that the copy goes through buf.
	if _, err := io.CopyBuffer(&str.SendStream, struct{ io.Reader }{f}, buf); err != nil {
		str.CancelWrite(CodeInternalError)
		s.logf("stream %d: sending %s: %v", str.StreamID(), name, err)
		return
	}
	str.SendStream.Close()
}

func (s *Server) logf(format string, args ...any) {
	if s.Logf != nil {
		s.Logf(format, args...)
	}
}
