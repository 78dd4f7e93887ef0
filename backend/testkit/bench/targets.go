package bench

import "time"

// The targets of issue #5. A comparison is a ratio measured in one run.
const (
	// TargetVsSDKLimit is the least Pulse's throughput may be, as a share of
	// the SDK limit's.
	TargetVsSDKLimit = 0.8
	// TargetVsTutorial is the least Pulse's throughput may be, as a multiple
	// of the tutorial loop's.
	TargetVsTutorial = 20.0
	// TargetBytesVsTutorial is the most Pulse's bytes per row may be, as a
	// share of the tutorial loop's.
	TargetBytesVsTutorial = 1.0 / 3
	// TargetLatencySlack is how far past the flush window a row's p99
	// latency may be.
	TargetLatencySlack = 5 * time.Millisecond
	// TargetBytesPerChannel is the most resident memory one channel may
	// add, in bytes (20 KB).
	TargetBytesPerChannel = 20_000
	// TargetCPUShare is the CPU the plugin must stay under, in cores.
	TargetCPUShare = 1.0
	// TargetScaleChannels is the number of channels the scale targets
	// apply at.
	TargetScaleChannels = 10_000

	// The targets of issue #11.

	// TargetStalledBytesPerStream is the most resident memory a stream
	// whose receiver stopped reading may add, in bytes (256 KB).
	TargetStalledBytesPerStream = 256_000
	// TargetStalledStreams is the number of stalled streams the target
	// applies at.
	TargetStalledStreams = 500
	// TargetWorstQueries is how many worst-case queries the worst request
	// holds: the QueryData targets apply to it.
	TargetWorstQueries = 100
	// TargetWorstQueryGrowth is the most the plugin's peak resident memory
	// may grow for the worst QueryData request, in bytes (512 MB).
	TargetWorstQueryGrowth = 512_000_000
	// TargetCPUAfterCancel is how soon after its client gave up the plugin
	// must stop working on a request.
	TargetCPUAfterCancel = time.Second
)

// Check is one target compared with its measurement.
type Check struct {
	// Target says what was aimed at, Measured what came out.
	Target, Measured string
	Verdict          Verdict
	// Why explains a miss: by how much and the likely cause, from the
	// measurements. Empty for a pass.
	Why string
}
