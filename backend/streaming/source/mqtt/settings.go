package mqtt

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
)

// ProtocolVersion is the MQTT version a data source speaks to its broker.
type ProtocolVersion string

// The protocol versions: protocolVersion in jsonData.
const (
	// MQTT311 is MQTT 3.1.1, the default, spoken with paho.mqtt.golang.
	MQTT311 ProtocolVersion = "3.1.1"
	// MQTT5 is MQTT 5, spoken with paho.golang's autopaho.
	MQTT5 ProtocolVersion = "5"
)

// MaxAllowedTopics is how many filters allowedTopics may list.
const MaxAllowedTopics = 1000

// Settings are an MQTT data source's settings, under the names
// grafana/mqtt-datasource uses, so that its provisioning files carry over.
// ParseSettings reads them from jsonData and secureJsonData; a Settings
// built by hand is checked by Validate (New and CheckHealth call it).
//
// Printing Settings with any fmt verb, or as JSON, never shows a secret:
// String redacts them and every Secret prints as "[redacted]". Its methods
// only read it: goroutines may share a Settings that none of them changes.
type Settings struct {
	// URI is the broker's address, jsonData.uri: tcp:// (or mqtt://) for
	// plain MQTT, ssl://, tls:// (or mqtts://) for MQTT over TLS, ws:// and
	// wss:// for MQTT over websockets. Without a port, tcp uses 1883, TLS
	// 8883, ws 80 and wss 443. It holds no user name or password: those go
	// in Username and Password.
	URI string
	// Username is jsonData.username; empty connects without one.
	Username string
	// Password is secureJsonData.password. It is sent only with a
	// Username, as MQTT 3.1.1 requires: without one it is ignored.
	Password Secret
	// ClientID is jsonData.clientID. ParseSettings fills an empty one with
	// "pulse-" and 16 random hexadecimal digits (22 characters, within the
	// 23 every broker must accept). Two connections with one client ID
	// take the broker's session from each other: set one only when the
	// broker requires it, and then one per Grafana instance. Empty in a
	// Settings built by hand means a generated one, made by New or
	// CheckHealth.
	ClientID string
	// ProtocolVersion is jsonData.protocolVersion: "3.1.1" (the default)
	// or "5". Empty means "3.1.1".
	ProtocolVersion ProtocolVersion
	// TLSSkipVerify is jsonData.tlsSkipVerify: accept any broker
	// certificate (for testing only).
	TLSSkipVerify bool
	// TLSAuth is jsonData.tlsAuth: present the client certificate
	// TLSClientCert with its key TLSClientKey.
	TLSAuth bool
	// TLSAuthWithCACert is jsonData.tlsAuthWithCACert: trust the broker's
	// certificate when TLSCACert signed it, instead of the system's CAs.
	TLSAuthWithCACert bool
	// TLSCACert is secureJsonData.tlsCACert, PEM; read when
	// TLSAuthWithCACert is on.
	TLSCACert Secret
	// TLSClientCert is secureJsonData.tlsClientCert, PEM; read when
	// TLSAuth is on.
	TLSClientCert Secret
	// TLSClientKey is secureJsonData.tlsClientKey, PEM; read when TLSAuth
	// is on.
	TLSClientKey Secret
	// AllowedTopics is jsonData.allowedTopics, the topic filters this data
	// source may subscribe to (see Allowed); empty allows any.
	AllowedTopics []string
}

