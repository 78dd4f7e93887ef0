package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// knownScheme reports whether a base URL may have scheme: the schemes of
// the HTTP and WebSocket sources.
func knownScheme(scheme string) bool {
	switch scheme {
	case "http", "https", "ws", "wss":
		return true
	}
	return false
}

// parseBase reads jsonData.url: an absolute URL of one of schemes, with a
// host and a valid port if any, without user information or a fragment.
// Its error never quotes a URL that holds an "@", which may be a password.
func parseBase(raw string, schemes []string) (*url.URL, error) {
	want := strings.Join(schemes, "://, ") + "://"
	raw = strings.TrimSpace(raw)
	quoted := streaming.Excerpt(raw)
	if strings.Contains(raw, "@") {
		quoted = "a URL with an @"
	}
	if raw == "" {
		return nil, streaming.Malformed("url", "is required: the base URL of the streams (%s and a host)", want)
	}
	if _, rest, ok := strings.Cut(raw, "://"); ok {
		authority, _, _ := strings.Cut(rest, "/")
		authority, _, _ = strings.Cut(authority, "?")
		if strings.Contains(authority, "@") {
			return nil, streaming.Malformed("url", "must not hold a user name or password: set basicAuthUser and basicAuthPassword instead")
		}
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c < 0x20 || c == 0x7F || c == ' ' {
			return nil, streaming.Malformed("url", "must not contain spaces or control characters, got %s", quoted)
		}
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return nil, streaming.Malformed("url", "must be an absolute URL (%s and a host), got %s", want, quoted)
	}
	if u.User != nil {
		return nil, streaming.Malformed("url", "must not hold a user name or password: set basicAuthUser and basicAuthPassword instead")
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if !slices.Contains(schemes, u.Scheme) {
		return nil, streaming.Malformed("url", "must start with %s, got %s", want, quoted)
	}
	if u.Hostname() == "" {
		return nil, streaming.Malformed("url", "must name a host, got %s", quoted)
	}
	if strings.HasSuffix(u.Host, ":") {
		return nil, streaming.Malformed("url", "has an empty port, got %s", quoted)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, streaming.Malformed("url", "has a port outside 1 to 65535, got %s", quoted)
		}
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, streaming.Malformed("url", "must not have a fragment (#), got %s", quoted)
	}
	if len(raw) > MaxPathBytes {
		return nil, streaming.OutOfBounds("url", "is %d bytes, more than %d", len(raw), MaxPathBytes)
	}
	return u, nil
}

// Where is u for a message or a log line: its scheme, host and path,
// without user information, query string (which may hold a key) or
// fragment; "" for nil.
func Where(u *url.URL) string {
	if u == nil {
		return ""
	}
	v := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
	return v.String()
}

// SameOrigin reports whether a and b have the same scheme, host and port
// (an absent port counting as the scheme's default): a redirect from a to
// b may keep a's credentials only then.
func SameOrigin(a, b *url.URL) bool {
	return a != nil && b != nil && strings.EqualFold(a.Scheme, b.Scheme) &&
		strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// port is u's port, or its scheme's default.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "ws":
		return "80"
	case "https", "wss":
		return "443"
	}
	return ""
}
