package nats_test

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// openSource makes a NATS data source's Source from its jsonData (as an
// object) and secureJsonData, closed when the spec ends.
func openSource(jsonData map[string]any, secure map[string]string) (source.Source, *streaming.Metrics) {
	GinkgoHelper()
	return feedtest.OpenSource(nats.Factory(fastOptions), "nats-spec", jsonData, secure)
}

// field is the values of frame's field name as text; nil without one.
func field(f *data.Frame, name string) []string {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return feedtest.Text(fl)
		}
	}
	return nil
}

// joinsWithoutGap checks, row by row, that the query's rows, the rows a
// viewer was given and the streamed rows together are 1 … total, each
// once: the query's are 1 … k, the viewer's a run that starts within or
// right after them, and the stream's go on right after the viewer's.
func joinsWithoutGap(queried, given []string, streamed func() []string, total int) {
	GinkgoHelper()
	k := len(queried)
	Expect(queried).To(Equal(upTo(1, k)), "the query's rows")
	Expect(given).NotTo(BeEmpty())
	first, err := strconv.Atoi(given[0])
	Expect(err).NotTo(HaveOccurred())
	Expect(first).To(BeNumerically("<=", k+1), "the viewer's rows start within or right after the query's")
	Expect(given).To(Equal(upTo(first, first+len(given)-1)), "the viewer's rows")
	last := first + len(given) - 1
	Eventually(streamed).WithTimeout(60*time.Second).Should(Equal(upTo(last+1, total)), "the streamed rows go on after the viewer's")
	Consistently(streamed).WithTimeout(500*time.Millisecond).Should(HaveLen(total-last), "and nothing comes twice")
}

