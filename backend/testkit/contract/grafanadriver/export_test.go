package grafanadriver

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
)

// Queued is how many publications s holds for Next, and whether it ended:
// what a spec needs to know that publications arrived before it reads them.
func Queued(s contract.Subscription) (int, bool) {
	return s.(*subscription).frames.Len()
}

// SetReadTimeout sets how long d's Centrifuge clients wait for a reply to a
// command (centrifuge-go's ReadTimeout, 5 s by default), so that a spec can
// make the waits only a context should end outlast its own generous bounds.
func SetReadTimeout(d *Driver, timeout time.Duration) { d.readTimeout = timeout }
