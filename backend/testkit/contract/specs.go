package contract

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// Generous bounds: the specs run under -race on a busy machine and against
// a Grafana in a container; they check behaviour, not speed.
const (
	callTimeout   = 30 * time.Second
	streamTimeout = 60 * time.Second
	// stopTimeout covers Grafana's wait before it stops a stream no one
	// watches (about 15 s) several times over.
	stopTimeout = 90 * time.Second
)

// Specs registers the contract's specs, run through the Driver that
// driver returns when a spec runs (so it can be made in a BeforeSuite). host
// names what the driver reaches; decorators (a Label, say) apply to every
// spec.
func Specs(host string, driver func() Driver, decorators ...any) bool {
	body := func() {
		describeHealth(driver)
		describeQueries(driver)
		describeSubscriptions(driver)
		describeStreams(driver)
	}
	return Describe("Pulse's streaming contract, through "+host, append(decorators, body)...)
}

// channelOf is the name of the channel at path of the driver's data source.
func channelOf(d Driver, path string) string {
	return "ds/" + d.DataSourceUID() + "/" + path
}

// subscribe joins a channel that must admit the viewer; the spec's cleanup
// leaves it.
func subscribe(ctx context.Context, d Driver, channel string) Subscription {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	sub, err := d.Subscribe(ctx, channel)
	Expect(err).NotTo(HaveOccurred(), "subscribing to %s", channel)
	DeferCleanup(sub.Close)
	return sub
}

// query runs a query that must succeed with one frame, and returns it.
func query(ctx context.Context, d Driver, q Query) QueryResult {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	res, err := d.Query(ctx, q)
	Expect(err).NotTo(HaveOccurred(), "query %s", q.Model)
	return res
}

// lastRange is the range of the last d up to now, in whole milliseconds,
// as a panel asks for it.
func lastRange(d time.Duration) (from, to time.Time) {
	to = time.UnixMilli(time.Now().UnixMilli()).UTC()
	return to.Add(-d), to
}
