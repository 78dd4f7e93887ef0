package websocket_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

// wantBearer refuses a request whose Authorization is not the bearer
// token with status.
func wantBearer(token string, status int) serverOption {
	return refusing(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") == "Bearer "+token {
			return false
		}
		w.WriteHeader(status)
		return true
	})
}

// connectError is err as a *websocket.ConnectError.
func connectError(err error) *websocket.ConnectError {
	GinkgoHelper()
	var ce *websocket.ConnectError
	Expect(errors.As(err, &ce)).To(BeTrue(), "%v", err)
	return ce
}

var _ = Describe("Health", func() {
	It("says the server was reached, with the URL and without its query string", func() {
		srv := newServer()
		src, _ := openSource(map[string]any{"source": "websocket", "url": srv.url("/base?key=abc")}, nil, fastOptions)
		msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(HavePrefix("Reached the WebSocket server at " + srv.url("/base") + ". Following 0 path(s) now"))
		Expect(srv.peer(1).path).To(Equal("/base?key=abc"))
	})

	It("takes a base URL that answers the upgrade with a web page (HTTP 200) as reachable, and says so", func() {
		srv := newServer(refusing(func(w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path == "/base" {
				_, _ = w.Write([]byte("the feeds are under /ws/"))
				return true
			}
			return false
		}))
		src, _ := openSource(settingsOf(srv, "/base"), nil, fastOptions)
		msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(ContainSubstring("The URL itself answered the WebSocket upgrade with HTTP 200 OK: queries name the paths under it."))
	})

	It("takes a base URL that answers the upgrade with 404 as reachable, and says so", func() {
		srv := newServer(refusing(func(w http.ResponseWriter, r *http.Request) bool {
			if r.URL.Path == "/base" {
				http.NotFound(w, r)
				return true
			}
			return false
		}))
		src, _ := openSource(settingsOf(srv, "/base"), nil, fastOptions)
		msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(ContainSubstring("The URL itself answered the WebSocket upgrade with HTTP 404 Not Found: queries name the paths under it."))
	})

	It("says in plain words that the server refused the credentials (HTTP 401 and 403), never quoting them", func() {
		for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
			srv := newServer(wantBearer("right-token", status))
			src, _ := openSource(settingsOf(srv, ""), map[string]string{"bearerToken": "wrong-token-of-the-spec"}, fastOptions)
			_, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
			Expect(err).To(MatchError(HavePrefix(fmt.Sprintf("the server refused the credentials (HTTP %d): check the bearer token", status))))
			Expect(err.Error()).NotTo(ContainSubstring("wrong-token"))
			Expect(connectError(err).Status).To(Equal(status))

			none, _ := openSource(settingsOf(srv, ""), nil, fastOptions)
			_, err = none.CheckHealth(feedtest.ContextFor(20 * time.Second))
			Expect(err).To(MatchError(ContainSubstring("the data source sends none")))

			right, _ := openSource(settingsOf(srv, ""), map[string]string{"bearerToken": "right-token"}, fastOptions)
			_, err = right.CheckHealth(feedtest.ContextFor(20 * time.Second))
			Expect(err).NotTo(HaveOccurred())
		}
	})

	It("says when nothing listens, and when the server fails", func() {
		src, _ := openSource(map[string]any{"source": "websocket", "url": fmt.Sprintf("ws://127.0.0.1:%d/x", feedtest.FreePort())}, nil, fastOptions)
		_, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(HavePrefix("connection refused: nothing accepts connections at 127.0.0.1:")))
		Expect(connectError(err).Reason).To(Equal(websocket.ReasonRefused))

		srv := newServer(refusing(func(w http.ResponseWriter, r *http.Request) bool {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}))
		src, _ = openSource(settingsOf(srv, ""), nil, fastOptions)
		_, err = src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(ContainSubstring("answered the WebSocket upgrade with HTTP 503 Service Unavailable")))
	})

	It("refuses a redirect of the upgrade to another host, for the health check and for the feed", func() {
		elsewhere := newServer()
		srv := newServer(refusing(func(w http.ResponseWriter, r *http.Request) bool {
			http.Redirect(w, r, strings.Replace(elsewhere.url(r.URL.Path), "ws", "http", 1), http.StatusFound)
			return true
		}))
		src, _ := openSource(settingsOf(srv, ""), nil, fastOptions)
		_, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
		Expect(err).To(MatchError(ContainSubstring("redirected the WebSocket upgrade to another host")))
		Expect(err).To(MatchError(ContainSubstring("Pulse does not follow redirects")))
		Expect(connectError(err).Reason).To(Equal(websocket.ReasonRedirect))

		c := newClient(settingsOf(srv, ""), nil, fastOptions)
		_, err = c.Subscribe(feed.Subscription{Target: "/away"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		Consistently(elsewhere.connections).WithTimeout(time.Second).Should(BeZero())
		Expect(c.Stats().Connected).To(BeFalse())
	})

	Context("over TLS", func() {
		It("reads a wss feed from a server whose certificate the CA in tlsCACert signed", func() {
			feedtest.NoLeaks()
			srv := newTLSServer()
			src, _ := openSource(map[string]any{"source": "websocket", "url": srv.url("/secure"), "tlsAuthWithCACert": true},
				map[string]string{"tlsCACert": srv.caPEM()}, fastOptions)
			msg, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
			Expect(err).NotTo(HaveOccurred())
			Expect(msg).To(HavePrefix("Reached the WebSocket server at wss://"))
			rec := streamPath(src, map[string]any{"path": "ticks"})
			p := srv.peer(2)
			Expect(p.path).To(Equal("/secure/ticks"))
			sendAll(p, []string{`{"n": 1}`, `{"n": 2}`})
			Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal([]string{"1", "2"}))
		})

		It("says what is wrong with the server's certificate, or with the port", func() {
			srv := newTLSServer()
			src, _ := openSource(map[string]any{"source": "websocket", "url": srv.url("")}, nil, fastOptions)
			_, err := src.CheckHealth(feedtest.ContextFor(20 * time.Second))
			Expect(err).To(MatchError(HavePrefix("TLS: the server's certificate is not signed by a trusted CA; set tlsAuthWithCACert")))

			plain := newServer()
			src, _ = openSource(map[string]any{"source": "websocket", "url": strings.Replace(plain.url(""), "ws://", "wss://", 1)}, nil, fastOptions)
			_, err = src.CheckHealth(feedtest.ContextFor(20 * time.Second))
			Expect(err).To(MatchError(ContainSubstring("does not speak TLS; use ws://")))
		})
	})
})

