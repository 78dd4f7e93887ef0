package feedtest

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// StreamEndWait is how long a stream that Stream started may take to end
// with its spec.
const StreamEndWait = 20 * time.Second

// Stream admits a viewer of the channel path, as Grafana does first, and
// runs the channel's stream into a new Recorder until the spec ends, when
// the stream must end with context.Canceled. initial is the frame Admit
// gave the viewer.
func Stream(src source.Source, path string) (initial *data.Frame, rec *Recorder) {
	ginkgo.GinkgoHelper()
	initial, err := src.Admit(path, time.Now())
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	rec = &Recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Stream(ctx, path, rec) }()
	ginkgo.DeferCleanup(func() {
		cancel()
		gomega.Eventually(done).WithTimeout(StreamEndWait).Should(gomega.Receive(gomega.MatchError(context.Canceled)))
	})
	return initial, rec
}
