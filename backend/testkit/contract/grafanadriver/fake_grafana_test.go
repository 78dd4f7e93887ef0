package grafanadriver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/centrifugal/centrifuge"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
)

// The credentials the fake accepts, Grafana's defaults in the compose
// setup.
const (
	fakeUser     = "admin"
	fakePassword = "admin"
)

// fakeGrafana answers the part of Grafana's HTTP API the driver uses with
// canned answers (testdata/), and serves Grafana Live with a real
// Centrifuge node that admits or refuses channels the way Grafana passes on
// the plugin's answers. Like Grafana, it checks basic auth on every request,
// the WebSocket upgrade included, and answers 401 otherwise.
type fakeGrafana struct {
	URL    string
	node   *centrifuge.Node
	server *httptest.Server

	mu sync.Mutex
	// answers by "METHOD /path".
	answers map[string]canned
	// channels admitted or refused by Centrifuge channel (<org>/<channel>);
	// any other channel of org 1 is refused as the plugin's NotFound.
	channels map[string]liveChannel
	// asked lists the Centrifuge channels clients asked for.
	asked []string
	// ready holds, by Centrifuge channel, a channel per admission that
	// Centrifuge closes once the subscriber gets publications.
	ready map[string][]chan struct{}
	// queries holds the bodies /api/ds/query received.
	queries [][]byte
	// liveStatus, when not 0, is the status the WebSocket upgrade gets
	// whatever the credentials (a proxy in the way, say).
	liveStatus int
	// liveOnly makes only the WebSocket upgrade check credentials.
	liveOnly bool
}

// canned is one HTTP answer.
type canned struct {
	status int
	body   []byte
	// hang, when set, answers nothing until the request is given up.
	hang bool
}

// liveChannel is how the fake answers a subscribe.
type liveChannel struct {
	// data is the admission's data (the plugin's InitialData); nil for none.
	data []byte
	// refuse, when set, is the subscribe error.
	refuse *centrifuge.Error
	// hang, when set, never answers the subscribe.
	hang bool
}

// newFakeGrafana starts a fake Grafana for one spec; the spec's cleanup
// stops it.
func newFakeGrafana() *fakeGrafana {
	GinkgoHelper()
	f := &fakeGrafana{
		answers: map[string]canned{
			"GET /api/user":                                       {status: http.StatusOK, body: testdata("user.json")},
			"GET /api/datasources/uid/pulse/health":               {status: http.StatusOK, body: testdata("health_ok.json")},
			"POST /api/ds/query":                                  {status: http.StatusOK, body: testdata("query_frames.json")},
			"GET /api/plugins/pulse-streaming-datasource/metrics": {status: http.StatusOK, body: testdata("plugin_metrics.txt")},
		},
		channels: map[string]liveChannel{},
		ready:    map[string][]chan struct{}{},
	}
	node, err := centrifuge.New(centrifuge.Config{LogLevel: centrifuge.LogLevelNone})
	Expect(err).NotTo(HaveOccurred())
	node.OnConnecting(func(context.Context, centrifuge.ConnectEvent) (centrifuge.ConnectReply, error) {
		// The HTTP middleware checked the credentials; Grafana's user id
		// becomes Centrifuge's.
		return centrifuge.ConnectReply{Credentials: &centrifuge.Credentials{UserID: "1"}}, nil
	})
	node.OnConnect(func(client *centrifuge.Client) {
		client.OnSubscribe(f.onSubscribe)
	})
	Expect(node.Run()).To(Succeed())
	f.node = node

	mux := http.NewServeMux()
	mux.Handle("/api/live/ws", centrifuge.NewWebsocketHandler(node, centrifuge.WebsocketConfig{}))
	mux.HandleFunc("/", f.serveAPI)
	f.server = httptest.NewServer(f.authenticate(mux))
	f.URL = f.server.URL
	DeferCleanup(func(ctx SpecContext) {
		f.server.CloseClientConnections()
		f.server.Close()
		Expect(node.Shutdown(ctx)).To(Succeed())
	})
	return f
}

// driver is a driver for the fake with the right credentials and opts'
// other settings.
func (f *fakeGrafana) driver(opts ...func(*grafanadriver.Options)) *grafanadriver.Driver {
	GinkgoHelper()
	o := grafanadriver.Options{URL: f.URL, User: fakeUser, Password: fakePassword}
	for _, set := range opts {
		set(&o)
	}
	d, err := grafanadriver.New(o)
	Expect(err).NotTo(HaveOccurred())
	return d
}

