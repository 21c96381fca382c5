package fakequic

import (
	"io"
	"os"
	"sync"
	"time"
)

// pipe is one direction of a stream: bytes, FIN and resets, with the
// receiver's STOP_SENDING flowing back. Writers block while buf holds limit
// bytes, standing in for flow control.
type pipe struct {
	conn  *connState
	limit int

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every state change
	buf      []byte
	fin      bool
	finRead  bool
	reset    bool // sender reset; resetCode applies
	stopped  bool // receiver stopped reading; stopCode applies
	code     uint64
	rdl, wdl time.Time
	onDone   func() // both ends finished: stream credit returns
	doneSent bool
	onEnd    func() // sending half ended
	endSent  bool
}

func newPipe(c *connState, limit int, onDone func()) *pipe {
	return &pipe{conn: c, limit: limit, changed: make(chan struct{}), onDone: onDone}
}

// signal wakes waiters; p.mu is held.
func (p *pipe) signal() {
	close(p.changed)
	p.changed = make(chan struct{})
	if !p.endSent && (p.fin || p.reset || p.stopped) {
		p.endSent = true
		if p.onEnd != nil {
			p.onEnd()
		}
	}
	if !p.doneSent && (p.reset || p.stopped || p.finRead) {
		p.doneSent = true
		if p.onDone != nil {
			go p.onDone()
		}
	}
}

// wait blocks until the state changes, the connection closes or the
// deadline passes; p.mu is held on entry and exit.
func (p *pipe) wait(deadline time.Time) error {
	ch := p.changed
	var timer <-chan time.Time
	if !deadline.IsZero() {
		d := time.Until(deadline)
		if d <= 0 {
			return os.ErrDeadlineExceeded
		}
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	p.mu.Unlock()
	defer p.mu.Lock()
	select {
	case <-ch:
		return nil
	case <-p.conn.ctx.Done():
		return nil
	case <-timer:
		return os.ErrDeadlineExceeded
	}
}

func (p *pipe) read(b []byte, self side) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		switch {
		case p.stopped:
			return 0, &StreamError{Code: p.code}
		case p.reset:
			return 0, &StreamError{Code: p.code, Remote: true}
		case len(p.buf) > 0:
			n := copy(b, p.buf)
			p.buf = p.buf[n:]
			if len(p.buf) == 0 {
				p.buf = nil
			}
			p.signal()
			return n, nil
		case p.fin:
			if !p.finRead {
				p.finRead = true
				p.signal()
			}
			return 0, io.EOF
		}
		if err := p.conn.err(self); err != nil {
			return 0, err
		}
		if err := p.wait(p.rdl); err != nil {
			return 0, err
		}
	}
}

func (p *pipe) write(b []byte, self side) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for {
		switch {
		case p.reset:
			return n, &StreamError{Code: p.code}
		case p.stopped:
			return n, &StreamError{Code: p.code, Remote: true}
		case p.fin:
			return n, errWriteAfterClose
		}
		if err := p.conn.err(self); err != nil {
			return n, err
		}
		if len(b) == 0 {
			return n, nil
		}
		if room := p.limit - len(p.buf); room > 0 {
			m := min(room, len(b))
			p.buf = append(p.buf, b[:m]...)
			b = b[m:]
			n += m
			p.signal()
			continue
		}
		if err := p.wait(p.wdl); err != nil {
			return n, err
		}
	}
}

// closeWrite sends FIN.
func (p *pipe) closeWrite() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reset || p.stopped {
		return nil
	}
	p.fin = true
	p.signal()
	return nil
}

// cancelWrite resets the pipe (RESET_STREAM); data not yet read is lost.
func (p *pipe) cancelWrite(code uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reset || p.stopped || p.finRead {
		return
	}
	p.reset, p.code, p.buf = true, code, nil
	p.signal()
}

// cancelRead stops the pipe (STOP_SENDING); the writer sees a reset.
func (p *pipe) cancelRead(code uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.reset || p.stopped || p.finRead {
		return
	}
	p.stopped, p.code, p.buf = true, code, nil
	p.signal()
}

// sendDone reports whether the sending half ended.
func (p *pipe) sendDone() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fin || p.reset || p.stopped
}

func (p *pipe) setReadDeadline(t time.Time) {
	p.mu.Lock()
	p.rdl = t
	p.signal()
	p.mu.Unlock()
}

func (p *pipe) setWriteDeadline(t time.Time) {
	p.mu.Lock()
	p.wdl = t
	p.signal()
	p.mu.Unlock()
}
