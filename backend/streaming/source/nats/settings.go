package nats

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
)

// DefaultPort is the port of a server address that names none.
const DefaultPort = 4222

// Bounds of the settings.
const (
	// MaxServers is how many servers url may list.
	MaxServers = 64
	// MaxAllowedTopics is how many patterns allowedTopics may list.
	MaxAllowedTopics = 1000
	// MaxSecretBytes bounds a token, password, seed or credentials.
	MaxSecretBytes = 16 << 10
)

// Settings are a NATS data source's settings. ParseSettings reads them
// from jsonData and secureJsonData; a Settings built by hand is checked
// by Validate (New calls it).
//
// Printing Settings with any fmt verb, or as JSON, never shows a secret:
// String redacts them and every conf.Secret prints as "[redacted]". Its
// methods only read it: goroutines may share a Settings that none of them
// changes.
type Settings struct {
	// URL is jsonData.url: one or more servers, separated by commas, each
	// nats://host[:port] or tls://host[:port] (all of one scheme); a
	// missing port is DefaultPort. It holds no user name, password or
	// token: those go in the auth settings. ParseSettings normalizes it
	// (schemes in lower case, ports filled in, no spaces).
	URL string
	// AuthType is jsonData.authType; empty means AuthNone.
	AuthType AuthType
	// Username is jsonData.username, for AuthUserPassword.
	Username string
	// Password is secureJsonData.password, for AuthUserPassword.
	Password conf.Secret
	// Token is secureJsonData.token, for AuthToken.
	Token conf.Secret
	// NKeySeed is secureJsonData.nkeySeed, for AuthNKey: an NKey user
	// seed, "SU…".
	NKeySeed conf.Secret
	// Credentials is secureJsonData.credentials, for AuthCredentials: the
	// content of a .creds file (a user JWT and its NKey seed), never
	// written to disk.
	Credentials conf.Secret
	// TLS are the TLS options under Grafana's names (tlsSkipVerify,
	// tlsAuth, tlsAuthWithCACert, tlsCACert, tlsClientCert,
	// tlsClientKey), used for tls:// servers.
	TLS conf.TLS
	// AllowedTopics is jsonData.allowedTopics: the NATS subject patterns
	// this data source may subscribe to (see Allowed); empty allows any.
	AllowedTopics []string
}

// ParseSettings reads a NATS data source's jsonData, with the rules of
// streaming.Fields (an absent or null field takes its default, a bool is
// true or false, a string a JSON string, allowedTopics a JSON array of
// strings), and its decrypted secureJsonData, then checks the result with
// Validate. Fields it does not know are left to others. An error names
// the field and never contains a secret: a *streaming.FieldError.
func ParseSettings(jsonData []byte, secure map[string]string) (Settings, error) {
	f, err := streaming.ReadFields(jsonData, "settings")
	if err != nil {
		return Settings{}, err
	}
	var s Settings
	var authType string
	f.String("url", &s.URL)
	f.String("authType", &authType)
	f.String("username", &s.Username)
	s.TLS = conf.ReadTLS(f, secure)
	if err := f.Err(); err != nil {
		return Settings{}, err
	}
	if s.AllowedTopics, err = conf.ReadStrings(jsonData, "allowedTopics", "NATS subject patterns"); err != nil {
		return Settings{}, err
	}
	s.AuthType = AuthType(authType)
	s.Password = conf.Secret(secure["password"])
	s.Token = conf.Secret(secure["token"])
	s.NKeySeed = conf.Secret(secure["nkeySeed"])
	s.Credentials = conf.Secret(secure["credentials"])
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	servers, _ := parseServers(s.URL)
	s.URL = strings.Join(servers, ",")
	return s, nil
}

// Validate checks the settings: url lists valid server addresses of one
// scheme without credentials in them, the auth type is known and its
// secrets are set and well formed, allowedTopics holds valid subjects (at
// most MaxAllowedTopics), and for tls:// servers the PEM blocks the TLS
// flags ask for are there and parse. The error is a *streaming.FieldError
// naming the field; it never quotes a secret, nor a url that holds an
// "@".
func (s Settings) Validate() error {
	if _, err := parseServers(s.URL); err != nil {
		return err
	}
	if _, err := s.authOptions(); err != nil {
		return err
	}
	if len(s.AllowedTopics) > MaxAllowedTopics {
		return streaming.OutOfBounds("allowedTopics", "lists at most %d NATS subject patterns, got %d", MaxAllowedTopics, len(s.AllowedTopics))
	}
	for i, pattern := range s.AllowedTopics {
		if reason := subjectProblem(pattern); reason != "" {
			return streaming.Malformed("allowedTopics", "entry %d: %s", i+1, reason)
		}
	}
	_, err := s.tlsConfig()
	return err
}

