package mqtt_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
)

// refMatch is MQTT's matching rule written independently of the package,
// level by level, recursively: the specs and the fuzz target compare
// Matches with it.
func refMatch(filter, topic string) bool {
	if strings.HasPrefix(topic, "$") && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	return refLevels(strings.Split(filter, "/"), strings.Split(topic, "/"))
}

func refLevels(f, t []string) bool {
	switch {
	case len(f) == 0:
		return len(t) == 0
	case f[0] == "#":
		return true
	case len(t) == 0:
		// Only "#" (above) matches no level, and "x/#" matches "x".
		return len(f) == 1 && f[0] == "#"
	case f[0] == "+" || f[0] == t[0]:
		if len(f) == 2 && f[1] == "#" && len(t) == 1 {
			return true
		}
		return refLevels(f[1:], t[1:])
	}
	return false
}

var _ = Describe("Topic filters", func() {
	DescribeTable("ValidateFilter accepts MQTT's filters",
		func(filter string) {
			Expect(mqtt.ValidateFilter(filter)).To(Succeed())
		},
		Entry("a plain topic", "sensors/kitchen/temp"),
		Entry("one level", "a"),
		Entry("a single-level wildcard", "sensors/+/temp"),
		Entry("only +", "+"),
		Entry("a multi-level wildcard", "sensors/#"),
		Entry("only #", "#"),
		Entry("+ and #", "+/+/#"),
		Entry("empty levels", "a//b"),
		Entry("a leading /", "/a"),
		Entry("only /", "/"),
		Entry("a trailing /", "a/"),
		Entry("$SYS", "$SYS/broker/uptime"),
		Entry("spaces and non-ASCII", "Wohnzimmer/Temperatur °C/ü"),
		Entry("the longest", strings.Repeat("a", mqtt.MaxTopicBytes)),
	)

	DescribeTable("ValidateFilter refuses what MQTT forbids, naming the field topic",
		func(filter, reason string) {
			err := mqtt.ValidateFilter(filter)
			Expect(err).To(MatchError(streaming.ErrMalformed))
			Expect(err.Error()).To(HavePrefix("topic: "))
			Expect(err.Error()).To(ContainSubstring(reason))
			Expect(len(err.Error())).To(BeNumerically("<", 200))
		},
		Entry("empty", "", "at least one character"),
		Entry("# not last", "a/#/b", "'#' must be a whole level and the last one"),
		Entry("# inside a level", "a/b#", "'#' must be a whole level"),
		Entry("## ", "##", "'#' must be a whole level"),
		Entry("+ inside a level", "a/b+/c", "'+' must be a whole level"),
		Entry("++", "++", "'+' must be a whole level"),
		Entry("too long", strings.Repeat("a", mqtt.MaxTopicBytes+1), "at most 65535 bytes"),
		Entry("not UTF-8", "a/\xff", "valid UTF-8"),
		Entry("NUL", "a/\x00", "U+0000"),
	)

	DescribeTable("Matches",
		func(filter, topic string, want bool) {
			Expect(mqtt.Matches(filter, topic)).To(Equal(want))
			if mqtt.ValidateFilter(filter) == nil && !strings.ContainsAny(topic, "+#") && topic != "" {
				Expect(refMatch(filter, topic)).To(Equal(want), "the reference matcher")
			}
		},
		Entry(nil, "a/b", "a/b", true),
		Entry(nil, "a/b", "a/c", false),
		Entry(nil, "a/b", "a/b/c", false),
		Entry(nil, "a/b/c", "a/b", false),
		Entry(nil, "a/+", "a/b", true),
		Entry(nil, "a/+", "a/", true),
		Entry(nil, "a/+", "a", false),
		Entry(nil, "a/+", "a/b/c", false),
		Entry(nil, "+/+", "/", true),
		Entry(nil, "/+", "/finance", true),
		Entry(nil, "+", "/finance", false),
		Entry(nil, "+/b", "a/b", true),
		Entry(nil, "a/#", "a", true),
		Entry(nil, "a/#", "a/b/c", true),
		Entry(nil, "a/#", "a/", true),
		Entry(nil, "a/#", "ab", false),
		Entry(nil, "a/+/#", "a/b", true),
		Entry(nil, "a/+/#", "a", false),
		Entry(nil, "#", "a/b/c", true),
		Entry(nil, "#", "/", true),
		Entry(nil, "a//b", "a//b", true),
		Entry(nil, "a/+/b", "a//b", true),
		Entry("# does not match $ topics", "#", "$SYS/broker", false),
		Entry("+ does not match $ topics", "+/broker", "$SYS/broker", false),
		Entry("a literal $ level does", "$SYS/#", "$SYS/broker", true),
		Entry("$ only counts first", "a/+", "a/$x", true),
		Entry("an invalid filter matches nothing", "a/#/b", "a/x/b", false),
		Entry("a topic with a wildcard is no topic", "a/+", "a/+", false),
		Entry("an empty topic is no topic", "#", "", false),
		Entry("case matters", "A/b", "a/b", false),
	)

	DescribeTable("Covers: every topic filter matches, allowed matches",
		func(allowed, filter string, want bool) {
			Expect(mqtt.Covers(allowed, filter)).To(Equal(want))
		},
		Entry(nil, "#", "a/b", true),
		Entry(nil, "#", "#", true),
		Entry(nil, "#", "+/x", true),
		Entry(nil, "#", "$SYS/#", false),
		Entry(nil, "#", "$SYS/uptime", false),
		Entry(nil, "+/#", "$SYS/uptime", false),
		Entry(nil, "$SYS/#", "$SYS/broker/+", true),
		Entry(nil, "sensors/#", "sensors", true),
		Entry(nil, "sensors/#", "sensors/+/temp", true),
		Entry(nil, "sensors/#", "sensors/#", true),
		Entry(nil, "sensors/#", "sensorsx/a", false),
		Entry(nil, "sensors/+", "sensors/a", true),
		Entry(nil, "sensors/+", "sensors/+", true),
		Entry(nil, "sensors/+", "sensors/#", false),
		Entry(nil, "sensors/+", "sensors", false),
		Entry(nil, "sensors/+", "sensors/a/b", false),
		Entry(nil, "sensors/a", "sensors/+", false),
		Entry(nil, "sensors/+/temp", "sensors/kitchen/temp", true),
		Entry(nil, "sensors/+/temp", "sensors/+/+", false),
		Entry(nil, "a/+/#", "a/b", true),
		Entry(nil, "a/+/#", "a/#", false),
		Entry(nil, "a/+/#", "a/+/c/#", true),
		Entry(nil, "a/b", "a/b", true),
		Entry(nil, "a/b", "a/b/c", false),
		Entry(nil, "+", "a", true),
		Entry(nil, "+", "", false),
		Entry(nil, "a/#/b", "a/x/b", false),
		Entry(nil, "a/b", "a/#/b", false),
	)

	DescribeTable("Allowed",
		func(allowed []string, filter string, want bool) {
			Expect(mqtt.Allowed(allowed, filter)).To(Equal(want))
		},
		Entry("anything when the list is empty", nil, "a/#", true),
		Entry("but no invalid filter", nil, "a/#/b", false),
		Entry("a filter one entry covers", []string{"x/#", "sensors/+/temp"}, "sensors/kitchen/temp", true),
		Entry("a filter no entry covers", []string{"x/#", "sensors/+/temp"}, "sensors/#", false),
		Entry("not $SYS under #", []string{"#"}, "$SYS/#", false),
	)
})
