package hostspec_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// Generous bounds: the machine is slow under -race, and these are
// correctness specs, not timing ones.
const (
	callTimeout   = 30 * time.Second
	streamTimeout = 30 * time.Second
)

// settingsUpdated is every instance's "last updated" time. Instances with
// different settings have different uids, as Grafana would (it would change
// the time on every save, which the SDK's instance cache watches).
var settingsUpdated = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// instance is a data source with the given uid and raw jsonData.
func instance(uid, jsonData string) pluginhost.Instance {
	return pluginhost.Instance{UID: uid, Name: "Pulse " + uid, JSONData: []byte(jsonData), Updated: settingsUpdated}
}

var (
	// defaultDS admits everything within the documented bounds.
	defaultDS = instance("pulse-default", `{"minStepMs":1,"maxSeries":16}`)
	// strictDS refuses steps under 500 ms and more than 4 series.
	strictDS = instance("pulse-strict", `{"minStepMs":500,"maxSeries":4}`)
)

// ms is t as Grafana sends times: whole milliseconds.
func ms(t time.Time) time.Time { return time.UnixMilli(t.UnixMilli()).UTC() }

// floorDiv is a/b rounded towards minus infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// gridIndexes are the first and last n with n*stepMs in [from, to]; last <
// first when there is none.
func gridIndexes(from, to time.Time, stepMs int64) (first, last int64) {
	return -floorDiv(-from.UnixMilli(), stepMs), floorDiv(to.UnixMilli(), stepMs)
}

// gridCount is how many multiples of stepMs since the epoch lie in [from, to].
func gridCount(from, to time.Time, stepMs int64) int64 {
	first, last := gridIndexes(from, to, stepMs)
	return max(0, last-first+1)
}

// queryAll sends one QueryData request and returns its responses by refId.
func queryAll(ctx context.Context, ds pluginhost.Instance, queries ...pluginhost.Query) map[string]*pluginv2.DataResponse {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := host.Data.QueryData(ctx, ds.QueryDataRequest(queries...))
	Expect(err).NotTo(HaveOccurred(), "QueryData failed as a call")
	Expect(resp.GetResponses()).To(HaveLen(len(queries)), "one response per query")
	return resp.GetResponses()
}

// queryFrame sends one query, expects it to succeed with exactly one frame
// and returns that frame.
func queryFrame(ctx context.Context, ds pluginhost.Instance, q pluginhost.Query) *data.Frame {
	GinkgoHelper()
	if q.RefID == "" {
		q.RefID = "A"
	}
	resp := queryAll(ctx, ds, q)[q.RefID]
	Expect(resp).NotTo(BeNil(), "a response under refId %q", q.RefID)
	Expect(resp.GetError()).To(BeEmpty(), "query %s", q.JSON)
	Expect(resp.GetStatus()).To(BeElementOf(int32(0), int32(200)), "query %s", q.JSON)
	frames, err := pluginhost.Frames(resp)
	Expect(err).NotTo(HaveOccurred())
	Expect(frames).To(HaveLen(1), "one frame per query")
	Expect(frames[0].RefID).To(Equal(q.RefID))
	return frames[0]
}

// rowsOf reads a Pulse frame's rows.
func rowsOf(f *data.Frame) []pluginhost.Row {
	GinkgoHelper()
	rows, err := pluginhost.Rows(f)
	Expect(err).NotTo(HaveOccurred())
	return rows
}

// lastRange is the range of the last d up to now, as a panel asks for it.
func lastRange(d time.Duration) (from, to time.Time) {
	to = ms(time.Now())
	return to.Add(-d), to
}

// channelPath is the path of a channel of ds: what follows ds/<uid>/.
func channelPath(ds pluginhost.Instance, channel string) string {
	GinkgoHelper()
	Expect(channel).To(HavePrefix(ds.ChannelPrefix()))
	return strings.TrimPrefix(channel, ds.ChannelPrefix())
}

// lockedBuffer is a bytes.Buffer safe for one writer and many readers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// activeStreams is how many streams the plugin runs, asked through d.
func activeStreams(ctx context.Context, d contract.Driver) int {
	GinkgoHelper()
	n, err := d.ActiveStreams(ctx)
	Expect(err).NotTo(HaveOccurred())
	return n
}

// twoViewersOneStream subscribes two viewers to channel through d, once no
// stream runs, and checks that both get frames from one stream.
func twoViewersOneStream(ctx context.Context, d contract.Driver, channel string) (first, second contract.Subscription) {
	GinkgoHelper()
	active := func(ctx context.Context) int { return activeStreams(ctx, d) }
	Eventually(active).WithContext(ctx).WithTimeout(streamTimeout).Should(BeZero(), "no stream left by other specs")
	var err error
	first, err = d.Subscribe(ctx, channel)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(first.Close)
	second, err = d.Subscribe(ctx, channel)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(second.Close)
	for _, sub := range []contract.Subscription{first, second} {
		_, err = sub.Next(ctx)
		Expect(err).NotTo(HaveOccurred())
	}
	Expect(active(ctx)).To(Equal(1), "two viewers, one stream")
	return first, second
}
