package quic

import (
	"os"
	"sync"
	"time"
)

// deadline is a settable point in time whose passing closes a channel, so
// blocked calls can select on it (the net.Conn deadline semantics).
type deadline struct {
	mu    sync.Mutex
	timer *time.Timer
	done  chan struct{}
}

// set moves the deadline; the zero time means none.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.done == nil {
		d.done = make(chan struct{})
	}
	select {
	case <-d.done:
		d.done = make(chan struct{}) // reopen after an expired deadline
	default:
	}
	if t.IsZero() {
		return
	}
	if dur := time.Until(t); dur <= 0 {
		close(d.done)
	} else {
		done := d.done
		d.timer = time.AfterFunc(dur, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if d.done == done {
				select {
				case <-done:
				default:
					close(done)
				}
			}
		})
	}
}

// wait returns a channel closed once the deadline passed.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done == nil {
		d.done = make(chan struct{})
	}
	return d.done
}

// stop releases the timer.
func (d *deadline) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}

// errDeadline is os.ErrDeadlineExceeded: a net.Error whose Timeout is true.
var errDeadline = os.ErrDeadlineExceeded
