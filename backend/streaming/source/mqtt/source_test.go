package mqtt_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

// openSource makes an MQTT data source's Source from its jsonData (as an
// object) and secureJsonData, closed when the spec ends.
func openSource(jsonData map[string]any, secure map[string]string) (source.Source, *streaming.Metrics) {
	GinkgoHelper()
	return feedtest.OpenSource(mqtt.Factory(fastOptions), "mqtt-spec", jsonData, secure)
}

var _ = Describe("The MQTT source", func() {
	for _, v := range versions {
		Context("in MQTT "+string(v), func() {
			It("answers QueryData from a topic nobody streams with its retained message, nested keys flattened and the payload's time", func() {
				feedtest.NoLeaks()
				topic := uniqueTopic("retained")
				at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
				newPublisher(shared).publish(topic+"/boiler", fmt.Sprintf(`{"ts": %d, "sensor": {"temp": 71.5, "ok": true}}`, at.UnixMilli()), 1, true)
				src, _ := openSource(map[string]any{"source": "mqtt", "uri": shared.URL("plain"), "protocolVersion": string(v)}, nil)
				raw, err := json.Marshal(map[string]any{"topic": topic + "/+", "timeField": "ts"})
				Expect(err).NotTo(HaveOccurred())
				q, err := src.Query(raw, source.Range{From: at.Add(-time.Minute), To: at.Add(time.Minute)})
				Expect(err).NotTo(HaveOccurred())
				frames, err := q.Frames(feedtest.ContextFor(20 * time.Second))
				Expect(err).NotTo(HaveOccurred())
				Expect(frames).To(HaveLen(1))
				f := frames[0]
				Expect(f.Fields[0].At(0)).To(Equal(at))
				Expect(f.Fields[1].Name).To(Equal("sensor.temp"))
				Expect(f.Fields[1].Labels).To(Equal(data.Labels{"topic": topic + "/boiler"}))
				Expect(feedtest.Text(f.Fields[1])).To(Equal([]string{"71.5"}))
				Expect(f.Fields[2].Name).To(Equal("sensor.ok"))
				Expect(feedtest.Text(f.Fields[2])).To(Equal([]string{"true"}))
			})

			It("streams every topic of a wildcard as its own series, QoS 1 messages once each and in order", func() {
				feedtest.NoLeaks()
				topic := uniqueTopic("series")
				src, m := openSource(map[string]any{"source": "mqtt", "uri": shared.URL("plain"), "protocolVersion": string(v)}, nil)
				_, path := feedtest.QueryFrames(src, map[string]any{"topic": topic + "/#", "withStreaming": true, "flushMs": 10})
				Expect(path).To(HavePrefix("mqtt/v1/10/"))
				_, rec := feedtest.Stream(src, path)
				pub := newPublisher(shared)
				var want []string
				for i := range 200 {
					room := []string{"kitchen", "hall"}[i%2]
					pub.publish(topic+"/"+room, fmt.Sprintf(`{"n": %d}`, i), 1, false)
					if room == "kitchen" {
						want = append(want, fmt.Sprint(i))
					}
				}
				Eventually(func() []string { return rec.Values("n " + topic + "/kitchen") }).WithTimeout(20 * time.Second).Should(Equal(want))
				Expect(rec.Values("n " + topic + "/hall")).To(HaveLen(100))
				frames, err := rec.Frames()
				Expect(err).NotTo(HaveOccurred())
				last := frames[len(frames)-1]
				Expect(last.Fields).To(HaveLen(3))
				Expect(last.Fields[2].Labels).To(Equal(data.Labels{"topic": topic + "/hall"}))
				Expect(testutil.ToFloat64(m.FeedMessages.WithLabelValues("mqtt"))).To(BeEquivalentTo(200))
			})
		})
	}

	It("answers the first QueryData after it opened with the retained message, though connecting takes longer than the wait for first messages", func() {
		feedtest.NoLeaks()
		topic := uniqueTopic("slowlink")
		newPublisher(shared).publish(topic, `{"v": 7}`, 1, true)
		// Every connection takes a second to reach the broker, four times
		// the 250 ms a fresh query waits for retained messages.
		src, _ := openSource(map[string]any{"source": "mqtt", "uri": slowLink(shared.URL("plain"), time.Second)}, nil)
		q, err := src.Query([]byte(`{"topic": "`+topic+`"}`), source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
		Expect(err).NotTo(HaveOccurred())
		frames, err := q.Frames(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(frames).To(HaveLen(1))
		Expect(frames[0].Fields).To(HaveLen(2))
		Expect(feedtest.Text(frames[0].Fields[1])).To(Equal([]string{"7"}))
		Expect(q.Notices()).To(BeEmpty())
	})

	It("answers a QueryData while the broker is down after a bounded wait, with a notice that says why it is empty", func() {
		src, _ := openSource(map[string]any{"source": "mqtt", "uri": fmt.Sprintf("tcp://127.0.0.1:%d", feedtest.FreePort())}, nil)
		q, err := src.Query([]byte(`{"topic": "plant/#"}`), source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
		Expect(err).NotTo(HaveOccurred())
		start := time.Now()
		frames, err := q.Frames(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically(">=", feed.DefaultSubscribeWait))
		Expect(frames).To(HaveLen(1))
		Expect(frames[0].Rows()).To(BeZero())
		Expect(q.Notices()).To(ConsistOf(HaveField("Text", And(
			ContainSubstring(`has not confirmed the subscription to "plant/#"`), ContainSubstring("Save & test")))))
	})

	It("resumes a stream by itself after the broker was killed and restarted, and counts the reconnect", func() {
		feedtest.NoLeaks()
		b := newBroker(mqtttest.Listeners{})
		DeferCleanup(b.Stop)
		topic := uniqueTopic("restart")
		src, m := openSource(map[string]any{"source": "mqtt", "uri": b.URL("plain")}, nil)
		_, path := feedtest.QueryFrames(src, map[string]any{"topic": topic, "withStreaming": true, "flushMs": 10})
		_, rec := feedtest.Stream(src, path)
		pub, err := mqtttest.NewPublisher(b.URL("plain"))
		Expect(err).NotTo(HaveOccurred())
		Expect(pub.Publish(topic, `{"n": 1}`, 1, false)).To(Succeed())
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(20 * time.Second).Should(Equal([]string{"1"}))
		pub.Close()

		kill(b)
		restart(b)
		// The subscription is back once a message published now arrives.
		Eventually(func() []string {
			p, err := mqtttest.NewPublisher(b.URL("plain"))
			if err != nil {
				return nil
			}
			defer p.Close()
			_ = p.Publish(topic, `{"n": 2}`, 1, false)
			return rec.Values("n")
		}).WithTimeout(30 * time.Second).WithPolling(500 * time.Millisecond).Should(ContainElement("2"))
		Eventually(func() float64 { return testutil.ToFloat64(m.FeedReconnects.WithLabelValues("mqtt")) }).WithTimeout(10 * time.Second).Should(BeNumerically(">=", 1))
	})

	It("refuses topics outside allowedTopics: an error for a query, PermissionDenied for a crafted path", func() {
		topic := uniqueTopic("allowed")
		src, _ := openSource(map[string]any{"source": "mqtt", "uri": shared.URL("plain"), "allowedTopics": []string{topic + "/#"}}, nil)
		feedtest.QueryFrames(src, map[string]any{"topic": topic + "/a/+"})
		_, err := src.Query([]byte(`{"topic": "#"}`), source.Range{})
		Expect(errors.Is(err, mqtt.ErrNotAllowed)).To(BeTrue(), "%v", err)

		other, _ := openSource(map[string]any{"source": "mqtt", "uri": shared.URL("plain")}, nil)
		_, path := feedtest.QueryFrames(other, map[string]any{"topic": "#", "withStreaming": true})
		_, err = src.Admit(path, time.Now())
		Expect(err).To(HaveOccurred())
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeFalse(), "PermissionDenied, not NotFound: %v", err)
		Expect(errors.Is(err, mqtt.ErrNotAllowed)).To(BeTrue())
	})

	It("says in plain words whether the broker can be reached", func() {
		src, _ := openSource(map[string]any{"source": "mqtt", "uri": shared.URL("plain")}, nil)
		msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(HavePrefix("Connected to the MQTT broker at " + shared.URL("plain") + " (MQTT 3.1.1)."))

		down, _ := openSource(map[string]any{"source": "mqtt", "uri": fmt.Sprintf("tcp://127.0.0.1:%d", feedtest.FreePort())}, nil)
		_, err = down.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(ContainSubstring("refused")))

		wrong, _ := openSource(map[string]any{"source": "mqtt", "uri": shared.URL("auth"), "username": mqtttest.AliceName},
			map[string]string{"password": "not-" + mqtttest.AlicePassword})
		_, err = wrong.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).NotTo(ContainSubstring(mqtttest.AlicePassword))
	})

	It("refuses bad settings with the field's name, and never echoes a secret", func() {
		for jsonData, want := range map[string]string{
			`{"source":"mqtt"}`:                                    "uri",
			`{"source":"mqtt","uri":"http://x"}`:                   "uri",
			`{"source":"mqtt","uri":"tcp://x","historyMaxRows":0}`: "historyMaxRows",
			`{"source":"mqtt","uri":"tcp://x","lingerSeconds":-1}`: "lingerSeconds",
		} {
			_, err := mqtt.NewSource(source.Settings{JSONData: []byte(jsonData), Secure: map[string]string{"password": "hunter2-secret"}})
			Expect(err).To(MatchError(ContainSubstring(want)), jsonData)
			Expect(err.Error()).NotTo(ContainSubstring("hunter2"))
		}
	})
})
