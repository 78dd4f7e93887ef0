package websocket_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
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
	raw, err := json.Marshal(jsonData)
	Expect(err).NotTo(HaveOccurred())
	m, err := streaming.NewMetrics(prometheus.NewRegistry())
	Expect(err).NotTo(HaveOccurred())
	src, err := websocket.Factory(o)(source.Settings{UID: "ws-spec", JSONData: raw, Secure: secure, Metrics: m})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(src.Close)
	return src, m
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

// runQuery runs one query of the last hour.
func runQuery(src source.Source, q map[string]any) (data.Frames, string) {
	GinkgoHelper()
	raw, err := json.Marshal(q)
	Expect(err).NotTo(HaveOccurred())
	query, err := src.Query(raw, source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Minute), MaxPoints: 10_000})
	Expect(err).NotTo(HaveOccurred())
	frames, err := query.Frames(ctxFor(20 * time.Second))
	Expect(err).NotTo(HaveOccurred())
	return frames, query.Path()
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

// stream admits a viewer of path and runs its stream until the spec ends.
func stream(src source.Source, path string) *feedtest.Recorder {
	GinkgoHelper()
	_, err := src.Admit(path, time.Now())
	Expect(err).NotTo(HaveOccurred())
	rec := &feedtest.Recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Stream(ctx, path, rec) }()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(20 * time.Second).Should(Receive(MatchError(context.Canceled)))
	})
	return rec
}

// streamPath runs a streaming query of path and a stream of its channel.
func streamPath(src source.Source, q map[string]any) *feedtest.Recorder {
	GinkgoHelper()
	q["withStreaming"] = true
	q["flushMs"] = 10
	_, path := runQuery(src, q)
	Expect(path).To(HavePrefix("websocket/v1/10/"))
	return stream(src, path)
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
