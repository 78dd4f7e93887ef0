package mqtt

import (
	"strings"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// MaxTopicBytes is the longest topic name or filter MQTT allows: its
// strings carry a two-byte length.
const MaxTopicBytes = 65535

// ValidateFilter checks filter against MQTT's rules for topic filters: one
// to 65535 bytes of valid UTF-8 without U+0000, levels separated by "/",
// "+" only as a whole level, "#" only as the whole last level. Empty levels
// are allowed ("a//b", "/a"). The error is a *streaming.FieldError for the
// field "topic" (streaming.ErrMalformed) that quotes at most the filter's
// start.
func ValidateFilter(filter string) error {
	if reason := filterProblem(filter); reason != "" {
		return &streaming.FieldError{Field: "topic", Reason: reason, Kind: streaming.ErrMalformed}
	}
	return nil
}

// filterProblem says what is wrong with filter, or "" when it is a valid
// topic filter.
func filterProblem(filter string) string {
	if reason := stringProblem(filter, "topic filter"); reason != "" {
		return reason
	}
	last := strings.Count(filter, "/")
	level := 0
	for part := range strings.SplitSeq(filter, "/") {
		switch {
		case strings.Contains(part, "#") && (part != "#" || level != last):
			return "'#' must be a whole level and the last one, got " + streaming.Excerpt(filter)
		case strings.Contains(part, "+") && part != "+":
			return "'+' must be a whole level, got " + streaming.Excerpt(filter)
		}
		level++
	}
	return ""
}

// topicProblem says what is wrong with a topic name, or "" when it is a
// valid one: a filter's rules, and no wildcard at all.
func topicProblem(topic string) string {
	if reason := stringProblem(topic, "topic"); reason != "" {
		return reason
	}
	if strings.ContainsAny(topic, "+#") {
		return "a topic name holds no wildcard, got " + streaming.Excerpt(topic)
	}
	return ""
}

// stringProblem checks the rules MQTT sets for every topic string.
func stringProblem(s, what string) string {
	switch {
	case s == "":
		return "a " + what + " is at least one character"
	case len(s) > MaxTopicBytes:
		return "a " + what + " is at most 65535 bytes, got " + streaming.Excerpt(s)
	case !utf8.ValidString(s):
		return "a " + what + " is valid UTF-8, got " + streaming.Excerpt(s)
	case strings.IndexByte(s, 0) >= 0:
		return "a " + what + " holds no U+0000, got " + streaming.Excerpt(s)
	}
	return ""
}

// Matches reports whether a message published to topic reaches a
// subscription to filter: "+" matches exactly one level (an empty one
// too), "#" matches its parent level and any number of levels below it
// ("a/#" matches "a", "a/b" and "a/b/c"), and a topic that starts with "$"
// is matched only by a filter whose first level is not a wildcard ("#"
// does not match "$SYS/broker/uptime"). An invalid filter or topic name
// matches nothing.
func Matches(filter, topic string) bool {
	return filterProblem(filter) == "" && topicProblem(topic) == "" && match(filter, topic)
}

// match is Matches for a valid filter and topic name.
func match(filter, topic string) bool {
	if strings.HasPrefix(topic, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	for {
		f, fRest, fMore := strings.Cut(filter, "/")
		if f == "#" {
			return true
		}
		t, tRest, tMore := strings.Cut(topic, "/")
		if f != "+" && f != t {
			return false
		}
		switch {
		case fMore && tMore:
			filter, topic = fRest, tRest
		case !fMore && !tMore:
			return true
		case fMore:
			// The topic ended: only a last "#" matches its parent level.
			return fRest == "#"
		default:
			return false
		}
	}
}

// Covers reports whether allowed matches every topic that filter can
// match, so that a subscription to filter receives nothing allowed does
// not. Both must be valid filters; otherwise Covers is false. For example
// "sensors/#" covers "sensors/+/temp" and "sensors", "sensors/+" covers
// "sensors/a" but not "sensors/#", and "#" does not cover "$SYS/#".
func Covers(allowed, filter string) bool {
	if filterProblem(allowed) != "" || filterProblem(filter) != "" {
		return false
	}
	// A wildcard first level never matches a topic starting with "$", and
	// only a filter whose first level starts with "$" can match one.
	if (strings.HasPrefix(allowed, "+") || strings.HasPrefix(allowed, "#")) && strings.HasPrefix(filter, "$") {
		return false
	}
	for {
		a, aRest, aMore := strings.Cut(allowed, "/")
		if a == "#" {
			return true
		}
		f, fRest, fMore := strings.Cut(filter, "/")
		switch {
		case f == "#":
			// filter matches any depth from here on; only "#" does too.
			return false
		case f == "+" && a != "+":
			return false
		case f != "+" && a != "+" && a != f:
			return false
		}
		switch {
		case aMore && fMore:
			allowed, filter = aRest, fRest
		case !aMore && !fMore:
			return true
		case aMore:
			// Every topic filter matches ends here: allowed must match
			// its parent level with a last "#".
			return aRest == "#"
		default:
			return false
		}
	}
}

// Allowed reports whether a data source whose allowedTopics setting lists
// allowedTopics may subscribe to filter: filter is valid, and the list is
// empty (anything is allowed) or one of its filters covers filter.
func Allowed(allowedTopics []string, filter string) bool {
	if filterProblem(filter) != "" {
		return false
	}
	if len(allowedTopics) == 0 {
		return true
	}
	for _, a := range allowedTopics {
		if Covers(a, filter) {
			return true
		}
	}
	return false
}

// CheckFilter says whether a data source with these settings may subscribe
// to filter: nil when it may; a *streaming.FieldError for "topic" wrapping
// streaming.ErrMalformed when filter is not a topic filter Pulse
// subscribes to (ValidateFilter's rules; no shared subscription, "$share/…",
// which would split the messages among subscribers), or wrapping
// ErrNotAllowed when allowedTopics does not cover it.
func (s Settings) CheckFilter(filter string) error {
	if err := ValidateFilter(filter); err != nil {
		return err
	}
	if strings.HasPrefix(filter, "$share/") {
		return &streaming.FieldError{Field: "topic", Reason: "shared subscriptions ($share/…) are not supported: they split the messages among subscribers, and a panel needs every one", Kind: streaming.ErrMalformed}
	}
	if !Allowed(s.AllowedTopics, filter) {
		return &streaming.FieldError{Field: "topic", Reason: streaming.Excerpt(filter) + " is not covered by this data source's allowedTopics", Kind: ErrNotAllowed}
	}
	return nil
}
