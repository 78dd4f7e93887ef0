package httpstream_test

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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

// fastOptions reconnect quickly, for specs.
func fastOptions(logs *feedtest.Lines) httpstream.Options {
	return httpstream.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 300 * time.Millisecond, AuthBackoff: 300 * time.Millisecond, Logger: logs}
}

// openHTTP makes an HTTP data source's Source with options o from its
// jsonData (as an object) and secureJsonData, closed when the spec ends.
func openHTTP(o httpstream.Options, jsonData map[string]any, secure map[string]string) (source.Source, *streaming.Metrics) {
	GinkgoHelper()
	jsonData["source"] = "http"
	return feedtest.OpenSource(httpstream.Factory(o), "http-spec", jsonData, secure)
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
	return append(feedtest.Values(v.initial, name), v.rec.Values(name)...)
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
	initial, rec := feedtest.Stream(src, query.Path())
	return viewer{initial: initial, rec: rec}
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
