package web_test

import (
	"errors"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

func mustURL(s string) *url.URL {
	GinkgoHelper()
	u, err := url.Parse(s)
	Expect(err).NotTo(HaveOccurred())
	return u
}

const baseURL = "https://api.example.test:8443/v1?key=abc"

// resolve is Settings.Resolve under base.
func resolve(base *url.URL, path string) (*url.URL, error) {
	return web.Settings{URL: base}.Resolve(path)
}

var _ = Describe("Settings.Resolve", func() {
	DescribeTable("puts a path under the base URL",
		func(base, path, want string) {
			b := mustURL(base)
			u, err := resolve(b, path)
			Expect(err).NotTo(HaveOccurred())
			Expect(u.String()).To(Equal(want))
			Expect(b.String()).To(Equal(base), "the base is not changed")
		},
		Entry("an empty path is the base", baseURL, "", baseURL),
		Entry("a relative path", baseURL, "events", "https://api.example.test:8443/v1/events?key=abc"),
		Entry("a path with a slash is under the base too", baseURL, "/events/live", "https://api.example.test:8443/v1/events/live?key=abc"),
		Entry("a trailing slash stays", baseURL, "events/", "https://api.example.test:8443/v1/events/?key=abc"),
		Entry("a slash alone", baseURL, "/", "https://api.example.test:8443/v1/?key=abc"),
		Entry("query parameters are appended", baseURL, "events?since=5&x=1", "https://api.example.test:8443/v1/events?key=abc&since=5&x=1"),
		Entry("a query string alone", baseURL, "?since=5", "https://api.example.test:8443/v1?key=abc&since=5"),
		Entry("an empty query string", baseURL, "events?", "https://api.example.test:8443/v1/events?key=abc"),
		Entry("a base without a query", "https://h.example.test/api", "s?a=1", "https://h.example.test/api/s?a=1"),
		Entry("a base with a trailing slash", "https://h.example.test/api/", "s", "https://h.example.test/api/s"),
		Entry("a base without a path", "http://h.example.test", "s", "http://h.example.test/s"),
		Entry("a base without a path, empty path", "http://h.example.test", "", "http://h.example.test"),
		Entry("a WebSocket base", "wss://h.example.test:9443/ws", "live?x=1", "wss://h.example.test:9443/ws/live?x=1"),
		Entry("the base's user stays", "https://u:p@h.example.test/api", "s", "https://u:p@h.example.test/api/s"),
		Entry("the base's fragment goes", "https://h.example.test/api#top", "s", "https://h.example.test/api/s"),
		Entry(". segments go", baseURL, "./a/./b/.", "https://api.example.test:8443/v1/a/b/?key=abc"),
		Entry(".. within the path", baseURL, "a/b/../c", "https://api.example.test:8443/v1/a/c?key=abc"),
		Entry(".. back to the base", baseURL, "a/..", "https://api.example.test:8443/v1/?key=abc"),
		Entry("names with dots are names", baseURL, ".../..a/a..", "https://api.example.test:8443/v1/.../..a/a..?key=abc"),
		Entry("a colon after ./", baseURL, "./a:b", "https://api.example.test:8443/v1/a:b?key=abc"),
		Entry("a colon after /", baseURL, "/a:b", "https://api.example.test:8443/v1/a:b?key=abc"),
		Entry("a colon later", baseURL, "a/b:c", "https://api.example.test:8443/v1/a/b:c?key=abc"),
		Entry("spaces are encoded", baseURL, "a b?q=c d", "https://api.example.test:8443/v1/a%20b?key=abc&q=c%20d"),
		Entry("non-ASCII is encoded", baseURL, "ünï", "https://api.example.test:8443/v1/%C3%BCn%C3%AF?key=abc"),
		Entry("escapes stay", baseURL, "a%20b%3Fc", "https://api.example.test:8443/v1/a%20b%3Fc?key=abc"),
		Entry("@ and %2F in the query are data", baseURL, "s?mail=a@b&p=a%2Fb", "https://api.example.test:8443/v1/s?key=abc&mail=a@b&p=a%2Fb"),
		Entry("empty segments stay under the base", baseURL, "a//b", "https://api.example.test:8443/v1/a//b?key=abc"),
		Entry("a URL-looking segment later stays under the base", baseURL, "/x/http://other.example.test/", "https://api.example.test:8443/v1/x/http://other.example.test/?key=abc"),
	)

	refused := func(kind error, fragment string) func(string) {
		return func(path string) {
			u, err := resolve(mustURL(baseURL), path)
			Expect(u).To(BeNil())
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "a *streaming.FieldError: %v", err)
			Expect(fe.Field).To(Equal("path"))
			Expect(errors.Is(err, kind)).To(BeTrue(), "%v", err)
			Expect(err.Error()).To(ContainSubstring(fragment))
			Expect(err.Error()).To(ContainSubstring(streaming.Excerpt(path)))
		}
	}
	DescribeTable("refuses paths that would leave the base (ErrMalformed: not a target of this data source)",
		refused(streaming.ErrMalformed, ""),
		Entry("another host", "//other.example.test/x"),
		Entry("another host, three slashes", "///other.example.test/x"),
		Entry("an http URL", "http://other.example.test/x"),
		Entry("an https URL", "https://api.example.test:8443/v1/x"),
		Entry("a scheme in capitals", "HTTPS://other.example.test"),
		Entry("another scheme", "javascript:alert(1)"),
		Entry("a scheme without slashes", "mailto:a"),
		Entry("a first segment with a colon", "a:b"),
		Entry("..", ".."),
		Entry("../", "../x"),
		Entry("/..", "/../x"),
		Entry(".. past the base after a name", "a/../../x"),
		Entry(".. with a query", "..?x=1"),
		Entry("encoded ..", "%2e%2e/x"),
		Entry("encoded .. in capitals", "%2E%2E/x"),
		Entry("half-encoded ..", ".%2e/x"),
		Entry("encoded . ", "%2e/x"),
		Entry("encoded .. within the path", "a/%2e%2e/b"),
		Entry("twice-encoded ..", "%252e%252e/x"),
		Entry(".. with parameters", "..;/x"),
		Entry(".. with parameters later", "a/..;x/b"),
		Entry("a backslash", `\other.example.test`),
		Entry("a slash and a backslash", `/\other.example.test`),
		Entry("backslash ..", `a\..\..\x`),
		Entry("an encoded slash", "a%2Fb"),
		Entry("an encoded slash ..", "..%2f..%2fx"),
		Entry("an encoded backslash", "%5c..%5cx"),
		Entry("a user", "user@other.example.test"),
		Entry("an @ first", "@other.example.test"),
		Entry("an encoded @", "%40other.example.test"),
		Entry("a path longer than the bound", strings.Repeat("a", web.MaxPathBytes+1)),
	)
	DescribeTable("refuses paths that cannot be read (ErrMalformed)",
		refused(streaming.ErrMalformed, ""),
		Entry("a fragment", "x#frag"),
		Entry("a fragment alone", "#"),
		Entry("a fragment in the query", "x?a=1#f"),
		Entry("NUL", "a\x00b"),
		Entry("LF", "a\nb"),
		Entry("CR", "a\rb"),
		Entry("a tab", "a\tb"),
		Entry("DEL", "a\x7fb"),
		Entry("a control character in the query", "x?a=\x01"),
		Entry("encoded NUL", "a%00b"),
		Entry("encoded LF", "a%0Ab"),
		Entry("a % without digits", "a%zz"),
		Entry("a % at the end", "a%"),
		Entry("a % with one digit", "a%4"),
		Entry("a bad % in the query", "x?a=%g0"),
		Entry("bytes that are not UTF-8", "\xff"),
	)

	It("quotes at most an excerpt of a long path", func() {
		path := strings.Repeat("a", 1500) + "/../../../../" + strings.Repeat("b", 400)
		_, err := resolve(mustURL(baseURL), path)
		Expect(err).To(MatchError(streaming.ErrMalformed))
		Expect(len(err.Error())).To(BeNumerically("<", 200))
		Expect(err.Error()).To(ContainSubstring("(1913 bytes)"))
	})

	DescribeTable("refuses a base that is not an absolute http, https, ws or wss URL (field url)",
		func(base *url.URL) {
			_, err := resolve(base, "x")
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(fe.Field).To(Equal("url"))
			Expect(err).To(MatchError(streaming.ErrMalformed))
		},
		Entry("nil", nil),
		Entry("a relative URL", &url.URL{Path: "/api"}),
		Entry("another scheme", &url.URL{Scheme: "ftp", Host: "h.example.test"}),
		Entry("no host", &url.URL{Scheme: "https", Path: "/api"}),
		Entry("an opaque URL", &url.URL{Scheme: "https", Opaque: "h.example.test"}),
	)
})
