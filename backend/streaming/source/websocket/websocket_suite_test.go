package websocket_test

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

func TestWebSocket(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "WebSocket source")
}

// fastOptions reconnect quickly, for specs; keep-alive stays at its
// defaults unless a spec shortens it.
var fastOptions = websocket.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 500 * time.Millisecond, HandshakeTimeout: 5 * time.Second, Logger: specLogger{}}

// noLeaks snapshots the goroutines now and checks, when the spec ends
// (after the cleanups registered later), that none started since is left.
func noLeaks() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).ShouldNot(gleak.HaveLeaked(before))
	})
}

// ctxFor is a context that ends after d or with the spec.
func ctxFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	DeferCleanup(cancel)
	return ctx
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
