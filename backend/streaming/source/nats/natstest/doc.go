// Package natstest starts real nats-server processes for specs, in the
// manner of net/http/httptest: each [Server] is a nats-server of its own,
// with JetStream, on a free loopback port, configured from a generated
// file in a temporary directory that also holds its JetStream store.
// It authenticates clients as [Config.Auth] says: anonymously, with a
// token, users with passwords or NKeys, or in operator mode
// ([AuthOperator]) with JWTs: every key, JWT and .creds content is made
// fresh at run time, none is checked in.
//
// It is a helper for specs only: production code never imports it. It
// uses no Gomega; every failure is an error that says what went wrong,
// with the server's output where it helps. The specs need Debian's
// nats-server (found on PATH or in /usr/sbin, /usr/bin or
// /usr/local/sbin): without it [Start] returns an error saying how to
// install it, it never skips.
//
// A typical Ginkgo spec:
//
//	s, err := natstest.Start(natstest.Config{Auth: natstest.AuthUsers})
//	Expect(err).NotTo(HaveOccurred())
//	DeferCleanup(s.Stop)
//	Expect(s.CreateStream("SENSORS", "sensors.>")).To(Succeed())
//	Expect(s.PublishStored("sensors.a", []byte(`{"n":1}`), "1")).To(Succeed())
package natstest
