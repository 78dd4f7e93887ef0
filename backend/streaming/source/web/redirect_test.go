package web_test

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

var _ = Describe("Settings.CheckRedirect", func() {
	settings := func(allowed ...string) web.Settings {
		return web.Settings{URL: mustURL("https://h.example.test/api?key=abc"), AllowedTopics: allowed}
	}

	DescribeTable("follows a redirect only to a path a query could name",
		func(allowed []string, location string, ok bool, reason string) {
			err := settings(allowed...).CheckRedirect(mustURL(location))
			if ok {
				Expect(err).NotTo(HaveOccurred())
				return
			}
			Expect(err).To(MatchError(ContainSubstring(reason)))
			Expect(err.Error()).NotTo(ContainSubstring("abc"), "the query string may hold a key")
		},
		Entry("under the base path", nil, "https://h.example.test/api/live/a?key=abc", true, ""),
		Entry("the base path itself", nil, "https://h.example.test/api", true, ""),
		Entry("the default port spelled out", nil, "https://h.example.test:443/api/x", true, ""),
		Entry("another scheme", nil, "http://h.example.test/api/x", false, "another scheme, host or port"),
		Entry("another port", nil, "https://h.example.test:8443/api/x", false, "another scheme, host or port"),
		Entry("another host", nil, "https://evil.example.test/api/x", false, "another scheme, host or port"),
		Entry("outside the base path", nil, "https://h.example.test/admin", false, `outside the data source's URL path "/api/"`),
		Entry("a sibling sharing the prefix", nil, "https://h.example.test/apix/live", false, "outside the data source's URL path"),
		Entry("an encoded dot segment", nil, "https://h.example.test/api/%2e%2e/admin", false, "not a path a query could name"),
		Entry("covered by allowedTopics", []string{"live/*"}, "https://h.example.test/api/live/a", true, ""),
		Entry("not covered by allowedTopics", []string{"live/*"}, "https://h.example.test/api/admin", false, "not among the paths this data source allows"),
	)

	It("says a path allowedTopics refuses with ErrNotAllowed", func() {
		err := settings("live/*").CheckRedirect(mustURL("https://h.example.test/api/admin"))
		Expect(errors.Is(err, web.ErrNotAllowed)).To(BeTrue(), "%v", err)
	})
})