// answer sets the answer to "METHOD /path" to a testdata file.
func (f *fakeGrafana) answer(route string, status int, file string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[route] = canned{status: status, body: testdata(file)}
}

// set sets the answer to "METHOD /path".
func (f *fakeGrafana) set(route string, c canned) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[route] = c
}

// admit makes the fake admit the Centrifuge channel live with data.
func (f *fakeGrafana) channel(live string, c liveChannel) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels[live] = c
}

// upgradeStatus makes the WebSocket upgrade fail with status.
func (f *fakeGrafana) upgradeStatus(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.liveStatus = status
}

// checkOnlyLive makes the HTTP API accept any credentials, so that only the
// WebSocket upgrade can refuse them.
func (f *fakeGrafana) checkOnlyLive() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.liveOnly = true
}

// askedChannels is the Centrifuge channels clients asked for.
func (f *fakeGrafana) askedChannels() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}

// queryBodies is the bodies /api/ds/query received.
func (f *fakeGrafana) queryBodies() [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.queries)
}

// publish publishes data on the Centrifuge channel live, as Grafana does
// with each packet a plugin's stream sends. It first waits until every
// admission to live is complete: Centrifuge writes the subscribe reply
// before it routes publications to the subscriber, and drops those that
// fall between (Grafana's initial data covers that gap for a viewer).
func (f *fakeGrafana) publish(live string, data []byte) {
	GinkgoHelper()
	f.mu.Lock()
	ready := slices.Clone(f.ready[live])
	f.mu.Unlock()
	for _, r := range ready {
		Eventually(r).WithTimeout(callTimeout).Should(BeClosed(), "the admission to %s completes", live)
	}
	_, err := f.node.Publish(live, data)
	Expect(err).NotTo(HaveOccurred())
}

// subscribers is how many clients the Centrifuge channel live has.
func (f *fakeGrafana) subscribers(live string) int {
	return f.node.Hub().NumSubscribers(live)
}

func (f *fakeGrafana) onSubscribe(e centrifuge.SubscribeEvent, reply centrifuge.SubscribeCallback) {
	f.mu.Lock()
	f.asked = append(f.asked, e.Channel)
	c, ok := f.channels[e.Channel]
	f.mu.Unlock()
	switch {
	case !strings.HasPrefix(e.Channel, "1/"):
		// Grafana: a channel of an org other than the user's.
		reply(centrifuge.SubscribeReply{}, centrifuge.ErrorPermissionDenied)
	case !ok:
		reply(centrifuge.SubscribeReply{}, &centrifuge.Error{Code: http.StatusNotFound, Message: "Not Found"})
	case c.hang:
	case c.refuse != nil:
		reply(centrifuge.SubscribeReply{}, c.refuse)
	default:
		ready := make(chan struct{})
		f.mu.Lock()
		f.ready[e.Channel] = append(f.ready[e.Channel], ready)
		f.mu.Unlock()
		reply(centrifuge.SubscribeReply{Options: centrifuge.SubscribeOptions{Data: c.data}, SubscriptionReady: ready}, nil)
	}
}

// authenticate answers 401 as Grafana does to a request without the right
// basic-auth credentials.
func (f *fakeGrafana) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		liveStatus, liveOnly := f.liveStatus, f.liveOnly
		f.mu.Unlock()
		isLive := r.URL.Path == "/api/live/ws"
		if isLive && liveStatus != 0 {
			writeJSON(w, liveStatus, []byte(`{"message":"`+http.StatusText(liveStatus)+`"}`))
			return
		}
		user, password, ok := r.BasicAuth()
		if (isLive || !liveOnly) && (!ok || user != fakeUser || password != fakePassword) {
			writeJSON(w, http.StatusUnauthorized, testdata("unauthorized.json"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (f *fakeGrafana) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	if r.URL.Path == "/api/ds/query" {
		f.queries = append(f.queries, body)
	}
	a, ok := f.answers[r.Method+" "+r.URL.EscapedPath()]
	f.mu.Unlock()
	switch {
	case !ok:
		writeJSON(w, http.StatusNotFound, []byte(`{"message":"Not found"}`))
	case a.hang:
		<-r.Context().Done()
	default:
		writeJSON(w, a.status, a.body)
	}
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// testdata is a file of testdata/.
func testdata(name string) []byte {
	GinkgoHelper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	Expect(err).NotTo(HaveOccurred())
	return b
}
