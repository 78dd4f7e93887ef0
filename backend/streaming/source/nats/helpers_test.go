package nats_test

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// newServer starts a nats-server for c; the caller stops it.
func newServer(c natstest.Config) *natstest.Server {
	GinkgoHelper()
	s, err := natstest.Start(c)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// ownServer starts a nats-server for c that the spec stops when it ends.
func ownServer(c natstest.Config) *natstest.Server {
	GinkgoHelper()
	s := newServer(c)
	DeferCleanup(s.Stop)
	return s
}

// unique is a token no other spec uses.
func unique() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// fastOptions reconnect quickly, for specs.
var fastOptions = nats.Options{ReconnectWait: 50 * time.Millisecond, ReconnectJitter: 50 * time.Millisecond, Logger: feedtest.Logger{}}

// newClient starts a client that the spec closes when it ends.
func newClient(s nats.Settings) *nats.Client {
	GinkgoHelper()
	c, err := nats.New(s, fastOptions)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// newLoggedClient starts a client as newClient does, whose log lines the
// spec reads.
func newLoggedClient(s nats.Settings) (*nats.Client, *feedtest.Lines) {
	GinkgoHelper()
	lines := &feedtest.Lines{}
	o := fastOptions
	o.Logger = lines
	c, err := nats.New(s, o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c, lines
}

// collector keeps the messages a handler receives.
type collector struct {
	feedtest.Collector[nats.Message]
}

// payloads are the payloads received so far, as strings.
func (c *collector) payloads() []string {
	return c.Texts(func(m nats.Message) string { return string(m.Payload) })
}
