package mqtttest_test

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/url"
	"os"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

// accepts reports whether something accepts TCP connections at u's host.
func accepts(u string) bool {
	parsed, err := url.Parse(u)
	Expect(err).NotTo(HaveOccurred())
	c, err := net.DialTimeout("tcp", parsed.Host, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

var _ = Describe("Broker", func() {
	It("starts with the plain listener only, kills, restarts on the same port and stops", func() {
		b, err := mqtttest.Start(mqtttest.Listeners{})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Stop)
		plain := b.URL("plain")
		Expect(plain).To(MatchRegexp(`^tcp://127\.0\.0\.1:\d+$`))
		Expect(b.PKI).To(BeNil())
		Expect(func() { b.URL("auth") }).To(PanicWith(ContainSubstring(`no "auth" listener`)))
		Expect(accepts(plain)).To(BeTrue())

		p, err := mqtttest.NewPublisher(plain)
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Publish("pulse/mqtttest", "x", 1, false)).To(Succeed())
		p.Close()

		Expect(b.Kill()).To(Succeed())
		Expect(accepts(plain)).To(BeFalse())
		Expect(b.Kill()).To(Succeed()) // once more: nothing to do
		Expect(b.Restart()).To(Succeed())
		Expect(b.URL("plain")).To(Equal(plain))
		Expect(accepts(plain)).To(BeTrue())
		Expect(b.Restart()).To(Succeed()) // a running broker: killed first
		Expect(accepts(plain)).To(BeTrue())
		Expect(b.Logs()).To(ContainSubstring("mosquitto"))

		dir := b.Dir()
		Expect(dir).To(BeADirectory())
		b.Stop()
		Expect(accepts(plain)).To(BeFalse())
		_, err = os.Stat(dir)
		Expect(os.IsNotExist(err)).To(BeTrue())
		b.Stop() // once more: nothing to do
		Expect(b.Restart()).To(MatchError(ContainSubstring("stopped")))
	})

	It("opens the auth, TLS and websockets listeners, with a PKI that the TLS listeners use", func() {
		b, err := mqtttest.Start(mqtttest.Listeners{Auth: true, TLS: true, WS: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Stop)
		for listener, scheme := range map[string]string{"plain": "tcp", "auth": "tcp", "tlsCert": "ssl", "tlsServer": "tls", "ws": "ws", "wss": "wss"} {
			Expect(b.URL(listener)).To(HavePrefix(scheme+"://127.0.0.1:"), listener)
			Expect(accepts(b.URL(listener))).To(BeTrue(), listener)
		}
		Expect(b.PKI).NotTo(BeNil())

		// The auth listener refuses anonymous clients.
		_, err = mqtttest.NewPublisher(b.URL("auth"))
		Expect(err).To(MatchError(ContainSubstring("could not connect")))

		// The TLS listeners: a certificate the CA signed for 127.0.0.1;
		// tlsCert takes the client certificate.
		roots := x509.NewCertPool()
		Expect(roots.AppendCertsFromPEM([]byte(b.PKI.CAPEM))).To(BeTrue())
		client, err := tls.X509KeyPair([]byte(b.PKI.ClientCertPEM), []byte(b.PKI.ClientKeyPEM))
		Expect(err).NotTo(HaveOccurred())
		u, err := url.Parse(b.URL("tlsCert"))
		Expect(err).NotTo(HaveOccurred())
		conn, err := tls.Dial("tcp", u.Host, &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{client}})
		Expect(err).NotTo(HaveOccurred())
		Expect(conn.Handshake()).To(Succeed())
		conn.Close()
		others := x509.NewCertPool()
		Expect(others.AppendCertsFromPEM([]byte(b.PKI.OtherCAPEM))).To(BeTrue())
		u, err = url.Parse(b.URL("tlsServer"))
		Expect(err).NotTo(HaveOccurred())
		_, err = tls.Dial("tcp", u.Host, &tls.Config{RootCAs: others})
		Expect(err).To(HaveOccurred())
	})
})
