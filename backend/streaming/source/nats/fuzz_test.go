package nats_test

import (
	"strings"
	"testing"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
)

// concrete makes a subject that subject matches, filling its wildcards
// with tokens from fill: "*" takes one token, ">" one to three. An invalid
// subject gives fill.
func concrete(subject, fill string) string {
	tokens := strings.FieldsFunc(fill, func(r rune) bool { return !(r >= 'a' && r <= 'z') })
	if len(tokens) == 0 {
		tokens = []string{"x"}
	}
	next := func(i int) string { return tokens[i%len(tokens)] }
	var out []string
	for i, t := range strings.Split(subject, ".") {
		switch t {
		case "*":
			out = append(out, next(i))
		case ">":
			for j := range 1 + len(fill)%3 {
				out = append(out, next(i+j))
			}
		default:
			out = append(out, t)
		}
	}
	return strings.Join(out, ".")
}

// FuzzValidateSubject checks that the validator never panics, that what
// it accepts behaves as a subject (it covers itself, ">" covers it, it
// covers a concrete subject it matches), and that anything with white
// space, an empty token or a misplaced wildcard is refused.
func FuzzValidateSubject(f *testing.F) {
	for _, seed := range []string{"a", "a.b", "a.*.c", "a.>", ">", "*", "a..b", "a b", "a.>.b", "a*", "\xff", "", "$SYS.>"} {
		f.Add(seed, "fill.in")
	}
	f.Fuzz(func(t *testing.T, subject, fill string) {
		err := nats.ValidateSubject(subject)
		if err != nil {
			if nats.Covers(subject, subject) || nats.Allowed(nil, subject) {
				t.Fatalf("%q is refused (%v) yet covers itself or is allowed", subject, err)
			}
			return
		}
		if subject == "" || strings.ContainsAny(subject, " \t\r\n\x00") || strings.Contains(subject, "..") ||
			strings.HasPrefix(subject, ".") || strings.HasSuffix(subject, ".") {
			t.Fatalf("%q is accepted", subject)
		}
		if i := strings.Index(subject, ">"); i >= 0 && i != len(subject)-1 {
			t.Fatalf("%q is accepted with > not last", subject)
		}
		if !nats.Covers(subject, subject) {
			t.Fatalf("%q does not cover itself", subject)
		}
		if !nats.Covers(">", subject) {
			t.Fatalf("> does not cover %q", subject)
		}
		c := concrete(subject, fill)
		if nats.ValidateSubject(c) == nil {
			if nats.Wildcard(c) {
				t.Fatalf("concrete %q of %q has a wildcard", c, subject)
			}
			if !nats.Covers(subject, c) {
				t.Fatalf("%q does not cover its concrete subject %q", subject, c)
			}
		}
		if nats.Wildcard(subject) && nats.Covers(c, subject) && c != subject {
			t.Fatalf("concrete %q covers wildcard %q", c, subject)
		}
	})
}
