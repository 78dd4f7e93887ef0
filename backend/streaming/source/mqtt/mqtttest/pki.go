package mqtttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// PKI is what TLS specs need, made fresh by [NewPKI], all of it PEM: a
// CA, a broker certificate it signed for 127.0.0.1 and broker.pulse.test
// (not for localhost), a client certificate it signed, and a second CA
// that signed nothing. The certificates are valid from an hour ago for a
// day; the keys are ECDSA P-256, in PKCS #8.
type PKI struct {
	// CAPEM is the certificate of the CA that signed the broker's and
	// the client's certificates.
	CAPEM string
	// OtherCAPEM is the certificate of a second CA, which signed nothing
	// the broker holds.
	OtherCAPEM string
	// ClientCertPEM is a client certificate (CN pulse-client) signed by
	// the CA.
	ClientCertPEM string
	// ClientKeyPEM is ClientCertPEM's private key.
	ClientKeyPEM string
	// ServerCertPEM is the broker's certificate, signed by the CA.
	ServerCertPEM string
	// ServerKeyPEM is ServerCertPEM's private key.
	ServerKeyPEM string
}

// NewPKI makes a new CA, other CA, broker certificate and client
// certificate.
func NewPKI() (*PKI, error) {
	ca, err := newCA("Pulse test CA")
	if err != nil {
		return nil, err
	}
	other, err := newCA("Pulse other CA")
	if err != nil {
		return nil, err
	}
	server, err := newKeyPair(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "broker.pulse.test"},
		DNSNames:    []string{"broker.pulse.test"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca.cert, ca.key)
	if err != nil {
		return nil, err
	}
	client, err := newKeyPair(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "pulse-client"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca.cert, ca.key)
	if err != nil {
		return nil, err
	}
	return &PKI{
		CAPEM:         ca.pem,
		OtherCAPEM:    other.pem,
		ClientCertPEM: client.pem,
		ClientKeyPEM:  client.kpem,
		ServerCertPEM: server.pem,
		ServerKeyPEM:  server.kpem,
	}, nil
}

type keyPair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
	kpem string
}

// newKeyPair makes a key and a certificate of template for it, signed by
// parent's key, or by itself when parent is nil.
func newKeyPair(template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return keyPair{}, fmt.Errorf("mqtttest: a key for %s: %w", template.Subject.CommonName, err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return keyPair{}, fmt.Errorf("mqtttest: a serial number for %s: %w", template.Subject.CommonName, err)
	}
	template.SerialNumber = serial
	template.NotBefore = time.Now().Add(-time.Hour)
	template.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	if err != nil {
		return keyPair{}, fmt.Errorf("mqtttest: the certificate of %s: %w", template.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return keyPair{}, fmt.Errorf("mqtttest: the certificate of %s: %w", template.Subject.CommonName, err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return keyPair{}, fmt.Errorf("mqtttest: the key of %s: %w", template.Subject.CommonName, err)
	}
	return keyPair{
		cert: cert,
		key:  key,
		pem:  string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		kpem: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	}, nil
}

func newCA(name string) (keyPair, error) {
	return newKeyPair(&x509.Certificate{
		Subject:               pkix.Name{CommonName: name},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, nil, nil)
}
