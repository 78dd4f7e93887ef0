package web_test

import (
	"net/http"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// received starts a server that keeps the headers of the last request it
// got; the spec closes it.
func received() (*httptest.Server, func() http.Header) {
	got := make(chan http.Header, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
	}))
	DeferCleanup(srv.Close)
	return srv, func() http.Header {
		GinkgoHelper()
		var h http.Header
		Eventually(got).WithTimeout(10 * time.Second).Should(Receive(&h))
		return h
	}
}

// send makes one GET of the settings' URL with their headers.
func send(s web.Settings) {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodGet, s.URL.String(), nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header = s.Header()
	rsp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	Expect(rsp.Body.Close()).To(Succeed())
}

var _ = Describe("Settings.Header", func() {
	It("sends the configured headers and basic authentication to a real server", func() {
		srv, last := received()
		s, err := web.ParseSettings(jsonOf(map[string]any{
			"url": srv.URL, "httpHeaderName1": "X-Api-Key", "httpHeaderName2": "x-tenant", "httpHeaderName3": "X-Tenant", "basicAuthUser": "alice",
		}), map[string]string{"httpHeaderValue1": apiKey, "httpHeaderValue2": "acme", "httpHeaderValue3": "beta", "basicAuthPassword": password})
		Expect(err).NotTo(HaveOccurred())
		send(s)
		h := last()
		Expect(h.Get("X-Api-Key")).To(Equal(apiKey))
		Expect(h.Values("X-Tenant")).To(Equal([]string{"acme", "beta"}), "a name given twice sends both values")
		req := &http.Request{Header: h}
		user, pass, ok := req.BasicAuth()
		Expect(ok).To(BeTrue())
		Expect(user).To(Equal("alice"))
		Expect(pass).To(Equal(password))
	})

	It("sends a bearer token", func() {
		srv, last := received()
		s, err := web.ParseSettings(jsonOf(map[string]any{"url": srv.URL}), map[string]string{"bearerToken": token})
		Expect(err).NotTo(HaveOccurred())
		send(s)
		Expect(last().Get("Authorization")).To(Equal("Bearer " + token))
	})

	It("sends an Authorization header set among the headers", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{"url": "https://h", "httpHeaderName1": "authorization"}), map[string]string{"httpHeaderValue1": "Token " + apiKey})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Header().Get("Authorization")).To(Equal("Token " + apiKey))
	})

	It("sends basic authentication with an empty password", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{"url": "https://h", "basicAuthUser": "alice"}), nil)
		Expect(err).NotTo(HaveOccurred())
		user, pass, ok := (&http.Request{Header: s.Header()}).BasicAuth()
		Expect([]any{user, pass, ok}).To(Equal([]any{"alice", "", true}))
	})

	It("is a fresh header each time", func() {
		s := web.Settings{Headers: []web.Header{{Name: "X-A", Value: "1"}}}
		h := s.Header()
		h.Set("X-A", "changed")
		Expect(s.Header().Get("X-A")).To(Equal("1"))
		Expect(web.Settings{}.Header()).To(BeEmpty())
	})
})
