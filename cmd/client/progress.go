package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress is a progress bar of the bytes received so far. HTTP/0.9 has no
// lengths, so it counts up without a total.
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a progress bar on w if w is a terminal and quiet is
// off, else nil.
func newProgress(w io.Writer, quiet bool) *progress {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progress{bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("downloading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// Write counts p's bytes.
func (p *progress) Write(b []byte) (int, error) {
	p.bar.Add(len(b))
	return len(b), nil
}

// finish removes the bar; a nil progress does nothing.
func (p *progress) finish() {
	if p != nil {
		p.bar.Finish()
	}
}
