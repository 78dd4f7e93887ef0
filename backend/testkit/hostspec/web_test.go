package hostspec_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
	"github.com/pulse-datasource/pulse/backend/testkit/feedhub"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// The HTTP and WebSocket sources through the built plugin, for what the
// feed contract (web_feeds_test.go) does not cover: settings, credentials
// and health in plain words, never repeating a secret.
var _ = Describe("HTTP and WebSocket data sources", func() {
	for _, k := range []struct {
		kind   contract.FeedKind
		scheme string
	}{{contract.SSEKind, "http"}, {contract.WebSocketKind, "ws"}} {
		query := fmt.Sprintf(`{"path":"/pulse/x","withStreaming":true%s}`, map[string]string{"http": `,"format":"sse"`, "ws": ""}[k.scheme])
		DescribeTable(k.kind.Title+" with bad settings is an ERROR that names the field, in health checks and queries, and never repeats a secret",
			func(ctx SpecContext, jsonData map[string]any, secure map[string]string, mention string) {
				ds := sourceInstance(uniqueUID(k.kind.Source+"-bad"), k.kind.Source, jsonData, secure)
				health := checkHealth(ctx, ds)
				Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
				Expect(health.GetMessage()).To(MatchRegexp(mention))
				Expect(health.GetMessage()).NotTo(ContainSubstring(secretMarker))

				resp := queryAll(ctx, ds, pluginhost.Query{RefID: "A", JSON: query, From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})["A"]
				Expect(resp.GetError()).To(MatchRegexp(mention))
				Expect(resp.GetError()).NotTo(ContainSubstring(secretMarker))
				Expect(pluginStderr.String()).NotTo(ContainSubstring(secretMarker), "no secret in the plugin's log")
				healthy(ctx)
			},
			Entry("no url", map[string]any{}, map[string]string{"bearerToken": secretMarker}, `url`),
			Entry("a url of another scheme", map[string]any{"url": "ftp://127.0.0.1/x"}, map[string]string{"bearerToken": secretMarker}, `url`),
			Entry("a password in the url", map[string]any{"url": k.scheme + "://alice:" + secretMarker + "@127.0.0.1:1/"}, nil, `url`),
			Entry("basic auth and a bearer token at once", map[string]any{"url": k.scheme + "://127.0.0.1:1/", "basicAuthUser": "alice"},
				map[string]string{"basicAuthPassword": secretMarker, "bearerToken": secretMarker}, `bearerToken|basicAuth`),
			Entry("a header name that is not a token", map[string]any{"url": k.scheme + "://127.0.0.1:1/", "httpHeaderName1": "X Bad"},
				map[string]string{"httpHeaderValue1": secretMarker}, `httpHeaderName1`),
			Entry("allowedTopics not a list", map[string]any{"url": k.scheme + "://127.0.0.1:1/", "allowedTopics": "/pulse/*"},
				map[string]string{"bearerToken": secretMarker}, `allowedTopics`),
			Entry("tlsAuthWithCACert with a CA that is not PEM", map[string]any{"url": k.scheme + "s://127.0.0.1:1/", "tlsAuthWithCACert": true},
				map[string]string{"tlsCACert": secretMarker}, `tlsCACert`),
		)

		It(k.kind.Title+" says in plain words that the server refused the credentials, never repeating the token, and streams with the right one", func(ctx SpecContext) {
			const token = "pulse-spec-token-" + secretMarker
			hub := feedhub.Start(feedhub.Options{Check: func(r *http.Request) error {
				if r.Header.Get("Authorization") != "Bearer "+token {
					return errors.New("no entry")
				}
				return nil
			}})
			DeferCleanup(hub.Close)
			url := hub.URL()
			if k.scheme == "ws" {
				url = hub.WebSocketURL()
			}
			wrong := sourceInstance(uniqueUID(k.kind.Source+"-wrong"), k.kind.Source, map[string]any{"url": url}, map[string]string{"bearerToken": "wrong-" + token})
			DeferCleanup(retire, host, wrong)
			health := checkHealth(ctx, wrong)
			Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), health.GetMessage())
			Expect(health.GetMessage()).To(ContainSubstring("401"))
			Expect(health.GetMessage()).To(ContainSubstring("credentials"))
			Expect(health.GetMessage()).NotTo(ContainSubstring(secretMarker))

			right := sourceInstance(uniqueUID(k.kind.Source+"-right"), k.kind.Source, map[string]any{"url": url}, map[string]string{"bearerToken": token})
			DeferCleanup(retire, host, right)
			health = checkHealth(ctx, right)
			Expect(health.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_OK), health.GetMessage())

			d := plugindriver.New(host, right)
			DeferCleanup(d.Close)
			path := "/pulse/hostspec/" + uniqueUID("p")
			frames := queryFrame(ctx, right, pluginhost.Query{JSON: fmt.Sprintf(`{"path":%q,"withStreaming":true}`, path), From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100})
			sub, err := d.Subscribe(ctx, frames.Meta.Channel)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(sub.Close)
			for _, v := range []int{1, 2, 3} {
				Expect(hub.Publish(path, fmt.Sprintf(`{"n":%d}`, v))).To(Succeed())
			}
			Expect(readValues(ctx, sub, "n", 3)).To(Equal([]float64{1, 2, 3}))
			Expect(pluginStderr.String()).NotTo(ContainSubstring(secretMarker))
		}, SpecTimeout(3*streamTimeout))
	}
})
