package mqtt_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
)

// instantiate makes a topic that filter matches, filling its wildcards
// with levels from fill: each "+" takes one level, a "#" none, one or
// several (as fill's next level says). An invalid filter gives fill.
func instantiate(filter, fill string) string {
	levels := strings.Split(fill, "/")
	next := func(i int) string { return levels[i%len(levels)] }
	var out []string
	for i, f := range strings.Split(filter, "/") {
		switch f {
		case "+":
			out = append(out, strings.NewReplacer("+", "", "#", "").Replace(next(i)))
		case "#":
			n := len(next(i)) % 3
			if n == 0 && len(out) == 0 {
				n = 1 // a topic has a level at least
			}
			for j := range n {
				out = append(out, strings.NewReplacer("+", "", "#", "").Replace(next(i+j+1)))
			}
		default:
			out = append(out, f)
		}
	}
	return strings.Join(out, "/")
}

// generalize makes a filter that covers filter: levels chosen by shape
// become "+", and from one chosen level on everything becomes "#".
func generalize(filter, shape string) string {
	levels := strings.Split(filter, "/")
	for i := range levels {
		c := byte(i)
		if len(shape) > 0 {
			c = shape[i%len(shape)]
		}
		switch {
		case levels[i] == "#":
		case c%5 == 0:
			return strings.Join(append(levels[:i:i], "#"), "/")
		case c%3 == 0:
			levels[i] = "+"
		}
	}
	return strings.Join(levels, "/")
}

// FuzzFilter checks the topic filter rules on filters and topics the
// fuzzer makes up: nothing panics; Matches agrees with the reference
// matcher; a filter matches the topics made from it; and Covers is sound:
// Covers(a, b) && Matches(b, t) ⇒ Matches(a, t), for topics made from b
// (which b matches) and the fuzzer's own. `go test -fuzz FuzzFilter
// ./mqtt/` explores beyond the seeds, which every go test runs.
func FuzzFilter(f *testing.F) {
	seeds := [][3]string{
		{"#", "a/b", "x/y"}, {"a/#", "a/+/c", "q/r/s"}, {"+/+", "/", ""}, {"$SYS/#", "$SYS/+", "broker"},
		{"#", "$SYS/#", "uptime"}, {"a/+/#", "a/b", "z"}, {"sensors/+", "sensors/#", "a/b/c"}, {"", "a", "a"},
		{"a//b", "+/+/+", "x//y"}, {"a/#/b", "a/b", "c"}, {"+", "+", "$x"}, {"\xff", "a/\x00", "\xfe"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, fill string) {
		for _, filter := range []string{a, b} {
			valid := mqtt.ValidateFilter(filter) == nil
			if valid != (filter != "" && len(filter) <= mqtt.MaxTopicBytes && utf8.ValidString(filter) && !strings.Contains(filter, "\x00") && wildcardsWhole(filter)) {
				t.Fatalf("ValidateFilter(%q) = %v", filter, mqtt.ValidateFilter(filter))
			}
			if valid && !mqtt.Covers(filter, filter) {
				t.Fatalf("%q does not cover itself", filter)
			}
			if !valid && (mqtt.Covers(filter, "a") || mqtt.Allowed(nil, filter)) {
				t.Fatalf("the invalid filter %q covers or is allowed", filter)
			}
		}
		if mqtt.ValidateFilter(b) == nil {
			// A generalization covers b, save where the "$" rule forbids.
			g := generalize(b, fill)
			dollar := strings.HasPrefix(b, "$") && (strings.HasPrefix(g, "+") || strings.HasPrefix(g, "#"))
			if mqtt.Covers(g, b) == dollar {
				t.Fatalf("Covers(%q, %q) = %v", g, b, !dollar)
			}
			for _, topic := range []string{instantiate(b, fill), instantiate(b, a)} {
				if mqtt.Matches(b, topic) && !mqtt.Matches(g, topic) && !dollar {
					t.Fatalf("%q covers %q, which matches %q, but does not match it", g, b, topic)
				}
			}
		}
		topics := []string{fill, instantiate(b, fill), instantiate(b, a), instantiate(a, fill)}
		for _, topic := range topics {
			validTopic := topic != "" && len(topic) <= mqtt.MaxTopicBytes && utf8.ValidString(topic) && !strings.ContainsAny(topic, "+#\x00")
			for _, filter := range []string{a, b} {
				got := mqtt.Matches(filter, topic)
				want := validTopic && mqtt.ValidateFilter(filter) == nil && refMatch(filter, topic)
				if got != want {
					t.Fatalf("Matches(%q, %q) = %v, the reference says %v", filter, topic, got, want)
				}
			}
			if mqtt.Covers(a, b) && mqtt.Matches(b, topic) && !mqtt.Matches(a, topic) {
				t.Fatalf("Covers(%q, %q) but %q matches only the latter", a, b, topic)
			}
		}
		if made := instantiate(b, fill); mqtt.ValidateFilter(b) == nil && mqtt.Matches(b, made) != (!strings.HasPrefix(made, "$") || !strings.HasPrefix(b, "+") && !strings.HasPrefix(b, "#")) && utf8.ValidString(made) && !strings.Contains(made, "\x00") && len(made) <= mqtt.MaxTopicBytes && made != "" {
			t.Fatalf("%q does not match %q, made from it", b, made)
		}
	})
}

// wildcardsWhole reports whether every "+" and "#" of filter is a whole
// level, and "#" only the last.
func wildcardsWhole(filter string) bool {
	levels := strings.Split(filter, "/")
	for i, l := range levels {
		if strings.Contains(l, "+") && l != "+" {
			return false
		}
		if strings.Contains(l, "#") && (l != "#" || i != len(levels)-1) {
			return false
		}
	}
	return true
}
