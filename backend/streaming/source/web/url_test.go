package web_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

var _ = Describe("Where and SameOrigin", func() {
	It("Where drops the user, the query string and the fragment", func() {
		Expect(web.Where(mustURL("https://u:p@h.example.test:8443/v1/a%2Fb?key=secret#x"))).To(Equal("https://h.example.test:8443/v1/a%2Fb"))
		Expect(web.Where(nil)).To(Equal(""))
	})

	DescribeTable("SameOrigin compares scheme, host and port, with default ports",
		func(a, b string, same bool) { Expect(web.SameOrigin(mustURL(a), mustURL(b))).To(Equal(same)) },
		Entry("same", "https://h.example.test/a", "https://h.example.test:443/b?x", true),
		Entry("case", "HTTPS://H.example.test/a", "https://h.EXAMPLE.test/b", true),
		Entry("http default port", "http://h.example.test", "http://h.example.test:80/", true),
		Entry("ws default port", "ws://h.example.test", "ws://h.example.test:80/", true),
		Entry("another scheme", "https://h.example.test", "http://h.example.test:443", false),
		Entry("another port", "https://h.example.test", "https://h.example.test:8443", false),
		Entry("another host", "https://h.example.test", "https://other.example.test", false),
		Entry("a subdomain", "https://h.example.test", "https://a.h.example.test", false),
	)
})
