package hostspec_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// credsSecrets are the lines of a .creds file's content that are secret:
// the user JWT's and the NKey seed's, each the line after its BEGIN line.
func credsSecrets(creds string) []string {
	GinkgoHelper()
	var out []string
	lines := strings.Split(creds, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "-----BEGIN") && i+1 < len(lines) {
			out = append(out, strings.TrimSpace(lines[i+1]))
		}
	}
	Expect(out).To(HaveLen(2))
	return out
}

// The NATS source through the built plugin, for what the feed contract
// (nats_feeds_test.go) does not cover: history a JetStream stream kept
// from before the data source existed, credentials and settings errors in
// plain words.
var _ = Describe("NATS data sources", func() {
	It("answer a new data source's first query with what JetStream stored before it existed, then stream on from there without a gap or a duplicate", func(ctx SpecContext) {
		subject := contract.NATSStoredRoot + uniqueUID("history")
		for v := range 50 {
			Expect(natsServer.Publish(subject, fmt.Appendf(nil, `{"n":%d}`, v))).To(Succeed())
		}
		// A data source made now (a Grafana restart, a new instance)
		// knows nothing of the subject yet.
		ds := sourceInstance(uniqueUID("nats-history"), "nats", map[string]any{"url": natsServer.URL()}, nil)
		DeferCleanup(retire, host, ds)
		Eventually(func() pluginv2.CheckHealthResponse_HealthStatus { return checkHealth(ctx, ds).GetStatus() }).
			WithTimeout(streamTimeout).Should(Equal(pluginv2.CheckHealthResponse_OK))

		frame := queryFrame(ctx, ds, pluginhost.Query{JSON: fmt.Sprintf(`{"subject":%q,"withStreaming":true,"flushMs":20}`, subject),
			From: time.Now().Add(-time.Hour), To: time.Now(), MaxDataPoints: 1000})
		want := make([]float64, 50)
		for i := range want {
			want[i] = float64(i)
		}
		Expect(fieldValues(frame, "n")).To(Equal(want), "every stored message, in order, at once")

		d := plugindriver.New(host, ds)
		DeferCleanup(d.Close)
		sub, err := d.Subscribe(ctx, frame.Meta.Channel)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Close)
		initial, ok := sub.Initial()
		Expect(ok).To(BeTrue())
		Expect(fieldValues(initial.Frame, "n")).To(Equal(want))
		for v := 50; v < 100; v++ {
			Expect(natsServer.Publish(subject, fmt.Appendf(nil, `{"n":%d}`, v))).To(Succeed())
		}
		var later []float64
		for v := 50; v < 100; v++ {
			later = append(later, float64(v))
		}
		Expect(readValues(ctx, sub, "n", 99)).To(Equal(later), "the stream goes on after the last stored message, each once")
	}, SpecTimeout(3*streamTimeout))

	It("answer a later query over a wider range with the older messages JetStream stored, though the tap began later", func(ctx SpecContext) {
		subject := contract.NATSStoredRoot + uniqueUID("wider")
		for v := range 30 {
			Expect(natsServer.PublishStored(subject, fmt.Appendf(nil, `{"n":%d}`, v), fmt.Sprintf("%s-%d", subject, v))).To(Succeed())
		}
		ds := sourceInstance(uniqueUID("nats-wider"), "nats", map[string]any{"url": natsServer.URL()}, nil)
		DeferCleanup(retire, host, ds)
		Eventually(func() pluginv2.CheckHealthResponse_HealthStatus { return checkHealth(ctx, ds).GetStatus() }).
			WithTimeout(streamTimeout).Should(Equal(pluginv2.CheckHealthResponse_OK))

		// A panel over a range that starts now makes the tap: it holds
		// nothing stored before.
		start := time.Now()
		recent := func() pluginhost.Query {
			return pluginhost.Query{JSON: fmt.Sprintf(`{"subject":%q}`, subject), From: start, To: time.Now().Add(time.Minute), MaxDataPoints: 1000}
		}
		Expect(fieldValues(queryFrame(ctx, ds, recent()), "n")).To(BeEmpty())
		for v := 30; v < 40; v++ {
			Expect(natsServer.Publish(subject, fmt.Appendf(nil, `{"n":%d}`, v))).To(Succeed())
		}
		Eventually(func() []float64 { return fieldValues(queryFrame(ctx, ds, recent()), "n") }).WithTimeout(streamTimeout).Should(HaveLen(10))

		// The last hour: the thirty stored before come from the stream,
		// then the tap's ten, each once and in order.
		wide := pluginhost.Query{JSON: fmt.Sprintf(`{"subject":%q}`, subject), From: start.Add(-time.Hour), To: time.Now().Add(time.Minute), MaxDataPoints: 1000}
		want := make([]float64, 40)
		for i := range want {
			want[i] = float64(i)
		}
		Expect(fieldValues(queryFrame(ctx, ds, wide), "n")).To(Equal(want))
		wide.MaxDataPoints = 15
		Expect(fieldValues(queryFrame(ctx, ds, wide), "n")).To(Equal(want[25:]), "the newest maxDataPoints")
	}, SpecTimeout(3*streamTimeout))

	It("say in plain words that the server refused the credentials, never repeating them", func(ctx SpecContext) {
		secured, err := natstest.Start(natstest.Config{Auth: natstest.AuthToken})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(secured.Stop)
		ds := sourceInstance(uniqueUID("nats-token"), "nats", map[string]any{"url": secured.URL(), "authType": "token"},
			map[string]string{"token": "wrong-" + secretMarker})
		DeferCleanup(retire, host, ds)
		health := checkHealth(ctx, ds)
		Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
		Expect(health.GetMessage()).To(ContainSubstring("refused the credentials"))
		Expect(health.GetMessage()).NotTo(ContainSubstring(secretMarker))

		right := sourceInstance(uniqueUID("nats-token-ok"), "nats", map[string]any{"url": secured.URL(), "authType": "token"},
			map[string]string{"token": secured.Token})
		DeferCleanup(retire, host, right)
		Eventually(func() string { return checkHealth(ctx, right).GetMessage() }).WithTimeout(streamTimeout).
			Should(HavePrefix("Connected to NATS at " + secured.URL()))
		Expect(pluginStderr.String()).NotTo(ContainSubstring(secretMarker))
		Expect(pluginStderr.String()).NotTo(ContainSubstring(secured.Token))
	}, SpecTimeout(3*streamTimeout))

	It("connect with the content of a .creds file to a server in operator mode, and say in plain words when it refuses one, never repeating its JWT or seed", func(ctx SpecContext) {
		operator, err := natstest.Start(natstest.Config{Auth: natstest.AuthOperator, NoJetStream: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(operator.Stop)
		right := sourceInstance(uniqueUID("nats-creds-ok"), "nats", map[string]any{"url": operator.URL(), "authType": "credentials"},
			map[string]string{"credentials": operator.Creds})
		DeferCleanup(retire, host, right)
		Eventually(func() string { return checkHealth(ctx, right).GetMessage() }).WithTimeout(streamTimeout).
			Should(HavePrefix("Connected to NATS at " + operator.URL()))

		revoked := sourceInstance(uniqueUID("nats-creds-revoked"), "nats", map[string]any{"url": operator.URL(), "authType": "credentials"},
			map[string]string{"credentials": operator.RevokedCreds})
		DeferCleanup(retire, host, revoked)
		health := checkHealth(ctx, revoked)
		Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
		Expect(health.GetMessage()).To(ContainSubstring("refused the credentials"))
		for _, secret := range append(credsSecrets(operator.Creds), credsSecrets(operator.RevokedCreds)...) {
			Expect(health.GetMessage()).NotTo(ContainSubstring(secret))
			Expect(pluginStderr.String()).NotTo(ContainSubstring(secret))
		}
	}, SpecTimeout(3*streamTimeout))

	DescribeTable("with bad settings are an ERROR that names the field, and never repeat a secret",
		func(ctx SpecContext, jsonData map[string]any, secure map[string]string, mention string) {
			ds := sourceInstance(uniqueUID("nats-bad"), "nats", jsonData, secure)
			health := checkHealth(ctx, ds)
			Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
			Expect(health.GetMessage()).To(MatchRegexp(mention))
			Expect(health.GetMessage()).NotTo(ContainSubstring(secretMarker))
			resp := queryAll(ctx, ds, pluginhost.Query{RefID: "A", JSON: `{"subject":"pulse.x"}`, From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})["A"]
			Expect(resp.GetError()).To(MatchRegexp(mention))
			Expect(resp.GetError()).NotTo(ContainSubstring(secretMarker))
			Expect(pluginStderr.String()).NotTo(ContainSubstring(secretMarker))
			healthy(ctx)
		},
		Entry("no url", map[string]any{}, map[string]string{"token": secretMarker}, `url`),
		Entry("an http url", map[string]any{"url": "http://127.0.0.1:4222"}, map[string]string{"token": secretMarker}, `url`),
		Entry("a password in the url", map[string]any{"url": "nats://alice:" + secretMarker + "@127.0.0.1:4222"}, nil, `url`),
		Entry("an unknown authType", map[string]any{"url": "nats://127.0.0.1:4222", "authType": "kerberos"}, map[string]string{"token": secretMarker}, `authType`),
		Entry("token auth without a token", map[string]any{"url": "nats://127.0.0.1:4222", "authType": "token"}, map[string]string{"password": secretMarker}, `token`),
		Entry("an NKey seed that is not one", map[string]any{"url": "nats://127.0.0.1:4222", "authType": "nkey"}, map[string]string{"nkeySeed": secretMarker}, `nkeySeed`),
		Entry("an invalid allowedTopics subject", map[string]any{"url": "nats://127.0.0.1:4222", "allowedTopics": []string{"pulse.>.x"}}, map[string]string{"token": secretMarker}, `allowedTopics`),
	)
})
