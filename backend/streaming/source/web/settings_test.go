package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Secrets distinctive enough that finding them anywhere is a leak.
const (
	password = "pw-7f3a9c-hunter2"
	token    = "tok-51d2e8-bearer"
	apiKey   = "key-0b6e44-header"
)

// jsonOf is v as JSON.
func jsonOf(v map[string]any) []byte {
	GinkgoHelper()
	raw, err := json.Marshal(v)
	Expect(err).NotTo(HaveOccurred())
	return raw
}

// noSecret checks that text quotes no secret of the specs.
func noSecret(text string) {
	GinkgoHelper()
	for _, s := range []string{password, token, apiKey, "hunter2"} {
		Expect(text).NotTo(ContainSubstring(s))
	}
}

var _ = Describe("ParseSettings", func() {
	It("reads every field under Grafana's names", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{
			"url":             "HTTPS://api.example.test:8443/v1?key=abc",
			"httpHeaderName1": "X-Api-Key",
			"httpHeaderName2": "X-Tenant",
			"basicAuthUser":   "alice",
			"tlsSkipVerify":   true,
			"allowedTopics":   []string{"events/*", "status"},
			"source":          "http", "historyMaxRows": 5,
		}), map[string]string{"httpHeaderValue1": apiKey, "httpHeaderValue2": "acme", "basicAuthPassword": password}, "http", "https")
		Expect(err).NotTo(HaveOccurred())
		Expect(s.URL.String()).To(Equal("https://api.example.test:8443/v1?key=abc"), "the scheme in lower case")
		Expect(s.Headers).To(Equal([]web.Header{{Name: "X-Api-Key", Value: apiKey}, {Name: "X-Tenant", Value: "acme"}}))
		Expect(s.BasicAuthUser).To(Equal("alice"))
		Expect(s.BasicAuthPassword).To(Equal(conf.Secret(password)))
		Expect(s.BearerToken).To(BeEmpty())
		Expect(s.TLS.SkipVerify).To(BeTrue())
		Expect(s.AllowedTopics).To(Equal([]string{"events/*", "status"}))
		Expect(s.Secrets()).To(ContainElements(conf.Secret(password), conf.Secret(apiKey)))
	})

	It("reads headers from 1 upwards until a name is missing or empty", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{
			"url": "http://h.example.test", "httpHeaderName1": "A", "httpHeaderName2": "", "httpHeaderName3": "C",
		}), map[string]string{"httpHeaderValue1": "1", "httpHeaderValue3": "3"})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Headers).To(Equal([]web.Header{{Name: "A", Value: "1"}}))

		s, err = web.ParseSettings(jsonOf(map[string]any{"url": "http://h.example.test", "httpHeaderName1": "A"}), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Headers).To(Equal([]web.Header{{Name: "A", Value: ""}}), "a missing value is empty")
	})

	It("takes the schemes it is given, http and https by default", func() {
		_, err := web.ParseSettings(jsonOf(map[string]any{"url": "ws://h.example.test/live"}), nil, "ws", "wss")
		Expect(err).NotTo(HaveOccurred())
		_, err = web.ParseSettings(jsonOf(map[string]any{"url": "ws://h.example.test/live"}), nil)
		Expect(err).To(MatchError(ContainSubstring("url: must start with http://, https://")))
		_, err = web.ParseSettings(jsonOf(map[string]any{"url": "https://h.example.test/live"}), nil, "ws", "wss")
		Expect(err).To(MatchError(ContainSubstring("ws://, wss://")))
	})

	DescribeTable("refuses bad settings, naming the field and quoting no secret",
		func(jsonData map[string]any, secure map[string]string, field, fragment string) {
			all := map[string]string{"basicAuthPassword": password, "bearerToken": token, "httpHeaderValue1": apiKey}
			for k, v := range secure {
				all[k] = v
			}
			if _, ok := jsonData["basicAuthUser"]; !ok && secure["basicAuthPassword"] == "" {
				delete(all, "basicAuthPassword")
			}
			if secure["bearerToken"] == "" {
				delete(all, "bearerToken")
			}
			_, err := web.ParseSettings(jsonOf(jsonData), all, "http", "https")
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "a *streaming.FieldError: %v", err)
			Expect(fe.Field).To(Equal(field))
			Expect(err.Error()).To(ContainSubstring(fragment))
			noSecret(err.Error())
		},
		Entry("no url", map[string]any{}, nil, "url", "is required"),
		Entry("an empty url", map[string]any{"url": " "}, nil, "url", "is required"),
		Entry("a url that is not a string", map[string]any{"url": 5}, nil, "url", "must be a string"),
		Entry("a relative url", map[string]any{"url": "/api"}, nil, "url", "must start with"),
		Entry("another scheme", map[string]any{"url": "ftp://h.example.test"}, nil, "url", "must start with http://, https://"),
		Entry("no host", map[string]any{"url": "https:///api"}, nil, "url", "must name a host"),
		Entry("an opaque url", map[string]any{"url": "https:h.example.test"}, nil, "url", "absolute URL"),
		Entry("a user and password in the url", map[string]any{"url": "https://bob:" + password + "@h.example.test"}, nil, "url", "set basicAuthUser"),
		Entry("a user in the url", map[string]any{"url": "https://bob@h.example.test"}, nil, "url", "set basicAuthUser"),
		Entry("an unparsable url with an @", map[string]any{"url": "https://b%zz:" + password + "@h"}, nil, "url", "set basicAuthUser"),
		Entry("a port out of range", map[string]any{"url": "https://h.example.test:70000"}, nil, "url", "port"),
		Entry("an empty port", map[string]any{"url": "https://h.example.test:"}, nil, "url", "empty port"),
		Entry("a fragment", map[string]any{"url": "https://h.example.test/#x"}, nil, "url", "fragment"),
		Entry("a space", map[string]any{"url": "https://h.example.test/a b"}, nil, "url", "spaces"),
		Entry("a bad header name", map[string]any{"url": "https://h", "httpHeaderName1": "X Key"}, nil, "httpHeaderName1", "header name"),
		Entry("a header name with a colon", map[string]any{"url": "https://h", "httpHeaderName1": "X:Key"}, nil, "httpHeaderName1", "header name"),
		Entry("a header name that is not a string", map[string]any{"url": "https://h", "httpHeaderName1": true}, nil, "httpHeaderName1", "must be a string"),
		Entry("a reserved header", map[string]any{"url": "https://h", "httpHeaderName1": "host"}, nil, "httpHeaderName1", "Host, which the client sets"),
		Entry("a WebSocket handshake header", map[string]any{"url": "https://h", "httpHeaderName1": "Sec-WebSocket-Key"}, nil, "httpHeaderName1", "client sets"),
		Entry("a header value with a line break", map[string]any{"url": "https://h", "httpHeaderName1": "X-Key"},
			map[string]string{"httpHeaderValue1": apiKey + "\r\nX-Evil: 1"}, "httpHeaderValue1", "line break"),
		Entry("two Authorization headers", map[string]any{"url": "https://h", "httpHeaderName1": "Authorization", "httpHeaderName2": "authorization"},
			nil, "httpHeaderName", "Authorization more than once"),
		Entry("an Authorization header and basic auth", map[string]any{"url": "https://h", "httpHeaderName1": "Authorization", "basicAuthUser": "alice"},
			nil, "httpHeaderName", "Authorization more than once"),
		Entry("an Authorization header and a bearer token", map[string]any{"url": "https://h", "httpHeaderName1": "Authorization"},
			map[string]string{"bearerToken": token}, "httpHeaderName", "Authorization more than once"),
		Entry("basic auth and a bearer token", map[string]any{"url": "https://h", "basicAuthUser": "alice"},
			map[string]string{"bearerToken": token}, "bearerToken", "exclude each other"),
		Entry("a password without a user", map[string]any{"url": "https://h"}, map[string]string{"basicAuthPassword": password}, "basicAuthUser", "is required"),
		Entry("a user with a colon", map[string]any{"url": "https://h", "basicAuthUser": "a:b"}, nil, "basicAuthUser", "colon"),
		Entry("a password with a line break", map[string]any{"url": "https://h", "basicAuthUser": "alice"},
			map[string]string{"basicAuthPassword": password + "\n"}, "basicAuthPassword", "line break"),
		Entry("a bearer token with a space", map[string]any{"url": "https://h"}, map[string]string{"bearerToken": token + " x"}, "bearerToken", "one token"),
		Entry("a CA required but missing", map[string]any{"url": "https://h", "tlsAuthWithCACert": true}, nil, "tlsCACert", "is required"),
		Entry("a CA that is not PEM", map[string]any{"url": "https://h", "tlsAuthWithCACert": true},
			map[string]string{"tlsCACert": password}, "tlsCACert", "no PEM"),
		Entry("a client certificate missing", map[string]any{"url": "https://h", "tlsAuth": true}, nil, "tlsClientCert", "is required"),
		Entry("a TLS flag that is not a bool", map[string]any{"url": "https://h", "tlsSkipVerify": "yes"}, nil, "tlsSkipVerify", "true or false"),
		Entry("allowedTopics not a list", map[string]any{"url": "https://h", "allowedTopics": "a"}, nil, "allowedTopics", "list of paths"),
		Entry("an empty allowedTopics entry", map[string]any{"url": "https://h", "allowedTopics": []string{"a", ""}}, nil, "allowedTopics", "entry 2 is empty"),
		Entry("a * within an entry", map[string]any{"url": "https://h", "allowedTopics": []string{"a/*/b"}}, nil, "allowedTopics", "only at its end"),
		Entry("a control character in an entry", map[string]any{"url": "https://h", "allowedTopics": []string{"a\nb"}}, nil, "allowedTopics", "control"),
	)

	It("refuses more than MaxHeaders headers", func() {
		j := map[string]any{"url": "https://h"}
		for i := 1; i <= web.MaxHeaders+1; i++ {
			j[fmt.Sprintf("httpHeaderName%d", i)] = fmt.Sprintf("X-H%d", i)
		}
		_, err := web.ParseSettings(jsonOf(j), nil)
		Expect(err).To(MatchError(streaming.ErrOutOfBounds))
		Expect(err).To(MatchError(ContainSubstring("at most 100 headers")))
	})

	It("refuses jsonData that is not an object", func() {
		_, err := web.ParseSettings([]byte(`[1]`), nil)
		Expect(err).To(MatchError(streaming.ErrMalformed))
	})

	It("never shows a secret when printed, with any verb", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{
			"url": "https://h.example.test/v1?token=" + token, "httpHeaderName1": "X-Api-Key", "basicAuthUser": "alice",
		}), map[string]string{"httpHeaderValue1": apiKey, "basicAuthPassword": password})
		Expect(err).NotTo(HaveOccurred())
		for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
			text := fmt.Sprintf(format, s)
			noSecret(text)
			Expect(text).To(ContainSubstring("https://h.example.test/v1"))
			Expect(text).To(ContainSubstring("X-Api-Key"))
			Expect(text).To(ContainSubstring("basicAuthPassword=[redacted]"))
		}
		raw, err := json.Marshal(s.Headers)
		Expect(err).NotTo(HaveOccurred())
		noSecret(string(raw))
		Expect(strings.Join(secretsText(s), " ")).To(ContainSubstring(apiKey), "Secrets lists them")
	})
})

// secretsText is every secret as its text.
func secretsText(s web.Settings) []string {
	var out []string
	for _, v := range s.Secrets() {
		out = append(out, string(v))
	}
	return out
}
