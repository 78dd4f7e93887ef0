package neterr

import "time"

// Round is d as a message shows it: whole seconds from a second on,
// milliseconds below.
func Round(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
