package feed_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// The golden frames are driven by the folder testdata: every
// <name>.messages holds JSON lines {"topic": …, "payload": …} (payload is
// any JSON, or a string "raw:…" for a payload that is not JSON), which
// arrive a second apart from goldenArrival; <name>.query.json is the query.
// <name>.<streaming|series>.golden.txt hold what QueryData returns for it with streaming
// (one wide frame) and without (one frame per topic), as responses
// "streaming" and "series".

// goldenArrival is when the first message of a golden case arrives.
var goldenArrival = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func goldenCases() []string {
	files, err := filepath.Glob(filepath.Join("testdata", "*.messages"))
	if err != nil {
		panic(err)
	}
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".messages"))
	}
	return names
}

var _ = Describe("Golden frames", func() {
	names := goldenCases()

	It("come from a folder of cases", func() {
		Expect(len(names)).To(BeNumerically(">=", 6))
	})

	for _, name := range names {
		It("frame "+name, func() {
			lines, err := os.ReadFile(filepath.Join("testdata", name+".messages"))
			Expect(err).NotTo(HaveOccurred())
			rawQuery, err := os.ReadFile(filepath.Join("testdata", name+".query.json"))
			Expect(err).NotTo(HaveOccurred())
			var q map[string]any
			Expect(json.Unmarshal(rawQuery, &q)).To(Succeed())

			f, up, _ := newFeed(feed.Settings{})
			DeferCleanup(f.Close)
			r := source.Range{From: goldenArrival.Add(-time.Hour), To: goldenArrival.Add(time.Hour), MaxPoints: 1000}
			ask := func(streaming bool) backend.DataResponse {
				q["withStreaming"] = streaming
				query, err := f.Query(query(q), r)
				Expect(err).NotTo(HaveOccurred())
				frames, err := query.Frames(context.Background())
				Expect(err).NotTo(HaveOccurred())
				return backend.DataResponse{Frames: frames}
			}
			ask(false) // subscribes
			count := 0
			for line := range bytes.SplitSeq(lines, []byte("\n")) {
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				var m struct {
					Topic   string          `json:"topic"`
					Payload json.RawMessage `json:"payload"`
				}
				Expect(json.Unmarshal(line, &m)).To(Succeed(), string(line))
				payload := string(m.Payload)
				var s string
				if json.Unmarshal(m.Payload, &s) == nil && strings.HasPrefix(s, "raw:") {
					payload = strings.TrimPrefix(s, "raw:")
				}
				up.publishAt(m.Topic, payload, goldenArrival.Add(time.Duration(count)*time.Second))
				count++
			}
			Eventually(func() int {
				n := 0
				for _, fr := range ask(false).Frames {
					n += fr.Rows()
				}
				return n
			}).Should(BeNumerically(">", 0))
			time.Sleep(100 * time.Millisecond) // the last messages of the case
			streaming, series := ask(true), ask(false)
			for _, c := range []struct {
				suffix string
				resp   backend.DataResponse
			}{{"streaming", streaming}, {"series", series}} {
				err := experimental.CheckGoldenDataResponse(filepath.Join("testdata", name+"."+c.suffix+".golden.txt"), &c.resp, *updateGolden)
				if !*updateGolden { // an update reports that it wrote the file
					Expect(err).NotTo(HaveOccurred())
				}
			}
		})
	}
})
