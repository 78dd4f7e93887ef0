package conf

import (
	"crypto/tls"
	"crypto/x509"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// TLS are a data source's TLS options under Grafana's names. Its methods
// only read it.
type TLS struct {
	// SkipVerify is jsonData.tlsSkipVerify: accept any server certificate
	// (for testing only).
	SkipVerify bool
	// Auth is jsonData.tlsAuth: present the client certificate ClientCert
	// with its key ClientKey.
	Auth bool
	// AuthWithCACert is jsonData.tlsAuthWithCACert: trust the server's
	// certificate when CACert signed it, instead of the system's CAs.
	AuthWithCACert bool
	// CACert is secureJsonData.tlsCACert, PEM; read when AuthWithCACert is
	// on.
	CACert Secret
	// ClientCert is secureJsonData.tlsClientCert, PEM; read when Auth is
	// on.
	ClientCert Secret
	// ClientKey is secureJsonData.tlsClientKey, PEM; read when Auth is on.
	ClientKey Secret
}

// ReadTLS reads the TLS flags from f and the PEM blocks from the decrypted
// secureJsonData secure; f's error is read by the caller.
func ReadTLS(f *streaming.Fields, secure map[string]string) TLS {
	var t TLS
	f.Bool("tlsSkipVerify", &t.SkipVerify)
	f.Bool("tlsAuth", &t.Auth)
	f.Bool("tlsAuthWithCACert", &t.AuthWithCACert)
	t.CACert = Secret(secure["tlsCACert"])
	t.ClientCert = Secret(secure["tlsClientCert"])
	t.ClientKey = Secret(secure["tlsClientKey"])
	return t
}

// Config is the TLS configuration for a server named serverName: TLS 1.2
// or newer, the CA and client certificate the flags ask for. The error
// names the field that is missing or does not parse, never its value.
func (t TLS) Config(serverName string) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         serverName,
		InsecureSkipVerify: t.SkipVerify, //nolint:gosec // the administrator's choice, documented as for testing.
	}
	if t.AuthWithCACert {
		if strings.TrimSpace(string(t.CACert)) == "" {
			return nil, streaming.Malformed("tlsCACert", "is required when tlsAuthWithCACert is on: the PEM certificate of the CA that signed the server's")
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(t.CACert)) {
			return nil, streaming.Malformed("tlsCACert", "holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	if t.Auth {
		switch {
		case strings.TrimSpace(string(t.ClientCert)) == "":
			return nil, streaming.Malformed("tlsClientCert", "is required when tlsAuth is on: the client's PEM certificate")
		case strings.TrimSpace(string(t.ClientKey)) == "":
			return nil, streaming.Malformed("tlsClientKey", "is required when tlsAuth is on: the client certificate's PEM private key")
		}
		// tls.X509KeyPair's errors quote no key material, but say nothing a
		// person needs either: ours name the fields.
		cert, err := tls.X509KeyPair([]byte(t.ClientCert), []byte(t.ClientKey))
		if err != nil {
			return nil, streaming.Malformed("tlsClientKey", "tlsClientCert and tlsClientKey must be a PEM certificate and its PEM private key")
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// Secrets are the PEM blocks t holds, for checks that no message quotes
// one.
func (t TLS) Secrets() []Secret { return []Secret{t.CACert, t.ClientCert, t.ClientKey} }
