package signals

import "github.com/pulse-datasource/pulse/backend/streaming"

// Bounds of every signal query parameter, inclusive. They keep one query's
// work finite whatever a viewer writes into a query or a channel path.
const (
	MinStepMs       = 1
	MaxStepMs       = 3_600_000
	MinPeriodMs     = 10
	MaxPeriodMs     = 86_400_000
	MinAmplitude    = 0
	MaxAmplitude    = 1e9
	MinOffset       = -1e9
	MaxOffset       = 1e9
	MinSeed         = 0
	MaxSeed         = 999_999_999
	MinSeriesCount  = 1
	MaxSeriesCount  = 16
	MaxBackfillRows = 100_000
)

// Defaults of every signal query parameter.
const (
	DefaultKind        = KindRandomWalk
	DefaultStepMs      = 1000
	DefaultPeriodMs    = 60_000
	DefaultAmplitude   = 10.0
	DefaultOffset      = 0.0
	DefaultSeed        = 0
	DefaultSeriesCount = 1
	DefaultFlushMs     = streaming.DefaultFlushMs
)
