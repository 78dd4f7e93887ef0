// Package mqtttest starts real mosquitto brokers for specs, in the manner
// of net/http/httptest: each [Broker] is a mosquitto process of its own,
// on free loopback ports, with a configuration and a fresh PKI in a
// temporary directory.
//
// It is a helper for specs only: production code never imports it. It
// uses no Gomega; every failure is an error that says what went wrong,
// with mosquitto's log where it helps. The specs need Debian's mosquitto
// (mosquitto and mosquitto_passwd, found on PATH or in /usr/sbin,
// /usr/bin or /usr/local/sbin): without it [Start] returns an error
// saying so, it never skips.
//
// A typical Ginkgo spec:
//
//	b, err := mqtttest.Start(mqtttest.Listeners{Auth: true})
//	Expect(err).NotTo(HaveOccurred())
//	DeferCleanup(b.Stop)
//	p, err := mqtttest.NewPublisher(b.URL("plain"))
//	Expect(err).NotTo(HaveOccurred())
//	DeferCleanup(p.Close)
//	Expect(p.Publish("pulse/a", "1", 1, false)).To(Succeed())
package mqtttest
