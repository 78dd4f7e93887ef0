package web_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

var _ = Describe("Settings.CheckPath", func() {
	settings := func(allowed ...string) web.Settings {
		return web.Settings{URL: mustURL("https://h.example.test/api?key=abc"), AllowedTopics: allowed}
	}

	It("allows any path that resolves when allowedTopics is empty", func() {
		Expect(settings().CheckPath("anything/at/all?x=1")).To(Succeed())
		Expect(settings().CheckPath("")).To(Succeed())
	})

	DescribeTable("matches entries exactly, or as a prefix when they end with *",
		func(entry, path string, allowed bool) {
			err := settings(entry).CheckPath(path)
			if allowed {
				Expect(err).NotTo(HaveOccurred())
				return
			}
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "%v", err)
			Expect(fe.Field).To(Equal("path"))
			Expect(errors.Is(err, web.ErrNotAllowed)).To(BeTrue())
			Expect(errors.Is(err, streaming.ErrMalformed)).To(BeFalse(), "not allowed is not malformed")
			Expect(errors.Is(err, streaming.ErrOutOfBounds)).To(BeTrue())
		},
		Entry("exact", "events", "events", true),
		Entry("exact, with a slash in the path", "events", "/events", true),
		Entry("exact, with a slash in the entry", "/events", "events", true),
		Entry("exact does not cover deeper paths", "events", "events/live", false),
		Entry("exact does not cover a query string", "events", "events?since=1", false),
		Entry("exact with its query string", "events?since=1", "events?since=1", true),
		Entry("a prefix", "events/*", "events/live", true),
		Entry("a prefix covers a query string", "events/*", "events/live?x=1", true),
		Entry("a prefix without its slash", "events/*", "events", false),
		Entry("a bare prefix", "events*", "events?x=1", true),
		Entry("* alone covers everything", "*", "other/path?q=1", true),
		Entry("* alone covers the base", "*", "", true),
		Entry("dot segments are resolved first", "public/*", "public/../admin", false),
		Entry("dot segments within", "public/*", "public/a/../b", true),
		Entry("escaped as sent", "a%20b", "a b", true),
		Entry("another path", "events/*", "admin", false),
	)

	It("keeps Resolve's error, which wraps ErrMalformed, for a path that leaves the base", func() {
		err := settings("*").CheckPath("//other.example.test/x")
		Expect(err).To(MatchError(streaming.ErrMalformed))
		Expect(errors.Is(err, web.ErrNotAllowed)).To(BeFalse())
	})

	It("says which path was refused and how it read", func() {
		err := settings("public/*").CheckPath("public/../admin")
		Expect(err).To(MatchError(ContainSubstring(`"public/../admin" (read as "admin")`)))
	})
})
