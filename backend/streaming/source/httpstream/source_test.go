package httpstream_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Secrets distinctive enough that finding them anywhere is a leak.
const (
	secretPassword = "pw-2c81fa-hunter2"
	secretToken    = "tok-93be07-bearer"
	secretKey      = "key-d4410c-header"
)

var _ = Describe("The HTTP source", func() {
	var logs *feedtest.Lines
	BeforeEach(func() {
		feedtest.NoLeaks()
		logs = &feedtest.Lines{}
	})

	It("streams Server-Sent Events through the feed, each event's data a row of the path's series", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Expect(r.URL.Path).To(Equal("/api/events"))
			Expect(r.Header.Get("Accept")).To(Equal("text/event-stream"))
			sseHeaders(w)
			fmt.Fprint(w, ": a comment, ignored\n\n")
			for i := 1; i <= 50; i++ {
				fmt.Fprintf(w, "id: %d\ndata: {\"n\": %d,\ndata:  \"room\": \"hall\"}\n\n", i, i)
			}
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, m := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL + "/api"}, nil)
		rec := streamQuery(src, map[string]any{"path": "events", "format": "sse"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal(numbers(1, 50)))
		Expect(rec.Values("room")).To(HaveEach("hall"))
		q, err := src.Query([]byte(`{"path": "events", "format": "sse"}`), source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour)})
		Expect(err).NotTo(HaveOccurred())
		frames, err := q.Frames(feedtest.ContextFor(long))
		Expect(err).NotTo(HaveOccurred())
		Expect(frames).To(HaveLen(1))
		Expect(frames[0].Fields[1].Name).To(Equal("n"))
		Expect(frames[0].Fields[1].Labels).To(Equal(data.Labels{"path": "events"}))
		Expect(testutil.ToFloat64(m.FeedMessages.WithLabelValues("http"))).To(BeEquivalentTo(50))
	})

	It("streams NDJSON, skipping blank lines", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			Expect(r.Header.Get("Accept")).To(HavePrefix("application/x-ndjson"))
			w.Header().Set("Content-Type", "application/octet-stream") // ignored: the query says ndjson
			for i := 1; i <= 30; i++ {
				fmt.Fprintf(w, "{\"n\": %d}\r\n\n", i)
			}
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		rec := streamQuery(src, map[string]any{"path": "/feed.ndjson", "format": "ndjson"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal(numbers(1, 30)))
	})

	It("waits DefaultRetryDelay and longer before asking again for a path that answers with a plain response, instead of polling it", func() {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := requests.Add(1)
			w.Header().Set("Content-Type", "application/x-ndjson")
			fmt.Fprintf(w, "{\"n\": %d}\n", n)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		rec := streamQuery(src, map[string]any{"path": "/status.json", "format": "ndjson"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"1"}))
		Consistently(requests.Load).WithTimeout(2*time.Second).Should(BeNumerically("==", 1), "no request again within 2 s")
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"1", "2"}), "but again after about 3 s")
	})

	It("picks the format by Content-Type in auto mode, and logs a type it cannot read, in plain words, retrying", func() {
		var mu sync.Mutex
		hits := 0
		mux := http.NewServeMux()
		mux.HandleFunc("/sse", func(w http.ResponseWriter, r *http.Request) {
			Expect(r.Header.Get("Accept")).To(ContainSubstring("text/event-stream"))
			Expect(r.Header.Get("Accept")).To(ContainSubstring("application/x-ndjson"))
			sseHeaders(w)
			fmt.Fprint(w, "data: {\"n\": 1}\n\ndata: {\"n\": 2}\n\n")
			flush(w)
			hold(r)
		})
		mux.HandleFunc("/lines", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
			fmt.Fprint(w, "{\"n\": 3}\n{\"n\": 4}\n")
			flush(w)
			hold(r)
		})
		mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits++
			mu.Unlock()
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html>{\"n\": 99}</html>\n")
		})
		srv := httptest.NewServer(mux)
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		sse := streamQuery(src, map[string]any{"path": "sse"})
		lines := streamQuery(src, map[string]any{"path": "lines", "format": "auto"})
		page := streamQuery(src, map[string]any{"path": "page"})
		Eventually(func() []string { return sse.Values("n") }).WithTimeout(long).Should(Equal([]string{"1", "2"}))
		Eventually(func() []string { return lines.Values("n") }).WithTimeout(long).Should(Equal([]string{"3", "4"}))
		Eventually(func() int { mu.Lock(); defer mu.Unlock(); return hits }).WithTimeout(long).Should(BeNumerically(">=", 3), "it retried")
		Eventually(logs.All).WithTimeout(short).Should(ContainSubstring(`Content-Type "text/html", which is neither text/event-stream nor NDJSON`))
		Expect(page.Values("n")).To(BeEmpty())
		Expect(logs.Count(`"text/html"`)).To(Equal(1), "logged once per period")
	})

	It("sends the headers and basic authentication, or a bearer token, to the server", func() {
		got := make(chan http.Header, 100)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got <- r.Header.Clone()
			sseHeaders(w)
			fmt.Fprint(w, "data: {\"n\": 1}\n\n")
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL, "httpHeaderName1": "X-Api-Key", "basicAuthUser": "alice"},
			map[string]string{"httpHeaderValue1": secretKey, "basicAuthPassword": secretPassword})
		streamQuery(src, map[string]any{"path": "a"})
		var h http.Header
		Eventually(got).WithTimeout(long).Should(Receive(&h))
		Expect(h.Get("X-Api-Key")).To(Equal(secretKey))
		user, pass, ok := (&http.Request{Header: h}).BasicAuth()
		Expect([]any{user, pass, ok}).To(Equal([]any{"alice", secretPassword, true}))

		bearer, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, map[string]string{"bearerToken": secretToken})
		streamQuery(bearer, map[string]any{"path": "b"})
		Eventually(got).WithTimeout(long).Should(Receive(&h))
		Expect(h.Get("Authorization")).To(Equal("Bearer " + secretToken))
	})

	Describe("a server that falls silent without closing the connection", func() {
		// silent answers each request with the event after its
		// Last-Event-ID, then sends nothing more, keeping the connection
		// open; requests gets each request's Last-Event-ID.
		silent := func(requests chan<- string) *httptest.Server {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				id := r.Header.Get("Last-Event-ID")
				requests <- id
				n := 1
				if id != "" {
					last, err := strconv.Atoi(id)
					Expect(err).NotTo(HaveOccurred())
					n = last + 1
				}
				sseHeaders(w)
				fmt.Fprintf(w, "id: %d\ndata: {\"n\": %d}\n\n", n, n)
				flush(w)
				hold(r)
			}))
			DeferCleanup(srv.Close)
			return srv
		}

		It("is asked again after idleTimeoutSeconds, resuming with Last-Event-ID, and the log says why", func() {
			requests := make(chan string, 100)
			srv := silent(requests)
			src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL, "idleTimeoutSeconds": 1}, nil)
			rec := streamQuery(src, map[string]any{"path": "quiet"})
			Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal(numbers(1, 3)))
			Expect(requests).To(Receive(Equal("")))
			Expect(requests).To(Receive(Equal("1")))
			Expect(requests).To(Receive(Equal("2")))
			Expect(logs.All()).To(ContainSubstring("sent nothing for 1s (the data source's idleTimeoutSeconds); opening it again"))
		})

		It("is waited for as long as it takes with idleTimeoutSeconds 0", func() {
			requests := make(chan string, 100)
			srv := silent(requests)
			src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL, "idleTimeoutSeconds": 0}, nil)
			rec := streamQuery(src, map[string]any{"path": "quiet"})
			Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"1"}))
			Consistently(requests).WithTimeout(2500 * time.Millisecond).Should(HaveLen(1))
		})

		It("refuses an idleTimeoutSeconds out of bounds, naming it", func() {
			for _, v := range []string{"-1", "86401", "1.5", `"60"`} {
				_, err := httpstream.NewSource(source.Settings{UID: "idle", JSONData: []byte(`{"source":"http","url":"http://127.0.0.1:1","idleTimeoutSeconds":` + v + `}`)})
				Expect(err).To(MatchError(ContainSubstring("idleTimeoutSeconds")), v)
			}
		})
	})

	It("resumes from Last-Event-ID after the server drops the connection mid-event: every row once, in order", func() {
		const total = 120
		var mu sync.Mutex
		var lastIDs []string
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			from := 1
			mu.Lock()
			lastIDs = append(lastIDs, r.Header.Get("Last-Event-ID"))
			mu.Unlock()
			if id := r.Header.Get("Last-Event-ID"); id != "" {
				n, err := strconv.Atoi(id)
				Expect(err).NotTo(HaveOccurred())
				from = n + 1
			}
			sseHeaders(w)
			fmt.Fprint(w, "retry: 20\n\n")
			// Ten events, then half of the next one, and the connection
			// drops (no chunked terminator: an abrupt end).
			for i := from; i < from+10 && i <= total; i++ {
				fmt.Fprintf(w, "id: %d\ndata: {\"n\": %d}\n\n", i, i)
			}
			if from+10 > total {
				flush(w)
				hold(r)
				return
			}
			fmt.Fprintf(w, "id: %d\ndata: {\"n\": %d", from+10, from+10)
			flush(w)
			panic(http.ErrAbortHandler)
		}))
		DeferCleanup(srv.Close)
		src, m := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		rec := streamQuery(src, map[string]any{"path": "ticks"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal(numbers(1, total)))
		mu.Lock()
		Expect(lastIDs[:3]).To(Equal([]string{"", "10", "20"}), "the id of the last whole event, never the half one")
		mu.Unlock()
		Consistently(func() []string { return rec.Values("n") }).WithTimeout(300 * time.Millisecond).Should(HaveLen(total))
		Eventually(func() float64 { return testutil.ToFloat64(m.FeedReconnects.WithLabelValues("http")) }).WithTimeout(long).Should(BeNumerically(">=", 11))
	})

	It("honours the server's retry within its bounds: never sooner than 100 ms, and as long as the server asks", func() {
		var mu sync.Mutex
		var at []time.Time
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			at = append(at, time.Now())
			n := len(at)
			mu.Unlock()
			retry := 1 // ms: below the bound
			if n >= 3 {
				retry = 700
			}
			sseHeaders(w)
			fmt.Fprintf(w, "retry: %d\ndata: {\"n\": %d}\n\n", retry, n)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		rec := streamQuery(src, map[string]any{"path": "x"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(HaveLen(5))
		mu.Lock()
		defer mu.Unlock()
		Expect(at[1].Sub(at[0])).To(BeNumerically(">=", httpstream.MinRetryDelay-10*time.Millisecond), "1 ms is raised to 100 ms")
		Expect(at[3].Sub(at[2])).To(BeNumerically(">=", 690*time.Millisecond), "700 ms is waited")
		Expect(at[4].Sub(at[3])).To(BeNumerically(">=", 690*time.Millisecond))
	})

	It("keeps only the events of the query's event type, and every event without one", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sseHeaders(w)
			for i := 1; i <= 9; i++ {
				typ := []string{"tick", "tock", ""}[i%3]
				if typ != "" {
					fmt.Fprintf(w, "event: %s\n", typ)
				}
				fmt.Fprintf(w, "data: {\"n\": %d}\n\n", i)
			}
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		tocks := streamQuery(src, map[string]any{"path": "e", "event": "tock"})
		messages := streamQuery(src, map[string]any{"path": "e", "event": "message"})
		all := streamQuery(src, map[string]any{"path": "e"})
		Eventually(func() []string { return all.Values("n") }).WithTimeout(long).Should(Equal(numbers(1, 9)))
		Eventually(func() []string { return tocks.Values("n") }).WithTimeout(long).Should(Equal([]string{"1", "4", "7"}))
		Eventually(func() []string { return messages.Values("n") }).WithTimeout(long).Should(Equal([]string{"2", "5", "8"}))
	})

	It("reads a slow server whose events come split across flushes", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sseHeaders(w)
			for i := 1; i <= 5; i++ {
				for _, part := range []string{"da", "ta: {\"n\"", ": " + strconv.Itoa(i), "}\n", "\n"} {
					fmt.Fprint(w, part)
					flush(w)
					time.Sleep(40 * time.Millisecond)
				}
				time.Sleep(200 * time.Millisecond)
			}
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		rec := streamQuery(src, map[string]any{"path": "slow"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal(numbers(1, 5)))
	})

	It("counts data that is not JSON, and binary junk, and goes on with the stream", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sseHeaders(w)
			fmt.Fprint(w, "data: {\"n\": 1}\n\ndata: not json at all\n\ndata: \x00\xff\xfe\x01\x80junk\n\n")
			fmt.Fprint(w, "\xff\xfe garbage line without a field\n\x00\x01\n\ndata: {\"n\": 2}\n\n")
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, m := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, nil)
		rec := streamQuery(src, map[string]any{"path": "junk"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"1", "2"}))
		Expect(testutil.ToFloat64(m.FeedDecodeErrors.WithLabelValues("http"))).To(BeEquivalentTo(2))
	})

	It("refuses a redirect to another host: the other host never hears from it, and the log says why", func() {
		var otherHits sync.Mutex
		other := 0
		elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			otherHits.Lock()
			other++
			otherHits.Unlock()
			sseHeaders(w)
			fmt.Fprint(w, "data: {\"n\": 666}\n\n")
		}))
		DeferCleanup(elsewhere.Close)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusFound)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, map[string]string{"bearerToken": secretToken})
		rec := streamQuery(src, map[string]any{"path": "go"})
		Eventually(logs.All).WithTimeout(long).Should(ContainSubstring("redirect refused"))
		Expect(logs.All()).To(ContainSubstring("to " + elsewhere.URL + "/steal, another scheme, host or port"))
		_, err := src.CheckHealth(feedtest.ContextFor(long))
		Expect(err).To(MatchError(httpstream.ErrRedirectRefused))
		Consistently(func() int { otherHits.Lock(); defer otherHits.Unlock(); return other }).WithTimeout(500 * time.Millisecond).Should(BeZero())
		Expect(rec.Values("n")).To(BeEmpty())
		Expect(logs.All()).NotTo(ContainSubstring(secretToken))
	})

	It("refuses a redirect within the host to a path outside the base URL's or past allowedTopics: the path never hears from it", func() {
		var hits atomic.Int64
		mux := http.NewServeMux()
		mux.HandleFunc("/api/live/out", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/admin/stream", http.StatusFound)
		})
		mux.HandleFunc("/api/live/aside", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/api/private", http.StatusFound)
		})
		for _, p := range []string{"/admin/stream", "/api/private"} {
			mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				sseHeaders(w)
				fmt.Fprint(w, "data: {\"n\": 666}\n\n")
			})
		}
		srv := httptest.NewServer(mux)
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL + "/api", "allowedTopics": []string{"live/*"}},
			map[string]string{"bearerToken": secretToken})
		out := streamQuery(src, map[string]any{"path": "live/out"})
		aside := streamQuery(src, map[string]any{"path": "live/aside"})
		Eventually(logs.All).WithTimeout(long).Should(And(
			ContainSubstring(`outside the data source's URL path "/api/"`),
			ContainSubstring("not among the paths this data source allows")))
		Consistently(hits.Load).WithTimeout(500 * time.Millisecond).Should(BeZero())
		Expect(out.rec.Values("n")).To(BeEmpty())
		Expect(aside.rec.Values("n")).To(BeEmpty())
		Expect(logs.All()).NotTo(ContainSubstring(secretToken))
	})

	It("follows a redirect within the same host, keeping the credentials", func() {
		got := make(chan string, 100)
		mux := http.NewServeMux()
		mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/new", http.StatusTemporaryRedirect)
		})
		mux.HandleFunc("/new", func(w http.ResponseWriter, r *http.Request) {
			got <- r.Header.Get("Authorization")
			sseHeaders(w)
			fmt.Fprint(w, "data: {\"n\": 7}\n\n")
			flush(w)
			hold(r)
		})
		srv := httptest.NewServer(mux)
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL}, map[string]string{"bearerToken": secretToken})
		rec := streamQuery(src, map[string]any{"path": "old"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"7"}))
		Eventually(got).Should(Receive(Equal("Bearer " + secretToken)))
	})

	It("skips a huge line with bounded memory, counts it, and delivers the next line", func() {
		const junk = 64 << 20
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-ndjson")
			fmt.Fprint(w, "{\"n\": 1}\n{\"big\": \"")
			chunk := make([]byte, 64<<10)
			for i := range chunk {
				chunk[i] = 'x'
			}
			for range junk / len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
			fmt.Fprint(w, "\"}\n{\"n\": 2}\n")
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		o := fastOptions(logs)
		o.MaxLineBytes = 4 << 10
		src, m := openHTTP(o, map[string]any{"url": srv.URL}, nil)
		before := allocated()
		rec := streamQuery(src, map[string]any{"path": "big"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"1", "2"}))
		Expect(allocated()-before).To(BeNumerically("<", junk/2), "the line was not kept")
		Eventually(func() float64 { return testutil.ToFloat64(m.FeedDropped.WithLabelValues("http")) }).WithTimeout(short).Should(BeEquivalentTo(1))
		Expect(logs.All()).To(ContainSubstring("skipped a line of 67108875 bytes"))
	})

	It("retries slowly after 401, logging it in plain words once, and says so in the health check", func() {
		var mu sync.Mutex
		hits := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			hits++
			mu.Unlock()
			w.WriteHeader(http.StatusUnauthorized)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL + "/base", "basicAuthUser": "alice"}, map[string]string{"basicAuthPassword": secretPassword})
		streamQuery(src, map[string]any{"path": "x"})
		Eventually(func() int { mu.Lock(); defer mu.Unlock(); return hits }).WithTimeout(long).Should(BeNumerically(">=", 4), "retried")
		Expect(logs.Count("the server refused the credentials (HTTP 401 Unauthorized) at " + srv.URL + "/base/x")).To(Equal(1))
		_, err := src.CheckHealth(feedtest.ContextFor(long))
		Expect(err).To(MatchError(ContainSubstring("the server refused the credentials (HTTP 401 Unauthorized) at " + srv.URL + "/base")))
		Expect(err.Error()).NotTo(ContainSubstring(secretPassword))
		Expect(logs.All()).NotTo(ContainSubstring(secretPassword))
	})

	It("says in its health check that the server was reached, whatever the base itself answers, or why not", func() {
		srv := httptest.NewServer(http.NotFoundHandler())
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL + "/base?key=" + secretKey}, nil)
		msg, err := src.CheckHealth(feedtest.ContextFor(long))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(HavePrefix("Reached " + srv.URL + "/base (HTTP 404 for the base itself; streams open per query path). Following 0 path(s) now"))
		Expect(msg).NotTo(ContainSubstring(secretKey))

		failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
		DeferCleanup(failing.Close)
		bad, _ := openHTTP(fastOptions(logs), map[string]any{"url": failing.URL}, nil)
		_, err = bad.CheckHealth(feedtest.ContextFor(long))
		Expect(err).To(MatchError(ContainSubstring("the server answered HTTP 502 Bad Gateway at " + failing.URL)))

		down, _ := openHTTP(fastOptions(logs), map[string]any{"url": fmt.Sprintf("http://127.0.0.1:%d", feedtest.FreePort())}, nil)
		_, err = down.CheckHealth(feedtest.ContextFor(long))
		Expect(err).To(MatchError(ContainSubstring("connection refused: nothing accepts connections at http://127.0.0.1:")))

		tlsSrv := quietTLSServer(http.NotFoundHandler())
		untrusted, _ := openHTTP(fastOptions(logs), map[string]any{"url": tlsSrv.URL}, nil)
		_, err = untrusted.CheckHealth(feedtest.ContextFor(long))
		Expect(err).To(MatchError(ContainSubstring("TLS: the certificate of " + tlsSrv.URL + " is not signed by a trusted CA")))
	})

	It("streams over TLS with the CA in tlsCACert", func() {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sseHeaders(w)
			fmt.Fprint(w, "data: {\"n\": 1}\n\n")
			flush(w)
			hold(r)
		}))
		DeferCleanup(srv.Close)
		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": srv.URL, "tlsAuthWithCACert": true}, map[string]string{"tlsCACert": certPEM(srv)})
		rec := streamQuery(src, map[string]any{"path": "tls"})
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(long).Should(Equal([]string{"1"}))
	})

	It("refuses bad settings and queries with the field's name, never quoting a secret", func() {
		for jsonData, field := range map[string]string{
			`{"source":"http"}`:                                      "url",
			`{"source":"http","url":"ws://h"}`:                       "url",
			`{"source":"http","url":"http://h","historyMaxRows":0}`:  "historyMaxRows",
			`{"source":"http","url":"https://h","tlsAuth":true}`:     "tlsClientCert",
			`{"source":"http","url":"http://h","basicAuthUser":"a"}`: "bearerToken",
		} {
			_, err := httpstream.NewSource(source.Settings{JSONData: []byte(jsonData), Secure: map[string]string{"bearerToken": secretToken, "tlsClientKey": secretPassword}})
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "%s: %v", jsonData, err)
			Expect(fe.Field).To(Equal(field), jsonData)
			Expect(err.Error()).NotTo(ContainSubstring(secretToken))
			Expect(err.Error()).NotTo(ContainSubstring(secretPassword))
		}

		src, _ := openHTTP(fastOptions(logs), map[string]any{"url": "http://127.0.0.1:1/api", "allowedTopics": []string{"public/*"}}, nil)
		for q, want := range map[string]error{
			`{"path": "public/a", "format": "xml"}`: streaming.ErrMalformed,
			`{"path": "public/a", "event": "a\nb"}`: streaming.ErrMalformed,
			`{"path": "//evil.example.test/x"}`:     streaming.ErrMalformed,
			`{"path": "public/../admin"}`:           web.ErrNotAllowed,
			`{"path": ""}`:                          streaming.ErrMalformed,
		} {
			_, err := src.Query([]byte(q), source.Range{})
			Expect(err).To(MatchError(want), q)
		}
		_, err := src.Query([]byte(`{"path": "public/a", "format": "xml"}`), source.Range{})
		Expect(err).To(MatchError(ContainSubstring(`format: must be "auto", "sse" or "ndjson"`)))

		// A crafted channel path outside allowedTopics: PermissionDenied, not NotFound.
		open, _ := openHTTP(fastOptions(logs), map[string]any{"url": "http://127.0.0.1:1/api"}, nil)
		q, err := open.Query([]byte(`{"path": "admin", "withStreaming": true}`), source.Range{})
		Expect(err).NotTo(HaveOccurred())
		_, err = src.Admit(q.Path(), time.Now())
		Expect(errors.Is(err, web.ErrNotAllowed)).To(BeTrue(), "%v", err)
		Expect(errors.Is(err, streaming.ErrMalformed)).To(BeFalse())
	})
})
