package testserver

import "time"

// Poll calls probe every interval until it succeeds, for a [Program]'s
// Ready. It gives up when exit is closed, with exited true, or when probe
// still fails timeout after the first call, with probe's last error.
func Poll(exit <-chan struct{}, timeout, interval time.Duration, probe func() error) (exited bool, err error) {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-exit:
			return true, nil
		default:
		}
		if err = probe(); err == nil || time.Now().After(deadline) {
			return false, err
		}
		time.Sleep(interval)
	}
}
