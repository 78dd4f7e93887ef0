// Package neterr holds what the push sources share to put a failed
// connection into words: which kind of network failure an error is
// (IsTimeout, ClosedEarly), a duration as a message shows it (Round), and
// an error's text with no secret in it (Detail).
package neterr