// lines is a logger that keeps its lines as text.
type lines struct {
	mu   sync.Mutex
	text []string
}

func (l *lines) add(level, msg string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text = append(l.text, fmt.Sprintln(append([]any{level, msg}, args...)...))
}

func (l *lines) Debug(msg string, args ...any) { l.add("DEBUG", msg, args...) }
func (l *lines) Info(msg string, args ...any)  { l.add("INFO", msg, args...) }
func (l *lines) Warn(msg string, args ...any)  { l.add("WARN", msg, args...) }

func (l *lines) all() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.text, "")
}

var _ = Describe("Logs", func() {
	It("say why attempts fail and connections end, and never quote a secret", func() {
		feedtest.NoLeaks()
		srv := newServer(wantBearer("right-token", http.StatusUnauthorized))
		log := &lines{}
		o := fastOptions
		o.Logger = log
		c := newClient(map[string]any{"url": srv.url(""), "httpHeaderName1": "X-Key"},
			map[string]string{"bearerToken": "token-never-logged", "httpHeaderValue1": "header-never-logged"}, o)
		_, err := c.Subscribe(feed.Subscription{Target: "/x"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		Eventually(log.all).WithTimeout(20 * time.Second).Should(ContainSubstring("the server refused the credentials (HTTP 401)"))
		Expect(fmt.Sprint(c)).NotTo(ContainSubstring("never-logged"))
		Expect(log.all()).NotTo(ContainSubstring("never-logged"))
	})
})
