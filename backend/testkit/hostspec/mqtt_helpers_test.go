package hostspec_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// secretMarker is the secret of the specs' bad settings (a password, a
// key): the plugin must never repeat it, in a message or its log.
const secretMarker = "hunter2-pulse-spec-secret"

// mqttFeed is the suite's broker as the feed contract publishes to it:
// anonymously, on its plain listener.
type mqttFeed struct {
	uri string
	pub *mqtttest.Publisher
}

var _ contract.Feed = (*mqttFeed)(nil)

// newMQTTFeed connects a publisher to b's plain listener.
func newMQTTFeed(b *mqtttest.Broker) *mqttFeed {
	GinkgoHelper()
	pub, err := mqtttest.NewPublisher(b.URL("plain"))
	Expect(err).NotTo(HaveOccurred(), "connecting a publisher to mosquitto")
	return &mqttFeed{uri: b.URL("plain"), pub: pub}
}

func (f *mqttFeed) Address() string { return f.uri }

func (f *mqttFeed) Publish(topic, payload string) error {
	return f.pub.Publish(topic, payload, 1, false)
}

// Close disconnects the publisher.
func (f *mqttFeed) Close() { f.pub.Close() }

// mqttInstance is an MQTT data source: jsonData is settings besides
// "source", secure its secureJsonData.
func mqttInstance(uid string, jsonData map[string]any, secure map[string]string) pluginhost.Instance {
	GinkgoHelper()
	return sourceInstance(uid, "mqtt", jsonData, secure)
}

// uniqueUID is a data source uid no other spec, and no earlier run, uses.
func uniqueUID(prefix string) string {
	return fmt.Sprintf("%s-%d-%08x", prefix, GinkgoParallelProcess(), rand.Uint32())
}

// uniqueRoot is a topic under pulse/ that no other spec uses.
func uniqueRoot() string {
	return fmt.Sprintf("pulse/hostspec/%d-%016x", GinkgoParallelProcess(), rand.Uint64())
}

// retire replaces ds in h with a data source of generated signals under the
// same uid, as saving other settings in Grafana would: the plugin disposes
// of ds's instance a few seconds later, closing its broker connection.
func retire(ctx context.Context, h *pluginhost.Host, ds pluginhost.Instance) {
	GinkgoHelper()
	next := instance(ds.UID, `{}`)
	next.Updated = ds.Updated.Add(time.Second)
	resp, err := h.Diagnostics.CheckHealth(ctx, next.CheckHealthRequest())
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_OK), resp.GetMessage())
}

// checkHealth runs ds's health check in the suite's plugin.
func checkHealth(ctx context.Context, ds pluginhost.Instance) *pluginv2.CheckHealthResponse {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := host.Diagnostics.CheckHealth(ctx, ds.CheckHealthRequest())
	Expect(err).NotTo(HaveOccurred(), "a health result, not a failed call")
	return resp
}

// publishValues publishes {"n": v} to topic for each value.
func publishValues(topic string, values ...int) {
	GinkgoHelper()
	for _, v := range values {
		Expect(brokerFeed.Publish(topic, fmt.Sprintf(`{"n":%d}`, v))).To(Succeed())
	}
}

// fieldValues lists the non-null values of the field named name, as
// floats.
func fieldValues(f *data.Frame, name string) []float64 {
	GinkgoHelper()
	var out []float64
	for _, field := range f.Fields {
		if field.Name != name {
			continue
		}
		for i := range field.Len() {
			if _, ok := field.ConcreteAt(i); !ok {
				continue
			}
			v, err := field.FloatAt(i)
			Expect(err).NotTo(HaveOccurred())
			out = append(out, v)
		}
	}
	return out
}

// readValues reads sub until the field name holds last, and returns the
// values of name it read.
func readValues(ctx context.Context, sub contract.Subscription, name string, last float64) []float64 {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, streamTimeout)
	defer cancel()
	var got []float64
	for len(got) == 0 || got[len(got)-1] != last {
		p, err := sub.Next(ctx)
		Expect(err).NotTo(HaveOccurred(), "waiting for %s = %v; got %v", name, last, got)
		got = append(got, fieldValues(p.Frame, name)...)
	}
	return got
}

// streamingChannel runs a streaming query of topic on ds and returns the
// channel its frame names.
func streamingChannel(ctx context.Context, ds pluginhost.Instance, topic string) string {
	GinkgoHelper()
	f := queryFrame(ctx, ds, pluginhost.Query{JSON: fmt.Sprintf(`{"topic":%q,"withStreaming":true,"flushMs":20}`, topic), From: time.Now().Add(-time.Hour), To: time.Now(), MaxDataPoints: 1000})
	Expect(f.Meta).NotTo(BeNil())
	Expect(f.Meta.Channel).To(HavePrefix(ds.ChannelPrefix() + "mqtt/v1/20/"))
	return f.Meta.Channel
}

// metricSample is the value of the sample of the metric name whose labels
// include labels, in Prometheus' text format, and whether there is one.
func metricSample(text []byte, name string, labels map[string]string) (float64, bool) {
	GinkgoHelper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	Expect(err).NotTo(HaveOccurred())
	family, ok := families[name]
	if !ok {
		return 0, false
	}
	for _, m := range family.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		match := true
		for k, v := range labels {
			match = match && have[k] == v
		}
		if !match {
			continue
		}
		switch family.GetType() {
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), true
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), true
		default:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// collect is h's metrics as Grafana scrapes them.
func collect(ctx context.Context, h *pluginhost.Host) []byte {
	GinkgoHelper()
	resp, err := h.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: &pluginv2.PluginContext{OrgId: 1, PluginId: pluginhost.PluginID}})
	Expect(err).NotTo(HaveOccurred())
	return resp.GetMetrics().GetPrometheus()
}

// brokerLines counts the lines of mosquitto's log that match pattern, a
// regular expression.
func brokerLines(b *mqtttest.Broker, pattern string) int {
	return len(regexp.MustCompile(`(?m)`+pattern).FindAllStringIndex(b.Logs(), -1))
}

// clientConnected matches mosquitto's line for a connection of client id:
// "New client connected from 127.0.0.1:40000 as <id> (p2, c1, k30)."
func clientConnected(id string) string {
	return `New client connected from \S+ as ` + regexp.QuoteMeta(id) + ` \(`
}

// clientGone matches mosquitto's line for the end of a connection of
// client id: "Client <id> disconnected." or "Client <id> closed its
// connection."
func clientGone(id string) string {
	return `Client ` + regexp.QuoteMeta(id) + ` (disconnected|closed its connection)`
}

// freeLoopbackPort is a loopback TCP port nothing listens on now.
func freeLoopbackPort() int {
	GinkgoHelper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// goroutines is the goroutine dump of a plugin that serves pprof on port
// (GF_PLUGIN_PROFILING_ENABLED).
func goroutines(ctx context.Context, port int) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/goroutine?debug=2", port), nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("pprof answered %s", resp.Status)
	}
	return string(body), nil
}
