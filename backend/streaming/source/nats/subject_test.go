package nats_test

import (
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
)

var _ = Describe("Subjects", func() {
	DescribeTable("ValidateSubject",
		func(subject string, valid bool, wildcard bool) {
			err := nats.ValidateSubject(subject)
			if valid {
				Expect(err).NotTo(HaveOccurred())
				Expect(nats.Wildcard(subject)).To(Equal(wildcard))
				return
			}
			Expect(errors.Is(err, streaming.ErrMalformed)).To(BeTrue(), "%v", err)
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(fe.Field).To(Equal("subject"))
		},
		Entry("a token", "a", true, false),
		Entry("tokens", "sensors.kitchen.temp", true, false),
		Entry("a star", "sensors.*.temp", true, true),
		Entry("a last full wildcard", "sensors.>", true, true),
		Entry("only >", ">", true, true),
		Entry("only *", "*", true, true),
		Entry("$ subjects", "$SYS.ACCOUNT.>", true, true),
		Entry("unicode", "capteurs.température", true, false),
		Entry("empty", "", false, false),
		Entry("an empty token", "a..b", false, false),
		Entry("a leading dot", ".a", false, false),
		Entry("a trailing dot", "a.", false, false),
		Entry("a space", "a b", false, false),
		Entry("a tab", "a\tb", false, false),
		Entry("a newline", "a\nb", false, false),
		Entry("NUL", "a\x00b", false, false),
		Entry("DEL", "a\x7fb", false, false),
		Entry("> not last", "a.>.b", false, false),
		Entry("a partial star", "a.b*", false, false),
		Entry("a partial full wildcard", "a.>b", false, false),
		Entry("invalid UTF-8", "a.\xff", false, false),
		Entry("too long", strings.Repeat("a", nats.MaxSubjectBytes+1), false, false),
		Entry("the longest", strings.Repeat("a", nats.MaxSubjectBytes), true, false),
	)

	DescribeTable("Covers",
		func(pattern, subject string, covers bool) {
			Expect(nats.Covers(pattern, subject)).To(Equal(covers))
		},
		Entry("itself", "a.b", "a.b", true),
		Entry("another literal", "a.b", "a.c", false),
		Entry("> covers deeper subjects", "a.>", "a.b.c", true),
		Entry("> covers a star", "a.>", "a.*", true),
		Entry("> covers >", "a.>", "a.>", true),
		Entry("> covers a deeper >", "a.>", "a.b.>", true),
		Entry("> needs a token", "a.>", "a", false),
		Entry("> alone covers all", ">", "x.*.>", true),
		Entry("* covers a literal", "a.*", "a.b", true),
		Entry("* covers *", "a.*", "a.*", true),
		Entry("* does not cover >", "a.*", "a.>", false),
		Entry("* is one token", "a.*", "a.b.c", false),
		Entry("a literal does not cover *", "a.b", "a.*", false),
		Entry("a literal does not cover >", "a.b", "a.>", false),
		Entry("shorter pattern", "a", "a.b", false),
		Entry("longer pattern", "a.b.c", "a.b", false),
		Entry("middle star", "a.*.c", "a.x.c", true),
		Entry("middle star, other last", "a.*.c", "a.x.d", false),
		Entry("invalid pattern", "a..b", "a.b", false),
		Entry("invalid subject", "a.>", "a..b", false),
	)

	It("allows every valid subject when allowedTopics is empty, and only covered ones otherwise", func() {
		Expect(nats.Allowed(nil, "a.b")).To(BeTrue())
		Expect(nats.Allowed(nil, "a..b")).To(BeFalse())
		allowed := []string{"sensors.>", "alerts.*"}
		Expect(nats.Allowed(allowed, "sensors.a.*")).To(BeTrue())
		Expect(nats.Allowed(allowed, "alerts.fire")).To(BeTrue())
		Expect(nats.Allowed(allowed, "alerts.>")).To(BeFalse())
		Expect(nats.Allowed(allowed, ">")).To(BeFalse())
	})

	It("checks a query's subject: malformed, or not allowed, as field errors of subject", func() {
		s := nats.Settings{URL: "nats://x", AllowedTopics: []string{"ok.>"}}
		Expect(s.CheckSubject("ok.a")).To(Succeed())
		err := s.CheckSubject("ok.a b")
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeTrue())
		err = s.CheckSubject("other")
		Expect(errors.Is(err, nats.ErrNotAllowed)).To(BeTrue())
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeFalse())
		var fe *streaming.FieldError
		Expect(errors.As(err, &fe)).To(BeTrue())
		Expect(fe.Field).To(Equal("subject"))
	})
})
