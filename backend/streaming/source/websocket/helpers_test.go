package websocket_test

import (
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

// openSource makes a WebSocket data source's Source from its jsonData
// (as an object) and secureJsonData with the options o, closed when the
// spec ends.
func openSource(jsonData map[string]any, secure map[string]string, o websocket.Options) (source.Source, *streaming.Metrics) {
	GinkgoHelper()
	return feedtest.OpenSource(websocket.Factory(o), "ws-spec", jsonData, secure)
}

// newClient makes a Client of the settings, closed when the spec ends.
func newClient(jsonData map[string]any, secure map[string]string, o websocket.Options) *websocket.Client {
	GinkgoHelper()
	raw, err := json.Marshal(jsonData)
	Expect(err).NotTo(HaveOccurred())
	s, err := web.ParseSettings(raw, secure, websocket.Schemes...)
	Expect(err).NotTo(HaveOccurred())
	c, err := websocket.New(s, o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// queryError is the error of a query, which must fail.
func queryError(src source.Source, q map[string]any) error {
	GinkgoHelper()
	raw, err := json.Marshal(q)
	Expect(err).NotTo(HaveOccurred())
	_, err = src.Query(raw, source.Range{From: time.Now().Add(-time.Hour), To: time.Now()})
	Expect(err).To(HaveOccurred())
	return err
}

// streamPath runs a streaming query of path and a stream of its channel.
func streamPath(src source.Source, q map[string]any) *feedtest.Recorder {
	GinkgoHelper()
	q["withStreaming"] = true
	q["flushMs"] = 10
	_, path := feedtest.QueryFrames(src, q)
	Expect(path).To(HavePrefix("websocket/v1/10/"))
	_, rec := feedtest.Stream(src, path)
	return rec
}

// values reads a recorder's values of field name, for Eventually.
func values(rec *feedtest.Recorder, name string) func() []string {
	return func() []string { return rec.Values(name) }
}

// counter reads a metric counter of the websocket source, for Eventually.
func counter(c *prometheus.CounterVec) func() float64 {
	return func() float64 { return testutil.ToFloat64(c.WithLabelValues(websocket.Name)) }
}

// numbered are the JSON messages {"n": from} … {"n": to-1}, and their n
// as text.
func numbered(from, to int) (msgs, ns []string) {
	for i := from; i < to; i++ {
		msgs = append(msgs, fmt.Sprintf(`{"n": %d}`, i))
		ns = append(ns, fmt.Sprint(i))
	}
	return msgs, ns
}

// sendAll sends every message on p.
func sendAll(p *peer, msgs []string) {
	GinkgoHelper()
	for _, m := range msgs {
		Expect(p.send(m)).To(Succeed())
	}
}

// settingsOf is the jsonData of a data source on the server's URL base.
func settingsOf(s *server, base string) map[string]any {
	return map[string]any{"source": websocket.Name, "url": s.url(base)}
}
