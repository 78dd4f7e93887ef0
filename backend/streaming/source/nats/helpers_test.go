package nats_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

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

// ctxFor is a context that ends after d or with the spec.
func ctxFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	DeferCleanup(cancel)
	return ctx
}

// unique is a token no other spec uses.
func unique() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// noLeaks snapshots the goroutines now and checks, when the spec ends
// (after the cleanups registered later), that none started since is left.
func noLeaks() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).ShouldNot(gleak.HaveLeaked(before))
	})
}

// fastOptions reconnect quickly, for specs.
var fastOptions = nats.Options{ReconnectWait: 50 * time.Millisecond, ReconnectJitter: 50 * time.Millisecond, Logger: specLogger{}}

// newClient starts a client that the spec closes when it ends.
func newClient(s nats.Settings) *nats.Client {
	GinkgoHelper()
	c, err := nats.New(s, fastOptions)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// collector keeps the messages a handler receives.
type collector struct {
	mu   sync.Mutex
	msgs []nats.Message
}

func (c *collector) handle(m nats.Message) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}

// payloads are the payloads received so far, as strings.
func (c *collector) payloads() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.msgs))
	for i, m := range c.msgs {
		out[i] = string(m.Payload)
	}
	return out
}

func (c *collector) messages() []nats.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]nats.Message(nil), c.msgs...)
}

// specLogger writes the client's log lines to the spec's timeline, shown
// when a spec fails.
type specLogger struct{}

func (specLogger) Debug(msg string, args ...any) {
	GinkgoWriter.Println(append([]any{"DEBUG", msg}, args...)...)
}
func (specLogger) Info(msg string, args ...any) {
	GinkgoWriter.Println(append([]any{"INFO", msg}, args...)...)
}
func (specLogger) Warn(msg string, args ...any) {
	GinkgoWriter.Println(append([]any{"WARN", msg}, args...)...)
}
func (specLogger) Error(msg string, args ...any) {
	GinkgoWriter.Println(append([]any{"ERROR", msg}, args...)...)
}
func (l specLogger) With(...any) log.Logger { return l }
func (specLogger) Level() log.Level         { return log.Debug }
func (l specLogger) FromContext(context.Context) log.Logger {
	return l
}
