package streaming

import (
	"strconv"
	"unicode/utf8"
)

// MaxExcerpt is how many bytes of a viewer's input (a channel path, a
// field's JSON) an error message or a log line quotes at most.
const MaxExcerpt = 64

// Excerpt quotes s for an error message or a log line: whole when it is
// short, otherwise its first bytes and its length, so that a huge path or
// value cannot flood the logs.
func Excerpt(s string) string {
	head, cut := excerptHead(s)
	if !cut {
		return strconv.Quote(s)
	}
	return strconv.Quote(head) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// clip is Excerpt without quotes, for JSON values, which carry their own.
func clip(s string) string {
	head, cut := excerptHead(s)
	if !cut {
		return s
	}
	return head + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// excerptHead is the start of s that an excerpt keeps, and whether it is
// shorter than s.
func excerptHead(s string) (string, bool) {
	if len(s) <= MaxExcerpt {
		return s, false
	}
	cut := MaxExcerpt - 16
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], true
}

// FormatNumber writes a number as a person reads it in a message: plain
// decimal digits, never an exponent (3600000, 0.001, -1000000000).
func FormatNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