var _ = Describe("The NATS source", func() {
	It("joins a stream's stored messages to live ones without a gap or a duplicate, row by row, while messages keep coming", func() {
		feedtest.NoLeaks()
		subject := stream(shared) + ".temp"
		const stored, live = 300, 300
		store(shared, subject, 1, stored)
		src, m := openSource(map[string]any{"source": "nats", "url": shared.URL()}, nil)
		done := storeAsync(shared, subject, stored+1, stored+live)
		frames, path := feedtest.QueryFrames(src, map[string]any{"subject": subject, "withStreaming": true, "flushMs": 10})
		Expect(path).To(HavePrefix("nats/"))
		Expect(frames).To(HaveLen(1))
		queried := field(frames[0], "n")
		Expect(len(queried)).To(BeNumerically(">=", stored), "the query waits for the replay")
		initial, rec := feedtest.Stream(src, path)
		Eventually(done).WithTimeout(60 * time.Second).Should(Receive(BeNil()))
		joinsWithoutGap(queried, field(initial, "n"), func() []string { return rec.Values("n") }, stored+live)
		Expect(testutil.ToFloat64(m.FeedMessages.WithLabelValues("nats"))).To(BeEquivalentTo(stored + live))
	})

	It("joins them also across a server restart in the middle", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{})
		subject := stream(s) + ".temp"
		const stored, live = 100, 300
		store(s, subject, 1, stored)
		src, m := openSource(map[string]any{"source": "nats", "url": s.URL()}, nil)
		done := storeAsync(s, subject, stored+1, stored+live)
		frames, path := feedtest.QueryFrames(src, map[string]any{"subject": subject, "withStreaming": true, "flushMs": 10})
		queried := field(frames[0], "n")
		initial, rec := feedtest.Stream(src, path)
		Eventually(func() int { return len(rec.Values("n")) }).WithTimeout(30 * time.Second).Should(BeNumerically(">=", 20))
		Expect(s.Kill()).To(Succeed())
		Expect(s.Restart()).To(Succeed())
		Eventually(done).WithTimeout(60 * time.Second).Should(Receive(BeNil()))
		joinsWithoutGap(queried, field(initial, "n"), func() []string { return rec.Values("n") }, stored+live)
		Eventually(func() float64 { return testutil.ToFloat64(m.FeedReconnects.WithLabelValues("nats")) }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 1))
	})

	It("streams every subject of a wildcard as its own series, labelled subject=<subject>", func() {
		feedtest.NoLeaks()
		root := "live." + unique()
		src, _ := openSource(map[string]any{"source": "nats", "url": shared.URL()}, nil)
		for _, tc := range []struct{ query, a, b string }{
			{root + ".*.temp", root + ".kitchen.temp", root + ".hall.temp"},
			{root + ".>", root + ".kitchen", root + ".hall.x.y"},
		} {
			_, path := feedtest.QueryFrames(src, map[string]any{"subject": tc.query, "withStreaming": true, "flushMs": 10})
			_, rec := feedtest.Stream(src, path)
			var wantA []string
			for i := range 40 {
				subject := []string{tc.a, tc.b}[i%2]
				Expect(shared.Publish(subject, payload(i))).To(Succeed())
				if subject == tc.a {
					wantA = append(wantA, strconv.Itoa(i))
				}
			}
			Eventually(func() []string { return rec.Values("n " + tc.a) }).WithTimeout(20*time.Second).Should(Equal(wantA), tc.query)
			Eventually(func() []string { return rec.Values("n " + tc.b) }).WithTimeout(20*time.Second).Should(HaveLen(20), tc.query)
			frames, err := rec.Frames()
			Expect(err).NotTo(HaveOccurred())
			last := frames[len(frames)-1]
			var labels []data.Labels
			for _, f := range last.Fields[1:] {
				labels = append(labels, f.Labels)
			}
			Expect(labels).To(ConsistOf(data.Labels{"subject": tc.a}, data.Labels{"subject": tc.b}), tc.query)
		}
	})

	It("resumes a live stream by itself after the server was killed and restarted", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{NoJetStream: true})
		subject := "live." + unique()
		src, m := openSource(map[string]any{"source": "nats", "url": s.URL()}, nil)
		_, path := feedtest.QueryFrames(src, map[string]any{"subject": subject, "withStreaming": true, "flushMs": 10})
		_, rec := feedtest.Stream(src, path)
		Expect(s.Publish(subject, payload(1))).To(Succeed())
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(20 * time.Second).Should(Equal([]string{"1"}))
		Expect(s.Kill()).To(Succeed())
		Expect(s.Restart()).To(Succeed())
		Eventually(func() []string {
			_ = s.Publish(subject, payload(2))
			return rec.Values("n")
		}).WithTimeout(30 * time.Second).WithPolling(300 * time.Millisecond).Should(ContainElement("2"))
		Eventually(func() float64 { return testutil.ToFloat64(m.FeedReconnects.WithLabelValues("nats")) }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 1))
	})

	It("refuses subjects outside allowedTopics: an error for a query, PermissionDenied for a crafted path", func() {
		root := "allowed." + unique()
		src, _ := openSource(map[string]any{"source": "nats", "url": shared.URL(), "allowedTopics": []string{root + ".>"}}, nil)
		feedtest.QueryFrames(src, map[string]any{"subject": root + ".a.*"})
		_, err := src.Query([]byte(`{"subject": ">"}`), source.Range{})
		Expect(errors.Is(err, nats.ErrNotAllowed)).To(BeTrue(), "%v", err)
		_, err = src.Query([]byte(`{"subject": "a..b"}`), source.Range{})
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeTrue(), "%v", err)
		var fe *streaming.FieldError
		Expect(errors.As(err, &fe)).To(BeTrue())
		Expect(fe.Field).To(Equal("subject"))

		other, _ := openSource(map[string]any{"source": "nats", "url": shared.URL()}, nil)
		_, path := feedtest.QueryFrames(other, map[string]any{"subject": ">", "withStreaming": true})
		_, err = src.Admit(path, time.Now())
		Expect(err).To(HaveOccurred())
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeFalse(), "PermissionDenied, not NotFound: %v", err)
		Expect(errors.Is(err, nats.ErrNotAllowed)).To(BeTrue())
	})

	It("says in plain words whether the server can be reached", func() {
		src, _ := openSource(map[string]any{"source": "nats", "url": shared.URL()}, nil)
		msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(HavePrefix("Connected to NATS at " + shared.URL() + ". JetStream is available"))

		auth := ownServer(natstest.Config{Auth: natstest.AuthToken})
		wrong, _ := openSource(map[string]any{"source": "nats", "url": auth.URL(), "authType": "token"}, map[string]string{"token": "not-" + auth.Token})
		_, err = wrong.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(ContainSubstring("the server refused the credentials (authorization violation)")))
		Expect(err.Error()).NotTo(ContainSubstring(auth.Token))
	})

	It("says in plain words that it connected with the content of a .creds file, or that the server refused it, quoting neither the JWT nor the seed", func() {
		s := ownServer(natstest.Config{Auth: natstest.AuthOperator})
		src, _ := openSource(map[string]any{"source": "nats", "url": s.URL(), "authType": "credentials"}, map[string]string{"credentials": s.Creds})
		msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(HavePrefix("Connected to NATS at " + s.URL() + ". JetStream is available"))
		for _, secret := range credsParts(s.Creds) {
			Expect(msg).NotTo(ContainSubstring(secret))
		}

		wrong, _ := openSource(map[string]any{"source": "nats", "url": s.URL(), "authType": "credentials"}, map[string]string{"credentials": s.RevokedCreds})
		_, err = wrong.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(ContainSubstring("NATS at " + s.URL() + ": the server refused the credentials (authorization violation); check credentials")))
		for _, secret := range credsParts(s.RevokedCreds) {
			Expect(err.Error()).NotTo(ContainSubstring(secret))
		}
	})

	It("refuses bad settings with the field's name, and never echoes a secret", func() {
		for jsonData, want := range map[string]string{
			`{"source":"nats"}`:                                            "url",
			`{"source":"nats","url":"http://x"}`:                           "url",
			`{"source":"nats","url":"nats://x","authType":"kerberos"}`:     "authType",
			`{"source":"nats","url":"nats://x","authType":"userPassword"}`: "username",
			`{"source":"nats","url":"nats://x","allowedTopics":["a..b"]}`:  "allowedTopics",
			`{"source":"nats","url":"nats://x","historyMaxRows":0}`:        "historyMaxRows",
			`{"source":"nats","url":"nats://x","lingerSeconds":-1}`:        "lingerSeconds",
			`{"source":"nats","url":"nats://x","authType":"nkey"}`:         "nkeySeed",
			`{"source":"nats","url":"nats://x","authType":"credentials"}`:  "credentials",
			`{"source":"nats","url":"nats://u:hunter2-secret@x"}`:          "url",
			`{"source":"nats","url":"tls://x","tlsAuthWithCACert":true}`:   "tlsCACert",
			`{"source":"nats","url":"nats://x","authType":"token"}`:        "token",
		} {
			src, err := nats.NewSource(source.Settings{JSONData: []byte(jsonData), Secure: map[string]string{"password": "hunter2-secret", "nkeySeed": "hunter2-secret"}})
			if err == nil {
				src.Close()
			}
			Expect(err).To(MatchError(ContainSubstring(want)), jsonData)
			Expect(err.Error()).NotTo(ContainSubstring("hunter2"), jsonData)
		}
	})

	It("starts at once when the server is down, and says so in its health check", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{})
		url := s.URL()
		Expect(s.Kill()).To(Succeed())
		began := time.Now()
		src, _ := openSource(map[string]any{"source": "nats", "url": url}, nil)
		Expect(time.Since(began)).To(BeNumerically("<", 5*time.Second))
		_, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(ContainSubstring(fmt.Sprintf("could not reach NATS at %s: connection refused", url))))
	})
})
