package feedtest

import (
	"encoding/json"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// OpenSource opens the Source of the data source uid with factory, from
// its jsonData (as an object) and secureJsonData, with fresh metrics of
// its own. The spec fails if it cannot; the Source is closed when the
// spec ends.
func OpenSource(factory source.Factory, uid string, jsonData map[string]any, secure map[string]string) (source.Source, *streaming.Metrics) {
	ginkgo.GinkgoHelper()
	raw, err := json.Marshal(jsonData)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	m, err := streaming.NewMetrics(prometheus.NewRegistry())
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	src, err := factory(source.Settings{UID: uid, JSONData: raw, Secure: secure, Metrics: m})
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	ginkgo.DeferCleanup(src.Close)
	return src, m
}
