package grafanadriver

import "github.com/pulse-datasource/pulse/backend/plugin/contract"

// Queued is how many publications s holds for Next, and whether it ended:
// what a spec needs to know that publications arrived before it reads them.
func Queued(s contract.Subscription) (int, bool) {
	return s.(*subscription).frames.Len()
}
