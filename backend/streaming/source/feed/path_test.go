package feed_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// pathOf is the channel path QueryData gives a streaming query.
func pathOf(f *feed.Feed, fields map[string]any) string {
	GinkgoHelper()
	fields["withStreaming"] = true
	q, err := f.Query(query(fields), source.Range{From: time.Now().Add(-time.Hour), To: time.Now()})
	Expect(err).NotTo(HaveOccurred())
	return q.Path()
}

var _ = Describe("Channel paths", func() {
	var f *feed.Feed
	BeforeEach(func() {
		f, _, _ = newFeed(feed.Settings{})
		DeferCleanup(f.Close)
	})

	It("encode any topic, spaces and non-ASCII included, in Grafana's characters, and decode to the same query", func() {
		for _, topic := range []string{"sensors/+/temp", "a b/ç/日本/#", "/leading//empty/", "x=y.z_-~!$&'()*"[:5]} {
			path := pathOf(f, map[string]any{"topic": topic, "timeField": "ts", "fields": []string{"a.b", "c"}, "flushMs": 250})
			Expect(path).To(MatchRegexp(`^mqtt/v1/250/[A-Za-z0-9_\-]+$`))
			channel, err := source.Channel("uid-of-the-spec", path)
			Expect(err).NotTo(HaveOccurred())
			Expect(channel).To(MatchRegexp(`^[A-Za-z0-9_\-/=.]+$`))
			_, err = f.Admit(path, time.Now())
			Expect(err).NotTo(HaveOccurred(), "topic %q", topic)
		}
	})

	It("differ for queries that read differently, and not for the same query written twice", func() {
		a := pathOf(f, map[string]any{"topic": "t", "fields": []string{"a", "b"}})
		Expect(pathOf(f, map[string]any{"topic": "t", "fields": []string{"a", "b"}, "flushMs": 100})).To(Equal(a))
		Expect(pathOf(f, map[string]any{"topic": "t", "fields": []string{"b", "a"}})).NotTo(Equal(a))
		Expect(pathOf(f, map[string]any{"topic": "t", "timeField": "a"})).NotTo(Equal(a))
		Expect(pathOf(f, map[string]any{"topic": "t", "fields": []string{"a", "b"}, "flushMs": 101})).NotTo(Equal(a))
	})

	It("refuse, as never written (NotFound), every path that is not canonical or not this source's", func() {
		good := pathOf(f, map[string]any{"topic": "t"})
		enc := good[strings.LastIndex(good, "/")+1:]
		for _, bad := range []string{
			"",
			"v1/random_walk/1000/0/0/10/0/1/100", // a signals path
			"nats/v1/100/" + enc,
			"mqtt/v2/100/" + enc,
			"mqtt/v1/0100/" + enc,
			"mqtt/v1/100/" + enc + "=",
			"mqtt/v1/100/" + enc + "/x",
			"mqtt/v1/9/" + enc,
			"mqtt/v1/10001/" + enc,
			"mqtt/v1/100/" + base64.StdEncoding.EncodeToString([]byte("a+b\x00")), // not url-safe
			"mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("no-time-field")),
			"mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("\x00")),                            // no topic
			"mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("bad!\x00")),                        // Check: malformed
			"mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("t\x00\x00")),                       // an empty field path
			"mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("t\x00"+strings.Repeat("x", 2000))), // a path too long
		} {
			_, err := f.Admit(bad, time.Now())
			Expect(errors.Is(err, streaming.ErrMalformed)).To(BeTrue(), "path %q: %v", bad, err)
		}
	})

	It("refuse a well-formed path whose topic the settings do not allow (PermissionDenied), without subscribing", func() {
		path := "mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("secret/x\x00"))
		_, err := f.Admit(path, time.Now())
		Expect(err).To(HaveOccurred())
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeFalse())
		Expect(err.Error()).To(ContainSubstring("allowedTopics"))
	})

	It("refuse a streaming query whose channel would pass Grafana's 160 characters, saying how long it would be", func() {
		topic := strings.Repeat("t", 120)
		long := len("ds/uid-of-the-spec/mqtt/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte(topic+"\x00")))
		_, err := f.Query(query(map[string]any{"topic": topic, "withStreaming": true}), source.Range{})
		Expect(err).To(MatchError(And(ContainSubstring("allows 160"), ContainSubstring(fmt.Sprintf("would be %d characters", long)))))
		// Without streaming there is no channel, and no limit.
		q, err := f.Query(query(map[string]any{"topic": strings.Repeat("t", 120)}), source.Range{})
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Path()).To(BeEmpty())
	})
})
