package hostspec_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// The MQTT source through the built plugin, for what the feed contract
// (contract_test.go) does not cover: settings, health in plain words,
// credentials, Grafana's channel length, the stream limits, settings
// changes, metrics, and what a disposed data source leaves behind. The
// suite's mosquitto (hostspec_suite_test.go) has a plain and an auth
// listener.
var _ = Describe("MQTT data sources", func() {
	DescribeTable("with bad settings are an ERROR that names the field, in health checks and queries, and never repeat a secret",
		func(ctx SpecContext, jsonData map[string]any, secure map[string]string, mention string) {
			ds := mqttInstance(uniqueUID("mqtt-bad"), jsonData, secure)
			health := checkHealth(ctx, ds)
			Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
			Expect(health.GetMessage()).To(MatchRegexp(mention))
			Expect(health.GetMessage()).NotTo(ContainSubstring(secretMarker))

			resp := queryAll(ctx, ds, pluginhost.Query{RefID: "A", JSON: `{"topic":"pulse/x","withStreaming":true}`, From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})["A"]
			Expect(resp.GetError()).To(MatchRegexp(mention))
			Expect(resp.GetError()).NotTo(ContainSubstring(secretMarker))
			Expect(resp.GetFrames()).To(BeEmpty())

			sub, err := host.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest(contract.MQTTChannelPath(100, "pulse/x", "")))
			Expect(err).NotTo(HaveOccurred())
			Expect(sub.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_PERMISSION_DENIED))

			Expect(pluginStderr.String()).NotTo(ContainSubstring(secretMarker), "no secret in the plugin's log")
			healthy(ctx)
		},
		Entry("no uri", map[string]any{}, map[string]string{"password": secretMarker}, `uri.*required`),
		Entry("an http uri", map[string]any{"uri": "http://127.0.0.1:1883"}, map[string]string{"password": secretMarker}, `uri`),
		Entry("a password in the uri", map[string]any{"uri": "tcp://alice:" + secretMarker + "@127.0.0.1:1883"}, nil, `uri.*must not hold a user name or password`),
		Entry("an unknown protocolVersion", map[string]any{"uri": "tcp://127.0.0.1:1883", "protocolVersion": "4"}, map[string]string{"password": secretMarker}, `protocolVersion`),
		Entry("an invalid allowedTopics filter", map[string]any{"uri": "tcp://127.0.0.1:1883", "allowedTopics": []string{"pulse/#/x"}}, map[string]string{"password": secretMarker}, `allowedTopics`),
		Entry("allowedTopics not a list", map[string]any{"uri": "tcp://127.0.0.1:1883", "allowedTopics": "pulse/#"}, map[string]string{"password": secretMarker}, `allowedTopics`),
		Entry("historyMaxRows 0", map[string]any{"uri": "tcp://127.0.0.1:1883", "historyMaxRows": 0}, map[string]string{"password": secretMarker}, `historyMaxRows`),
		Entry("lingerSeconds below 0", map[string]any{"uri": "tcp://127.0.0.1:1883", "lingerSeconds": -1}, map[string]string{"password": secretMarker}, `lingerSeconds`),
		Entry("maxStreams 0", map[string]any{"uri": "tcp://127.0.0.1:1883", "maxStreams": 0}, map[string]string{"password": secretMarker}, `maxStreams`),
		Entry("tlsAuth without a client certificate", map[string]any{"uri": "ssl://127.0.0.1:8883", "tlsAuth": true}, map[string]string{"tlsClientKey": secretMarker}, `tlsClientCert`),
		Entry("tlsAuth with a certificate and key that are not PEM", map[string]any{"uri": "ssl://127.0.0.1:8883", "tlsAuth": true}, map[string]string{"tlsClientCert": secretMarker, "tlsClientKey": secretMarker}, `tlsClientKey`),
		Entry("tlsAuthWithCACert with a CA that is not PEM", map[string]any{"uri": "ssl://127.0.0.1:8883", "tlsAuthWithCACert": true}, map[string]string{"tlsCACert": secretMarker}, `tlsCACert`),
	)

	It("says in plain words that nothing accepts connections at a broker that is not there", func(ctx SpecContext) {
		ds := mqttInstance(uniqueUID("mqtt-down"), map[string]any{"uri": fmt.Sprintf("tcp://127.0.0.1:%d", freeLoopbackPort())}, nil)
		DeferCleanup(retire, host, ds)
		health := checkHealth(ctx, ds)
		Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
		Expect(health.GetMessage()).To(HavePrefix("connection refused: nothing accepts connections at 127.0.0.1:"))
		Expect(health.GetMessage()).To(ContainSubstring("check the host and port in uri"))
	}, SpecTimeout(2*callTimeout))

	DescribeTable("says in plain words that the broker refused the credentials, naming the user and never the password",
		func(ctx SpecContext, username, password, mention string) {
			ds := mqttInstance(uniqueUID("mqtt-creds"), map[string]any{"uri": broker.URL("auth"), "username": username}, map[string]string{"password": password})
			DeferCleanup(retire, host, ds)
			health := checkHealth(ctx, ds)
			Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
			Expect(health.GetMessage()).To(MatchRegexp(mention))
			Expect(health.GetMessage()).NotTo(ContainSubstring(password))
			Expect(pluginStderr.String()).NotTo(ContainSubstring(password), "no password in the plugin's log")
		},
		Entry("a wrong password", mqtttest.AliceName, "wrong-"+secretMarker, `^not authorized: the broker refused the user "?alice"?: a wrong password`),
		Entry("an unknown user", "mallory", secretMarker, `^not authorized: the broker refused the user "?mallory"?`),
		Entry("no user at all", "", secretMarker, `^not authorized: the broker refused an anonymous connection; set username and password`),
	)

	It("streams pulse/… topics for a data source with a user name and password (alice on the auth listener)", func(ctx SpecContext) {
		ds := mqttInstance(uniqueUID("mqtt-alice"), map[string]any{"uri": broker.URL("auth"), "username": mqtttest.AliceName},
			map[string]string{"password": mqtttest.AlicePassword})
		DeferCleanup(retire, host, ds)
		Eventually(func() string { return checkHealth(ctx, ds).GetMessage() }).WithTimeout(streamTimeout).WithPolling(time.Second).
			Should(HavePrefix("Connected to the MQTT broker at " + broker.URL("auth") + " (MQTT 3.1.1)."))

		d := plugindriver.New(host, ds)
		DeferCleanup(d.Close)
		topic := uniqueRoot() + "/boiler"
		sub, err := d.Subscribe(ctx, streamingChannel(ctx, ds, topic))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Close)
		publishValues(topic, 1, 2, 3)
		Expect(readValues(ctx, sub, "n", 3)).To(Equal([]float64{1, 2, 3}))
		Expect(pluginStderr.String()).NotTo(ContainSubstring(mqtttest.AlicePassword))
	}, SpecTimeout(3*streamTimeout))

	It("refuses a streaming query whose channel would pass Grafana's 160 characters, saying so, and answers it without streaming", func(ctx SpecContext) {
		topic := uniqueRoot() + "/" + strings.Repeat("long", 30)
		resp := queryAll(ctx, mqttDS, pluginhost.Query{RefID: "A", JSON: fmt.Sprintf(`{"topic":%q,"withStreaming":true}`, topic), From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})["A"]
		Expect(resp.GetError()).To(ContainSubstring("Grafana allows 160 for ds/<data source uid>/<path>"))
		Expect(resp.GetError()).To(MatchRegexp(`channel would be \d+ characters long`))
		Expect(resp.GetError()).To(ContainSubstring("topic"))
		Expect(resp.GetFrames()).To(BeEmpty())

		queryFrame(ctx, mqttDS, pluginhost.Query{JSON: fmt.Sprintf(`{"topic":%q}`, topic), From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})
	})

	It("refuses a viewer of a new channel past the data source's maxStreams with PermissionDenied, and counts it; a query of a new topic too", Serial, func(ctx SpecContext) {
		ds := mqttInstance(uniqueUID("mqtt-max-streams"), map[string]any{"uri": broker.URL("plain"), "maxStreams": 2}, nil)
		DeferCleanup(retire, host, ds)
		health := checkHealth(ctx, ds)
		Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_OK), health.GetMessage())
		Expect(health.GetMessage()).To(ContainSubstring("up to 2 streams run at once"))
		refusedBefore, _ := metricSample(collect(ctx, host), "pulse_stream_refused_total", map[string]string{"limit": "data_source"})

		d := plugindriver.New(host, ds)
		DeferCleanup(d.Close)
		root := uniqueRoot()
		channel := func(name string) string { return ds.ChannelPrefix() + contract.MQTTChannelPath(100, root+"/"+name, "") }
		for _, name := range []string{"a", "b"} {
			sub, err := d.Subscribe(ctx, channel(name))
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(sub.Close)
		}
		_, err := d.Subscribe(ctx, channel("c"))
		var refused *contract.RefusedError
		Expect(errors.As(err, &refused)).To(BeTrue(), "a refusal, not %v", err)
		Expect(contract.StatusName(refused.Status)).To(Equal("PermissionDenied"))
		again, err := d.Subscribe(ctx, channel("a"))
		Expect(err).NotTo(HaveOccurred(), "another viewer of a streamed channel")
		again.Close()
		refusedAfter, ok := metricSample(collect(ctx, host), "pulse_stream_refused_total", map[string]string{"limit": "data_source"})
		Expect(ok).To(BeTrue())
		Expect(refusedAfter - refusedBefore).To(Equal(1.0))

		resp := queryAll(ctx, ds, pluginhost.Query{RefID: "A", JSON: fmt.Sprintf(`{"topic":%q}`, root+"/d"), From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})["A"]
		Expect(resp.GetError()).To(ContainSubstring("too many topics followed at once"))
		Expect(resp.GetError()).To(ContainSubstring("maxStreams"))
	}, SpecTimeout(3*streamTimeout))

	It("reports its messages and its connection in the plugin's metrics, as Grafana scrapes them", func(ctx SpecContext) {
		labels := map[string]string{"source": "mqtt", "datasource": mqttDS.UID}
		before, _ := metricSample(collect(ctx, host), "pulse_feed_messages_total", map[string]string{"source": "mqtt"})
		topic := uniqueRoot() + "/boiler"
		sub, err := feedDriver.Subscribe(ctx, streamingChannel(ctx, mqttDS, topic))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Close)
		publishValues(topic, 1, 2, 3)
		readValues(ctx, sub, "n", 3)

		Eventually(func(g Gomega) {
			text := collect(ctx, host)
			messages, ok := metricSample(text, "pulse_feed_messages_total", map[string]string{"source": "mqtt"})
			g.Expect(ok).To(BeTrue(), "pulse_feed_messages_total{source=\"mqtt\"}")
			g.Expect(messages - before).To(BeNumerically(">=", 3))
			connected, ok := metricSample(text, "pulse_feed_connected", labels)
			g.Expect(ok).To(BeTrue(), "pulse_feed_connected of %s", mqttDS.UID)
			g.Expect(connected).To(Equal(1.0))
			rows, ok := metricSample(text, "pulse_history_rows", labels)
			g.Expect(ok).To(BeTrue(), "pulse_history_rows of %s", mqttDS.UID)
			g.Expect(rows).To(BeNumerically(">=", 3))
		}).WithTimeout(streamTimeout).WithPolling(250 * time.Millisecond).Should(Succeed())

		// Grafana serves the same at /api/plugins/<id>/metrics.
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, feedStandIn.URL+"/api/plugins/"+pluginhost.PluginID+"/metrics", nil)
		Expect(err).NotTo(HaveOccurred())
		req.SetBasicAuth(grafanaLikeUser, grafanaLikePassword)
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		connected, ok := metricSample(body, "pulse_feed_connected", labels)
		Expect(ok).To(BeTrue())
		Expect(connected).To(Equal(1.0))
	}, SpecTimeout(3*streamTimeout))

	It("closes the old broker connection when the settings change, ends the old streams, and leaves no goroutine or connection behind once disposed", Serial, func(ctx SpecContext) {
		// A plugin of its own, serving its goroutines over pprof, so that
		// what is left of MQTT is this spec's data source's alone.
		pprofPort := freeLoopbackPort()
		stderr := &lockedBuffer{}
		h, err := pluginhost.Start(ctx, pluginhost.Options{
			Binary: binaryPath, LogOutput: GinkgoWriter, Stderr: stderr,
			Env: []string{"GF_PLUGIN_PROFILING_ENABLED=true", fmt.Sprintf("GF_PLUGIN_PROFILING_PORT=%d", pprofPort)},
		})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(h.Close)
		mqttGoroutines := func(ctx context.Context) ([]string, error) {
			dump, err := goroutines(ctx, pprofPort)
			if err != nil {
				return nil, err
			}
			var found []string
			for _, g := range strings.Split(dump, "\n\n") {
				if strings.Contains(g, "paho") || strings.Contains(g, "/source/mqtt.") || strings.Contains(g, "/source/feed.") {
					found = append(found, g)
				}
			}
			return found, nil
		}

		uid := uniqueUID("mqtt-replaced")
		oldID, newID := "pulse-old-"+uid[len(uid)-8:], "pulse-new-"+uid[len(uid)-8:]
		settings := func(clientID string) map[string]any {
			return map[string]any{"uri": broker.URL("plain"), "clientID": clientID}
		}
		oldDS := mqttInstance(uid, settings(oldID), nil)
		newDS := mqttInstance(uid, settings(newID), nil)
		newDS.Updated = oldDS.Updated.Add(time.Minute)

		health := func(ds pluginhost.Instance) string {
			resp, err := h.Diagnostics.CheckHealth(ctx, ds.CheckHealthRequest())
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_OK), resp.GetMessage())
			return resp.GetMessage()
		}
		channel := func(ds pluginhost.Instance, topic string) string {
			return ds.ChannelPrefix() + contract.MQTTChannelPath(20, topic, "")
		}

		// The old settings: connected, streaming.
		health(oldDS)
		oldDriver := plugindriver.New(h, oldDS)
		DeferCleanup(oldDriver.Close)
		topic := uniqueRoot() + "/boiler"
		oldSub, err := oldDriver.Subscribe(ctx, channel(oldDS, topic))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(oldSub.Close)
		publishValues(topic, 1)
		Expect(readValues(ctx, oldSub, "n", 1)).To(Equal([]float64{1}))
		Expect(brokerLines(broker, clientConnected(oldID))).To(Equal(1), "one connection for the old settings")
		Eventually(mqttGoroutines).WithContext(ctx).WithTimeout(streamTimeout).Should(Not(BeEmpty()), "the check sees the MQTT client's goroutines")

		// The new settings, as Grafana sends them after a save: a new
		// instance, and the old one disposed of (the SDK waits 5 s).
		health(newDS)
		Eventually(func() int { return brokerLines(broker, clientGone(oldID)) }).WithTimeout(streamTimeout).WithPolling(250*time.Millisecond).
			Should(Equal(1), "the old connection closed: %s", func() string { return broker.Logs() })
		endCtx, cancel := context.WithTimeout(ctx, streamTimeout)
		defer cancel()
		_, err = oldSub.Next(endCtx)
		Expect(err).To(MatchError(contract.ErrEnded), "the old stream ended")
		Expect(err).To(MatchError(ContainSubstring("replaced by a newer version of its settings")))

		newDriver := plugindriver.New(h, newDS)
		DeferCleanup(newDriver.Close)
		newSub, err := newDriver.Subscribe(ctx, channel(newDS, topic))
		Expect(err).NotTo(HaveOccurred(), "the new settings stream the same channel")
		DeferCleanup(newSub.Close)
		publishValues(topic, 2)
		Expect(readValues(ctx, newSub, "n", 2)).To(Equal([]float64{2}))
		Expect(brokerLines(broker, clientConnected(newID))).To(Equal(1), "one connection for the new settings")
		newSub.Close()

		// Settings without MQTT: once disposed, nothing of MQTT is left.
		retire(ctx, h, newDS)
		Eventually(func() int { return brokerLines(broker, clientGone(newID)) }).WithTimeout(streamTimeout).WithPolling(250*time.Millisecond).
			Should(Equal(1), "the new connection closed too")
		Eventually(mqttGoroutines).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(time.Second).
			Should(BeEmpty(), "no goroutine of the MQTT client or the feed is left")
		Eventually(func(g Gomega) {
			_, ok := metricSample(collect(ctx, h), "pulse_feed_connected", map[string]string{"datasource": uid})
			g.Expect(ok).To(BeFalse(), "the disposed data source's connection gauge is gone")
		}).WithTimeout(streamTimeout).Should(Succeed())
		for _, id := range []string{oldID, newID} {
			Expect(brokerLines(broker, clientConnected(id))).To(Equal(brokerLines(broker, clientGone(id))), "every connection of %s ended", id)
		}

		Expect(h.Exited()).To(BeFalse())
		Expect(stderr.String()).NotTo(ContainSubstring("WARNING: DATA RACE"))
		Expect(stderr.String()).NotTo(MatchRegexp(`(?m)^(panic: |fatal error: )`))
	}, SpecTimeout(6*streamTimeout))
})
