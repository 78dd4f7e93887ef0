package mqtt_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	. "github.com/onsi/gomega"
)

// pki is what the TLS specs need, made fresh for each run: a CA, a broker
// certificate it signed for 127.0.0.1 and broker.pulse.test (not for
// localhost), a client certificate it signed, and a second CA that signed
// nothing the broker holds.
type pki struct {
	caPEM, otherCAPEM         string
	clientCertPEM, clientKey  string
	caFile, certFile, keyFile string // the broker's, in the broker's directory
}

type keyPair struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
	kpem string
}

func newKeyPair(template, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) keyPair {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	Expect(err).NotTo(HaveOccurred())
	template.SerialNumber = serial
	template.NotBefore = time.Now().Add(-time.Hour)
	template.NotAfter = time.Now().Add(24 * time.Hour)
	if parent == nil {
		parent, parentKey = template, key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, &key.PublicKey, parentKey)
	Expect(err).NotTo(HaveOccurred())
	cert, err := x509.ParseCertificate(der)
	Expect(err).NotTo(HaveOccurred())
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	Expect(err).NotTo(HaveOccurred())
	return keyPair{
		cert: cert,
		key:  key,
		pem:  string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		kpem: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})),
	}
}

func newCA(name string) keyPair {
	return newKeyPair(&x509.Certificate{
		Subject:               pkix.Name{CommonName: name},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}, nil, nil)
}

// makePKI writes the broker's files into dir and returns the client's.
func makePKI(dir string) pki {
	ca := newCA("Pulse test CA")
	other := newCA("Pulse other CA")
	server := newKeyPair(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "broker.pulse.test"},
		DNSNames:    []string{"broker.pulse.test"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca.cert, ca.key)
	client := newKeyPair(&x509.Certificate{
		Subject:     pkix.Name{CommonName: "pulse-client"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, ca.cert, ca.key)
	p := pki{
		caPEM:         ca.pem,
		otherCAPEM:    other.pem,
		clientCertPEM: client.pem,
		clientKey:     client.kpem,
		caFile:        filepath.Join(dir, "ca.pem"),
		certFile:      filepath.Join(dir, "server.pem"),
		keyFile:       filepath.Join(dir, "server-key.pem"),
	}
	Expect(os.WriteFile(p.caFile, []byte(ca.pem), 0o644)).To(Succeed())
	Expect(os.WriteFile(p.certFile, []byte(server.pem), 0o644)).To(Succeed())
	Expect(os.WriteFile(p.keyFile, []byte(server.kpem), 0o600)).To(Succeed())
	return p
}