// ParseSettings reads an MQTT data source's jsonData, with the number and
// type rules of streaming.Fields (an absent or null field takes its
// default, a bool is true or false, a string a JSON string, allowedTopics
// a JSON array of strings), and its decrypted secureJsonData, then checks
// the result with Validate. Fields it does not know are left to others
// (jsonData holds other settings too). An error names the field and never
// contains a secret: a *streaming.FieldError.
func ParseSettings(jsonData []byte, secure map[string]string) (Settings, error) {
	f, err := streaming.ReadFields(jsonData, "settings")
	if err != nil {
		return Settings{}, err
	}
	var s Settings
	var version string
	f.String("uri", &s.URI)
	f.String("username", &s.Username)
	f.String("clientID", &s.ClientID)
	f.String("protocolVersion", &version)
	f.Bool("tlsSkipVerify", &s.TLSSkipVerify)
	f.Bool("tlsAuth", &s.TLSAuth)
	f.Bool("tlsAuthWithCACert", &s.TLSAuthWithCACert)
	if err := f.Err(); err != nil {
		return Settings{}, err
	}
	if s.AllowedTopics, err = conf.ReadStrings(jsonData, "allowedTopics", "topic filters"); err != nil {
		return Settings{}, err
	}
	s.ProtocolVersion = ProtocolVersion(version)
	s.Password = Secret(secure["password"])
	s.TLSCACert = Secret(secure["tlsCACert"])
	s.TLSClientCert = Secret(secure["tlsClientCert"])
	s.TLSClientKey = Secret(secure["tlsClientKey"])
	if strings.TrimSpace(s.ClientID) == "" {
		s.ClientID = NewClientID()
	}
	if err := s.Validate(); err != nil {
		return Settings{}, err
	}
	s.URI = s.broker().String()
	return s, nil
}

// NewClientID is a fresh client ID: "pulse-" and 16 random hexadecimal
// digits.
func NewClientID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails.
	return "pulse-" + hex.EncodeToString(b[:])
}

// Validate checks the settings: uri is a broker address of a known scheme
// without credentials in it, the client ID and user name are MQTT strings
// (at most 65535 bytes of UTF-8 without U+0000), the password at most
// 65535 bytes,
// the protocol version is known, allowedTopics holds valid filters (at
// most MaxAllowedTopics), and for a TLS scheme the PEM blocks the TLS
// flags ask for are there and parse. The error is a *streaming.FieldError
// naming the field; it never quotes a secret, nor a uri that holds an "@".
func (s Settings) Validate() error {
	if _, err := parseBroker(s.URI); err != nil {
		return err
	}
	if reason := mqttString(s.ClientID); reason != "" {
		return malformed("clientID", "%s", reason)
	}
	if reason := mqttString(s.Username); reason != "" {
		return malformed("username", "%s", reason)
	}
	if len(s.Password) > MaxTopicBytes {
		// Says nothing of the value, not even its length.
		return outOfBounds("password", "must be at most 65535 bytes")
	}
	switch s.ProtocolVersion {
	case "", MQTT311, MQTT5:
	default:
		return malformed("protocolVersion", `must be "3.1.1" or "5", got %s`, streaming.Excerpt(string(s.ProtocolVersion)))
	}
	if len(s.AllowedTopics) > MaxAllowedTopics {
		return outOfBounds("allowedTopics", "lists at most %d topic filters, got %d", MaxAllowedTopics, len(s.AllowedTopics))
	}
	for i, filter := range s.AllowedTopics {
		if reason := filterProblem(filter); reason != "" {
			return malformed("allowedTopics", "entry %d: %s", i+1, reason)
		}
	}
	_, err := s.tlsConfig()
	return err
}

// mqttString says what keeps s from being an MQTT string, or "".
func mqttString(s string) string {
	switch {
	case len(s) > MaxTopicBytes:
		return fmt.Sprintf("is at most 65535 bytes, got %d bytes", len(s))
	case !utf8.ValidString(s):
		return "must be valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "must not hold U+0000"
	}
	return ""
}

// Version is the protocol version, "3.1.1" when unset.
func (s Settings) Version() ProtocolVersion {
	if s.ProtocolVersion == "" {
		return MQTT311
	}
	return s.ProtocolVersion
}

// String shows the settings for a log line with every secret redacted:
// whether a password or PEM block is set, never its value.
func (s Settings) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mqtt{uri=%s clientID=%s protocolVersion=%s", streaming.Excerpt(s.URI), streaming.Excerpt(s.ClientID), s.Version())
	if s.Username != "" {
		fmt.Fprintf(&b, " username=%s", streaming.Excerpt(s.Username))
	}
	for _, secret := range []struct {
		name  string
		value Secret
	}{{"password", s.Password}, {"tlsCACert", s.TLSCACert}, {"tlsClientCert", s.TLSClientCert}, {"tlsClientKey", s.TLSClientKey}} {
		if secret.value != "" {
			fmt.Fprintf(&b, " %s=%s", secret.name, conf.Redacted)
		}
	}
	fmt.Fprintf(&b, " tlsSkipVerify=%t tlsAuth=%t tlsAuthWithCACert=%t allowedTopics=%d}", s.TLSSkipVerify, s.TLSAuth, s.TLSAuthWithCACert, len(s.AllowedTopics))
	return b.String()
}

