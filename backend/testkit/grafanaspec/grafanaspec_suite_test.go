package grafanaspec_test

import (
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
)

func TestGrafanaspec(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Pulse in a real Grafana")
}

// skipReason is why the specs do not run here; empty when they do.
const skipReason = "GRAFANA_URL is not set: start Grafana with `docker compose up -d --build --wait` " +
	"and run GRAFANA_URL=http://localhost:3000 go tool mage -v grafana"

// driver reaches the Grafana at GRAFANA_URL; nil when it is not set.
var driver *grafanadriver.Driver

// A Grafana that is named but does not answer fails the suite at once,
// rather than every spec after its own timeout.
var _ = BeforeSuite(func(ctx SpecContext) {
	opts, ok := grafanadriver.FromEnv()
	if !ok {
		return // every spec skips, saying why
	}
	d, err := grafanadriver.New(opts)
	Expect(err).NotTo(HaveOccurred(), "GRAFANA_URL and friends")
	_, err = d.CheckHealth(ctx)
	Expect(err).NotTo(HaveOccurred(), "reaching Grafana and the Pulse data source")
	driver = d
}, NodeTimeout(time.Minute))

// Each spec, not the suite, skips, so that each is reported as skipped with
// the reason.
var _ = BeforeEach(func() {
	if driver == nil {
		Skip(skipReason)
	}
})

var _ = contract.Specs("a real Grafana (Grafana Live)", func() contract.Driver { return driver }, Label("grafana"))
