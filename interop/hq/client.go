package hq

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/quicr/quicr/quic"
)

// Get fetches path over conn into w and returns the number of bytes
// written. It opens a new stream with OpenStreamSync, so it waits while
// the server's stream limit is reached; many Gets may run concurrently on
// one connection. When ctx is done the stream is cancelled.
func Get(ctx context.Context, conn *quic.Conn, path string, w io.Writer) (int64, error) {
	str, err := conn.OpenStreamSync(ctx)
	if err != nil {
		return 0, fmt.Errorf("hq: opening a stream for %s: %w", path, err)
	}
	// A done ctx unblocks Read and Write through their deadlines.
	stop := context.AfterFunc(ctx, func() { str.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := str.Write(AppendRequest(nil, path)); err != nil {
		str.CancelRead(0)
		return 0, requestErr(ctx, path, err)
	}
	str.SendStream.Close()
	n, err := io.Copy(w, &str.RecvStream)
	if err != nil {
		str.CancelRead(0)
		return n, requestErr(ctx, path, err)
	}
	return n, nil
}

func requestErr(ctx context.Context, path string, err error) error {
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return fmt.Errorf("hq: GET %s: %w", path, err)
}
