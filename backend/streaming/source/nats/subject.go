package nats

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// MaxSubjectBytes is the longest subject Pulse subscribes to. NATS itself
// bounds a subject only by its protocol line (4 KiB by default); a
// subject also travels in a Grafana channel path, which is far shorter.
const MaxSubjectBytes = 1024

// ValidateSubject checks subject against NATS's rules for the subjects a
// client may subscribe to: tokens separated by ".", none of them empty,
// no white space or control character anywhere, "*" and ">" only as whole
// tokens, ">" only as the last one; valid UTF-8 of at most
// MaxSubjectBytes bytes. The error is a *streaming.FieldError for the
// field "subject" (streaming.ErrMalformed) that quotes at most the
// subject's start.
func ValidateSubject(subject string) error {
	if reason := subjectProblem(subject); reason != "" {
		return &streaming.FieldError{Field: "subject", Reason: reason, Kind: streaming.ErrMalformed}
	}
	return nil
}

// subjectProblem says what keeps subject from being a subject to
// subscribe to, or "".
func subjectProblem(subject string) string {
	switch {
	case subject == "":
		return "a subject is at least one character"
	case len(subject) > MaxSubjectBytes:
		return fmt.Sprintf("a subject is at most %d bytes, got %d bytes", MaxSubjectBytes, len(subject))
	case !utf8.ValidString(subject):
		return "a subject is valid UTF-8, got " + streaming.Excerpt(subject)
	}
	for _, r := range subject {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "a subject holds no white space or control character, got " + streaming.Excerpt(subject)
		}
	}
	tokens := strings.Split(subject, ".")
	for i, t := range tokens {
		switch {
		case t == "":
			return "a subject's tokens (between the dots) are never empty, got " + streaming.Excerpt(subject)
		case t == ">" && i != len(tokens)-1:
			return "'>' is only the last token, got " + streaming.Excerpt(subject)
		case len(t) > 1 && strings.ContainsAny(t, "*>"):
			return "'*' and '>' are only whole tokens, got " + streaming.Excerpt(subject)
		}
	}
	return ""
}

// Wildcard reports whether subject has a "*" or ">" token, and so may
// match more than one concrete subject.
func Wildcard(subject string) bool {
	for t := range strings.SplitSeq(subject, ".") {
		if t == "*" || t == ">" {
			return true
		}
	}
	return false
}

// Covers reports whether pattern matches every subject that subject can
// match, "*" standing for one token and ">" for one or more trailing
// tokens: "sensors.>" covers "sensors.*.temp" and "sensors.a", "sensors.*"
// covers "sensors.a" but neither "sensors.>" nor "sensors", and a literal
// subject covers only itself. Both must be valid subjects; otherwise
// Covers is false.
func Covers(pattern, subject string) bool {
	if subjectProblem(pattern) != "" || subjectProblem(subject) != "" {
		return false
	}
	return covers(strings.Split(pattern, "."), strings.Split(subject, "."))
}

// covers is Covers for valid subjects split into tokens.
func covers(p, s []string) bool {
	for i := 0; ; i++ {
		switch {
		case i == len(p):
			return i == len(s)
		case p[i] == ">":
			// Matches one or more tokens: whatever s holds from here on,
			// as long as it holds a token.
			return i < len(s)
		case i == len(s):
			return false
		case s[i] == ">":
			return false
		case s[i] == "*" && p[i] != "*":
			return false
		case p[i] != "*" && p[i] != s[i]:
			return false
		}
	}
}

// Allowed reports whether a data source whose allowedTopics setting lists
// patterns may subscribe to subject: subject is valid, and the list is
// empty (anything is allowed) or one of its patterns covers subject.
func Allowed(patterns []string, subject string) bool {
	if subjectProblem(subject) != "" {
		return false
	}
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if Covers(p, subject) {
			return true
		}
	}
	return false
}

// CheckSubject says whether a data source with these settings may
// subscribe to subject: nil when it may; a *streaming.FieldError for
// "subject" wrapping streaming.ErrMalformed when subject is not a valid
// subject (ValidateSubject), or wrapping ErrNotAllowed when allowedTopics
// does not cover it.
func (s Settings) CheckSubject(subject string) error {
	if err := ValidateSubject(subject); err != nil {
		return err
	}
	if !Allowed(s.AllowedTopics, subject) {
		return &streaming.FieldError{Field: "subject", Reason: streaming.Excerpt(subject) + " is not covered by this data source's allowedTopics", Kind: ErrNotAllowed}
	}
	return nil
}
