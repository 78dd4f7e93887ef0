package web

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
)

// Settings are an HTTP or WebSocket data source's settings. ParseSettings
// reads and checks them; their methods only read them, so goroutines may
// share a Settings none of them changes. Printing a Settings with any fmt
// verb never shows a secret.
type Settings struct {
	// URL is jsonData.url, the base URL an administrator set; every
	// query's path is resolved under it (Resolve).
	URL *url.URL
	// Headers are jsonData.httpHeaderName1…N with
	// secureJsonData.httpHeaderValue1…N, sent with every request.
	Headers []Header
	// BasicAuthUser is jsonData.basicAuthUser: with BasicAuthPassword, it
	// is sent as HTTP basic authentication; empty sends none.
	BasicAuthUser string
	// BasicAuthPassword is secureJsonData.basicAuthPassword.
	BasicAuthPassword conf.Secret
	// BearerToken is secureJsonData.bearerToken, sent as "Authorization:
	// Bearer <token>"; empty sends none.
	BearerToken conf.Secret
	// TLS are the TLS options (conf.ReadTLS), used for https and wss.
	TLS conf.TLS
	// AllowedTopics is jsonData.allowedTopics: the paths a query may name
	// (see CheckPath); empty allows any.
	AllowedTopics []string
}

// Header is one extra request header of a data source.
type Header struct {
	// Name is jsonData.httpHeaderName<N>.
	Name string
	// Value is secureJsonData.httpHeaderValue<N>.
	Value conf.Secret
}

// DefaultSchemes are the schemes ParseSettings accepts when it is given
// none.
var DefaultSchemes = []string{"http", "https"}

// ParseSettings reads an HTTP or WebSocket data source's settings from its
// jsonData, with the rules of streaming.Fields, and its decrypted
// secureJsonData (see the package documentation for the names). schemes
// are the URL schemes the source accepts, in lower case ("http" and
// "https", or "ws" and "wss"); none means DefaultSchemes. Fields it does
// not know are left to others. The error is a *streaming.FieldError naming
// the field; it never quotes a secret.
func ParseSettings(jsonData []byte, secure map[string]string, schemes ...string) (Settings, error) {
	if len(schemes) == 0 {
		schemes = DefaultSchemes
	}
	f, err := streaming.ReadFields(jsonData, "settings")
	if err != nil {
		return Settings{}, err
	}
	var s Settings
	var rawURL string
	f.String("url", &rawURL)
	f.String("basicAuthUser", &s.BasicAuthUser)
	s.TLS = conf.ReadTLS(f, secure)
	names := readHeaderNames(f)
	if err := f.Err(); err != nil {
		return Settings{}, err
	}
	if s.URL, err = parseBase(rawURL, schemes); err != nil {
		return Settings{}, err
	}
	if s.AllowedTopics, err = conf.ReadStrings(jsonData, "allowedTopics", "paths"); err != nil {
		return Settings{}, err
	}
	for i, name := range names {
		s.Headers = append(s.Headers, Header{Name: name, Value: conf.Secret(secure[fmt.Sprintf("httpHeaderValue%d", i+1)])})
	}
	s.BasicAuthPassword = conf.Secret(secure["basicAuthPassword"])
	s.BearerToken = conf.Secret(secure["bearerToken"])
	if err := s.validate(); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// validate checks what ParseSettings read besides the URL.
func (s Settings) validate() error {
	if err := checkHeaders(s); err != nil {
		return err
	}
	if err := checkAllowed(s.AllowedTopics); err != nil {
		return err
	}
	_, err := s.TLSConfig()
	return err
}

// String shows the settings for a log line: the URL without its query
// string (which may hold a key), the header names, and whether each secret
// is set, never its value.
func (s Settings) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "web{url=%s", streaming.Excerpt(Where(s.URL)))
	if len(s.Headers) > 0 {
		names := make([]string, len(s.Headers))
		for i, h := range s.Headers {
			names[i] = h.Name
		}
		fmt.Fprintf(&b, " headers=%s", streaming.Excerpt(strings.Join(names, ",")))
	}
	if s.BasicAuthUser != "" {
		fmt.Fprintf(&b, " basicAuthUser=%s", streaming.Excerpt(s.BasicAuthUser))
	}
	for _, secret := range []struct {
		name  string
		value conf.Secret
	}{{"basicAuthPassword", s.BasicAuthPassword}, {"bearerToken", s.BearerToken}, {"tlsCACert", s.TLS.CACert}, {"tlsClientCert", s.TLS.ClientCert}, {"tlsClientKey", s.TLS.ClientKey}} {
		if secret.value != "" {
			fmt.Fprintf(&b, " %s=%s", secret.name, conf.Redacted)
		}
	}
	fmt.Fprintf(&b, " tlsSkipVerify=%t tlsAuth=%t tlsAuthWithCACert=%t allowedTopics=%d}", s.TLS.SkipVerify, s.TLS.Auth, s.TLS.AuthWithCACert, len(s.AllowedTopics))
	return b.String()
}

// GoString is String, so that %#v redacts too.
func (s Settings) GoString() string { return s.String() }

// Secrets are every secret value the settings hold, set or not, for specs
// that check that no message quotes one.
func (s Settings) Secrets() []conf.Secret {
	out := []conf.Secret{s.BasicAuthPassword, s.BearerToken}
	for _, h := range s.Headers {
		out = append(out, h.Value)
	}
	return append(out, s.TLS.Secrets()...)
}
