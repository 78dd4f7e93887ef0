package feedhub_test

import (
	"bufio"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/feedhub"
)

// open GETs path from h with accept and lastID (when not empty), and
// returns a reader of its body.
func open(h *feedhub.Hub, path, accept, lastID string) (*bufio.Reader, func()) {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodGet, h.URL()+path, nil)
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Accept", accept)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Eventually(func() int { return h.Clients(path) }).Should(BeNumerically(">=", 1))
	return bufio.NewReader(resp.Body), func() { resp.Body.Close() }
}

func line(r *bufio.Reader) string {
	GinkgoHelper()
	s, err := r.ReadString('\n')
	Expect(err).NotTo(HaveOccurred())
	return strings.TrimSuffix(s, "\n")
}

var _ = Describe("A hub", func() {
	var h *feedhub.Hub
	BeforeEach(func() {
		h = feedhub.Start(feedhub.Options{WaitForClient: 200 * time.Millisecond, Backlog: 3})
		DeferCleanup(h.Close)
	})

	It("streams SSE events with ids, and resumes after Last-Event-ID from its backlog", func() {
		r, done := open(h, "/a", "text/event-stream", "")
		for _, p := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`, `{"n":4}`} {
			Expect(h.Publish("/a", p)).To(Succeed())
		}
		Expect([]string{line(r), line(r), line(r)}).To(Equal([]string{"id: 1", `data: {"n":1}`, ""}))
		done()
		Eventually(func() int { return h.Clients("/a") }).Should(BeZero())
		r, done = open(h, "/a", "text/event-stream", "2")
		defer done()
		Expect([]string{line(r), line(r), line(r), line(r), line(r), line(r)}).
			To(Equal([]string{"id: 3", `data: {"n":3}`, "", "id: 4", `data: {"n":4}`, ""}))
	})

	It("streams NDJSON lines in order", func() {
		r, done := open(h, "/b", "application/x-ndjson", "")
		defer done()
		Expect(h.Publish("/b", `{"n":1}`)).To(Succeed())
		Expect(h.Publish("/b", `{"n":2}`)).To(Succeed())
		Expect([]string{line(r), line(r)}).To(Equal([]string{`{"n":1}`, `{"n":2}`}))
	})

	It("sends WebSocket text messages", func() {
		conn, _, err := websocket.DefaultDialer.Dial(h.WebSocketURL()+"/c", nil)
		Expect(err).NotTo(HaveOccurred())
		defer conn.Close()
		Eventually(func() int { return h.Clients("/c") }).Should(Equal(1))
		Expect(h.Publish("/c", `{"n":7}`)).To(Succeed())
		kind, msg, err := conn.ReadMessage()
		Expect(err).NotTo(HaveOccurred())
		Expect(kind).To(Equal(websocket.TextMessage))
		Expect(string(msg)).To(Equal(`{"n":7}`))
	})

	It("refuses to publish when no client comes, and a payload of two lines", func() {
		Expect(h.Publish("/nobody", "{}")).To(MatchError(ContainSubstring("no client of /nobody")))
		Expect(h.Publish("/x", "a\nb")).To(MatchError(ContainSubstring("one line")))
	})
})
