package mqtt_test

import (
	"context"
	"net"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// ctxFor is a context that ends after d or with the spec.
func ctxFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	DeferCleanup(cancel)
	return ctx
}

// freePort is a loopback TCP port nothing listens on now.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
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
