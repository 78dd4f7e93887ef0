package feedtest

import (
	"encoding/json"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// QueryWait is how long QueryFrames waits for a query's frames: the specs
// share two cores with other builds.
const QueryWait = 30 * time.Second

// QueryFrames runs the query q (as an object) of the last hour (up to an
// hour ahead, 100 000 points at the most) and returns its frames and its
// channel path. The spec fails if the query does.
func QueryFrames(src source.Source, q map[string]any) (data.Frames, string) {
	ginkgo.GinkgoHelper()
	raw, err := json.Marshal(q)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	query, err := src.Query(raw, source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Hour), MaxPoints: 100_000})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	frames, err := query.Frames(ContextFor(QueryWait))
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return frames, query.Path()
}
