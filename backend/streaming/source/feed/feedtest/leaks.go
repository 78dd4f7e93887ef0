package feedtest

import (
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"
)

// NoLeaks snapshots the goroutines now and checks, when the spec ends
// (after the cleanups registered later), that none started since is left,
// waiting up to 30 seconds for them to end.
func NoLeaks() {
	before := gleak.Goroutines()
	ginkgo.DeferCleanup(func() {
		gomega.Eventually(gleak.Goroutines).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).ShouldNot(gleak.HaveLeaked(before))
	})
}