// GoString is String, so that %#v redacts too.
func (s Settings) GoString() string { return s.String() }

// broker is the parsed broker address; the settings must be valid.
func (s Settings) broker() *url.URL {
	u, err := parseBroker(s.URI)
	if err != nil {
		panic("mqtt: broker of invalid settings: " + err.Error())
	}
	return u
}

// schemes maps every scheme uri may have to the transport it names.
var schemes = map[string]string{
	"tcp": "tcp", "mqtt": "tcp",
	"ssl": "tls", "tls": "tls", "mqtts": "tls",
	"ws": "ws", "wss": "wss",
}

// defaultPorts are the ports of the transports when uri names none.
var defaultPorts = map[string]string{"tcp": "1883", "tls": "8883", "ws": "80", "wss": "443"}

// parseBroker reads uri into a URL with its port set.
func parseBroker(uri string) (*url.URL, error) {
	const want = "tcp://, ssl://, tls://, ws:// or wss:// and a host, such as tcp://broker:1883"
	uri = strings.TrimSpace(uri)
	quoted := streaming.Excerpt(uri)
	if strings.Contains(uri, "@") {
		quoted = "a uri with an @"
	}
	if uri == "" {
		return nil, malformed("uri", "the broker's address is required: %s", want)
	}
	if _, rest, ok := strings.Cut(uri, "://"); ok {
		if authority, _, _ := strings.Cut(rest, "/"); strings.Contains(authority, "@") {
			return nil, malformed("uri", "must not hold a user name or password: set username and password instead")
		}
	}
	u, err := url.Parse(uri)
	if err != nil || u.Opaque != "" {
		return nil, malformed("uri", "must be %s, got %s", want, quoted)
	}
	if u.User != nil {
		return nil, malformed("uri", "must not hold a user name or password: set username and password instead")
	}
	transport, ok := schemes[strings.ToLower(u.Scheme)]
	if !ok {
		return nil, malformed("uri", "must be %s, got %s", want, quoted)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return nil, malformed("uri", "must name the broker's host: %s, got %s", want, quoted)
	}
	if strings.HasSuffix(u.Host, ":") {
		return nil, malformed("uri", "has an empty port, got %s", quoted)
	}
	if port == "" {
		port = defaultPorts[transport]
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, malformed("uri", "has a port outside 1 to 65535, got %s", quoted)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = net.JoinHostPort(host, port)
	if transport != "ws" && transport != "wss" {
		u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	}
	return u, nil
}

// transport is "tcp", "tls", "ws" or "wss".
func (s Settings) transport() string { return schemes[s.broker().Scheme] }

// tlsConfig is the TLS configuration of a TLS or wss uri, nil for plain
// ones: the TLS settings are read only for TLS schemes, as
// grafana/mqtt-datasource does.
func (s Settings) tlsConfig() (*tls.Config, error) {
	u, err := parseBroker(s.URI)
	if err != nil {
		return nil, err
	}
	if t := schemes[u.Scheme]; t != "tls" && t != "wss" {
		return nil, nil
	}
	return conf.TLS{
		SkipVerify: s.TLSSkipVerify, Auth: s.TLSAuth, AuthWithCACert: s.TLSAuthWithCACert,
		CACert: s.TLSCACert, ClientCert: s.TLSClientCert, ClientKey: s.TLSClientKey,
	}.Config(u.Hostname())
}

func malformed(field, format string, args ...any) *streaming.FieldError {
	return &streaming.FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Kind: streaming.ErrMalformed}
}

func outOfBounds(field, format string, args ...any) *streaming.FieldError {
	return &streaming.FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Kind: streaming.ErrOutOfBounds}
}
