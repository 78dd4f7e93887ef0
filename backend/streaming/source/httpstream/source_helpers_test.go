package httpstream_test

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
)

// Waits are generous: the specs share two cores with other builds.
const (
	long  = 20 * time.Second
	short = 10 * time.Second
)

// logLines keeps a source's log lines, and writes them to the spec's
// timeline, shown when a spec fails. It is safe for concurrent use.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) add(level, msg string, args ...any) {
	line := strings.TrimSpace(fmt.Sprintln(append([]any{level, msg}, args...)...))
	GinkgoWriter.Println(line)
	l.mu.Lock()
	l.lines = append(l.lines, line)
	l.mu.Unlock()
}

// Debug keeps a line.
func (l *logLines) Debug(msg string, args ...any) { l.add("DEBUG", msg, args...) }

// Info keeps a line.
func (l *logLines) Info(msg string, args ...any) { l.add("INFO", msg, args...) }

// Warn keeps a line.
func (l *logLines) Warn(msg string, args ...any) { l.add("WARN", msg, args...) }

// all is every line so far, joined.
func (l *logLines) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// count is how many lines hold fragment.
func (l *logLines) count(fragment string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, fragment) {
			n++
		}
	}
	return n
}

// fastOptions reconnect quickly, for specs.
func fastOptions(logs *logLines) httpstream.Options {
	return httpstream.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond, AuthBackoff: 300 * time.Millisecond, Logger: logs}
}

// openHTTP makes an HTTP data source's Source with options o from its
// jsonData (as an object) and secureJsonData, closed when the spec ends.
func openHTTP(o httpstream.Options, jsonData map[string]any, secure map[string]string) (source.Source, *streaming.Metrics) {
	GinkgoHelper()
	jsonData["source"] = "http"
	raw, err := json.Marshal(jsonData)
	Expect(err).NotTo(HaveOccurred())
	m, err := streaming.NewMetrics(prometheus.NewRegistry())
	Expect(err).NotTo(HaveOccurred())
	src, err := httpstream.Factory(o)(source.Settings{UID: "http-spec", JSONData: raw, Secure: secure, Metrics: m})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(src.Close)
	return src, m
}

// viewer is what a viewer of a channel got: the frame Admit gave it, and
// the packets streamed after it.
type viewer struct {
	initial *data.Frame
	rec     *feedtest.Recorder
}

// Values lists the non-null values of the fields named name, as text,
// that the viewer got, in order: Admit's frame first, then the stream's.
func (v viewer) Values(name string) []string {
	var out []string
	if v.initial != nil {
		for _, f := range v.initial.Fields {
			if f.Name != name {
				continue
			}
			for i := range f.Len() {
				if x, ok := f.ConcreteAt(i); ok {
					out = append(out, fmt.Sprint(x))
				}
			}
		}
	}
	return append(out, v.rec.Values(name)...)
}

// streamQuery runs q as a streaming query of the last hour (flushMs 10),
// then admits a viewer of its channel and streams it until the spec ends.
func streamQuery(src source.Source, q map[string]any) viewer {
	GinkgoHelper()
	q["withStreaming"] = true
	q["flushMs"] = 10
	raw, err := json.Marshal(q)
	Expect(err).NotTo(HaveOccurred())
	query, err := src.Query(raw, source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour), MaxPoints: 10_000})
	Expect(err).NotTo(HaveOccurred())
	Expect(query.Path()).To(HavePrefix("http/v1/10/"))
	initial, err := src.Admit(query.Path(), time.Now())
	Expect(err).NotTo(HaveOccurred())
	rec := &feedtest.Recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Stream(ctx, query.Path(), rec) }()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(long).Should(Receive(MatchError(context.Canceled)))
	})
	return viewer{initial: initial, rec: rec}
}

// noLeaks snapshots the goroutines now and checks, when the spec ends
// (after the cleanups registered later), that none started since is left.
func noLeaks() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(long).WithPolling(50 * time.Millisecond).ShouldNot(gleak.HaveLeaked(before))
	})
}

// numbers are "from" … "to" as text.
func numbers(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

// flush sends what the handler wrote so far.
func flush(w http.ResponseWriter) {
	_ = http.NewResponseController(w).Flush()
}

// sseHeaders start an event stream's response.
func sseHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	flush(w)
}

// hold keeps a response open until the client goes or the spec ends.
func hold(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(time.Minute):
	}
}

// freePort is a loopback TCP port nothing listens on now.
func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// ctxFor is a context that ends after d or with the spec.
func ctxFor(d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	DeferCleanup(cancel)
	return ctx
}

// allocated is how many bytes the process allocated so far.
func allocated() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}

// certPEM is the PEM of a TLS test server's certificate, which is its own
// CA.
func certPEM(srv *httptest.Server) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
}

// quietTLSServer is an httptest TLS server whose log of failed handshakes
// goes to the spec's timeline; the spec closes it.
func quietTLSServer(h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(GinkgoWriter, "server: ", 0)
	srv.StartTLS()
	DeferCleanup(srv.Close)
	return srv
}
