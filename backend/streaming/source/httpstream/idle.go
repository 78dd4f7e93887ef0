package httpstream

import (
	"io"
	"sync/atomic"
	"time"
)

// idleWatch reads a response body and calls stop when no byte came for
// its timeout: a server that hangs without closing the connection would
// otherwise hold a stream for ever (TCP keep-alive notices a dead peer,
// not a silent one).
type idleWatch struct {
	r     io.Reader
	d     time.Duration
	t     *time.Timer
	fired atomic.Bool
}

// watchIdle starts watching r; stop ends the request.
func watchIdle(r io.Reader, d time.Duration, stop func()) *idleWatch {
	w := &idleWatch{r: r, d: d}
	w.t = time.AfterFunc(d, func() {
		w.fired.Store(true)
		stop()
	})
	return w
}

// Read reads from the body, and starts the timeout anew when bytes came.
func (w *idleWatch) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		w.t.Reset(w.d)
	}
	return n, err
}

// close stops the watch, and reports whether the timeout ended the body.
func (w *idleWatch) close() bool {
	w.t.Stop()
	return w.fired.Load()
}
