package streaming

// Bounds every source shares, inclusive. They keep one request's and one
// stream's work finite whatever a viewer writes into a query or a channel
// path.
const (
	// MinFlushMs and MaxFlushMs bound a query's flushMs: a stream sends at
	// most one frame per flush window.
	MinFlushMs = 10
	MaxFlushMs = 10_000
	// DefaultFlushMs is flushMs' default.
	DefaultFlushMs = 100
	// MaxRequestPoints bounds one QueryData request: the points (rows ×
	// series) of all its queries together.
	MaxRequestPoints = 2_000_000
	// DefaultMaxPoints is the rows a query returns at most when the panel
	// gives no maxDataPoints.
	DefaultMaxPoints = 1_000
	// InitialRows is how many of the newest rows a new subscriber of a
	// running stream gets at once.
	InitialRows = 100
	// MaxChannelLength is Grafana Live's limit for a whole channel,
	// "ds/<uid>/<path>".
	MaxChannelLength = 160
)
