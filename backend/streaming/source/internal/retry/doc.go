// Package retry holds what the push sources' reconnect loops share: the
// exponential backoff with jitter between attempts (Backoff), and a wait
// that the connection's context cuts short (Sleep).
package retry