// String shows the settings for a log line with every secret redacted:
// whether one is set, never its value.
func (s Settings) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "nats{url=%s authType=%s", streaming.Excerpt(s.URL), s.Auth())
	if s.Username != "" {
		fmt.Fprintf(&b, " username=%s", streaming.Excerpt(s.Username))
	}
	for _, secret := range []struct {
		name  string
		value conf.Secret
	}{
		{"password", s.Password}, {"token", s.Token}, {"nkeySeed", s.NKeySeed}, {"credentials", s.Credentials},
		{"tlsCACert", s.TLS.CACert}, {"tlsClientCert", s.TLS.ClientCert}, {"tlsClientKey", s.TLS.ClientKey},
	} {
		if secret.value != "" {
			fmt.Fprintf(&b, " %s=%s", secret.name, conf.Redacted)
		}
	}
	fmt.Fprintf(&b, " tlsSkipVerify=%t tlsAuth=%t tlsAuthWithCACert=%t allowedTopics=%d}", s.TLS.SkipVerify, s.TLS.Auth, s.TLS.AuthWithCACert, len(s.AllowedTopics))
	return b.String()
}

// GoString is String, so that %#v redacts too.
func (s Settings) GoString() string { return s.String() }

// Servers are the server addresses of a valid Settings' url, normalized.
func (s Settings) Servers() []string {
	servers, _ := parseServers(s.URL)
	return servers
}

// secure reports whether the servers are tls:// ones.
func (s Settings) secure() bool {
	servers := s.Servers()
	return len(servers) > 0 && strings.HasPrefix(servers[0], "tls://")
}

// tlsConfig is the TLS configuration of tls:// servers, nil for nats://
// ones: the TLS settings are read only for tls:// servers. It names no
// server: the client fills in the host of the server it dials.
func (s Settings) tlsConfig() (*tls.Config, error) {
	servers, err := parseServers(s.URL)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(servers[0], "tls://") {
		return nil, nil
	}
	return s.TLS.Config("")
}

// parseServers reads url's comma-separated server addresses into
// normalized ones: scheme://host:port.
func parseServers(list string) ([]string, error) {
	const want = "nats://host[:port] or tls://host[:port], several separated by commas, such as nats://nats.example.com:4222"
	if strings.TrimSpace(list) == "" {
		return nil, streaming.Malformed("url", "the NATS server's address is required: %s", want)
	}
	parts := strings.Split(list, ",")
	if len(parts) > MaxServers {
		return nil, streaming.OutOfBounds("url", "lists at most %d servers, got %d", MaxServers, len(parts))
	}
	var out []string
	scheme := ""
	for i, part := range parts {
		server, err := parseServer(strings.TrimSpace(part), want)
		if err != nil {
			if len(parts) > 1 {
				err.Reason = fmt.Sprintf("server %d: %s", i+1, err.Reason)
			}
			return nil, err
		}
		u, _ := url.Parse(server)
		if scheme != "" && u.Scheme != scheme {
			return nil, streaming.Malformed("url", "lists nats:// and tls:// servers: use one scheme for all of them")
		}
		scheme = u.Scheme
		out = append(out, server)
	}
	return out, nil
}

// parseServer reads one server address into scheme://host:port.
func parseServer(addr, want string) (string, *streaming.FieldError) {
	quoted := streaming.Excerpt(addr)
	if strings.Contains(addr, "@") {
		quoted = "an address with an @"
	}
	if addr == "" {
		return "", streaming.Malformed("url", "holds an empty server address: %s", want)
	}
	if _, rest, ok := strings.Cut(addr, "://"); ok {
		if authority, _, _ := strings.Cut(rest, "/"); strings.Contains(authority, "@") {
			return "", streaming.Malformed("url", "must not hold a user name, password or token: set authType and its settings instead")
		}
	}
	u, err := url.Parse(addr)
	if err != nil || u.Opaque != "" {
		return "", streaming.Malformed("url", "must be %s, got %s", want, quoted)
	}
	if u.User != nil {
		return "", streaming.Malformed("url", "must not hold a user name, password or token: set authType and its settings instead")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "nats" && scheme != "tls" {
		return "", streaming.Malformed("url", "must be %s, got %s", want, quoted)
	}
	host, port := u.Hostname(), u.Port()
	switch {
	case host == "":
		return "", streaming.Malformed("url", "must name the server's host: %s, got %s", want, quoted)
	case strings.HasSuffix(u.Host, ":"):
		return "", streaming.Malformed("url", "has an empty port, got %s", quoted)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "":
		return "", streaming.Malformed("url", "is a server address without a path or query: %s, got %s", want, quoted)
	}
	if port == "" {
		port = strconv.Itoa(DefaultPort)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", streaming.Malformed("url", "has a port outside 1 to 65535, got %s", quoted)
	}
	return scheme + "://" + net.JoinHostPort(host, port), nil
}
