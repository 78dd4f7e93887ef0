package web

import "crypto/tls"

// TLSConfig is the TLS configuration for the settings' URL: nil for http
// and ws, the TLS options' configuration (conf.TLS.Config) for the URL's
// host otherwise. The error names the TLS field that is missing or does
// not parse, never its value.
func (s Settings) TLSConfig() (*tls.Config, error) {
	if s.URL == nil || s.URL.Scheme != "https" && s.URL.Scheme != "wss" {
		return nil, nil
	}
	return s.TLS.Config(s.URL.Hostname())
}
