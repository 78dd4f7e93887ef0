package web_test

import (
	"crypto/tls"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

var _ = Describe("Settings.TLSConfig", func() {
	var srv *httptest.Server
	var caPEM string
	BeforeEach(func() {
		srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
		DeferCleanup(srv.Close)
		caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	})

	// get fetches the server's URL with the settings' TLS configuration.
	get := func(s web.Settings) error {
		cfg, err := s.TLSConfig()
		Expect(err).NotTo(HaveOccurred())
		c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
		defer c.CloseIdleConnections()
		rsp, err := c.Get(s.URL.String())
		if err == nil {
			_ = rsp.Body.Close()
		}
		return err
	}

	It("trusts the server when tlsCACert holds the CA that signed its certificate", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{"url": srv.URL, "tlsAuthWithCACert": true}), map[string]string{"tlsCACert": caPEM})
		Expect(err).NotTo(HaveOccurred())
		cfg, err := s.TLSConfig()
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.MinVersion).To(BeEquivalentTo(tls.VersionTLS12))
		Expect(cfg.ServerName).To(Equal("127.0.0.1"))
		Expect(get(s)).To(Succeed())
	})

	It("refuses the server's certificate without its CA, unless tlsSkipVerify is on", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{"url": srv.URL}), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(get(s)).To(MatchError(ContainSubstring("certificate")))
		s, err = web.ParseSettings(jsonOf(map[string]any{"url": srv.URL, "tlsSkipVerify": true}), nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(get(s)).To(Succeed())
	})

	It("is nil for plain schemes, whatever the TLS options", func() {
		for _, u := range []string{"http://h.example.test", "ws://h.example.test"} {
			s, err := web.ParseSettings(jsonOf(map[string]any{"url": u, "tlsAuthWithCACert": true}), nil, "http", "ws")
			Expect(err).NotTo(HaveOccurred(), "the TLS fields are not read for a plain scheme")
			cfg, err := s.TLSConfig()
			Expect(err).NotTo(HaveOccurred())
			Expect(cfg).To(BeNil())
		}
	})

	It("is set for wss", func() {
		s, err := web.ParseSettings(jsonOf(map[string]any{"url": "wss://h.example.test/live"}), nil, "ws", "wss")
		Expect(err).NotTo(HaveOccurred())
		cfg, err := s.TLSConfig()
		Expect(err).NotTo(HaveOccurred())
		Expect(cfg.ServerName).To(Equal("h.example.test"))
	})
})
