package feed

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// DefaultFirstMessageWait is Options.FirstMessageWait's default.
const DefaultFirstMessageWait = 250 * time.Millisecond

// DefaultSubscribeWait is Options.SubscribeWait's default.
const DefaultSubscribeWait = 3 * time.Second

// Options describe a push source to the Feed that serves it.
type Options struct {
	// Name is the source's name in jsonData.source ("mqtt"); channel
	// paths start with it, and metrics are labelled with it.
	Name string
	// Target is the query field that names what to subscribe to: "topic"
	// for MQTT.
	Target string
	// Params are the query's further string fields that are part of what
	// is subscribed to (an HTTP stream's "format"): queries that differ in
	// one read different taps, and channel paths carry them.
	Params []Param
	// Label is the name of the label that carries a series' concrete
	// target: "topic" for MQTT.
	Label string
	// Check says whether a target may be subscribed to: nil when it may;
	// an error wrapping streaming.ErrMalformed when it is not a target at
	// all (a channel path holding it is one Pulse never writes, NotFound);
	// any other error when the settings do not allow it (PermissionDenied).
	// Its error names the query field Target.
	Check func(target string) error
	// Wildcard reports whether a target matches more than one concrete
	// target (an MQTT filter with + or #): its fields' names then carry
	// the series.
	Wildcard func(target string) bool
	// Describe, when set, is the first sentence of a healthy CheckHealth.
	Describe func() string
	// Settings are the history and limits of the data source.
	Settings Settings
	// Metrics count what the feed and its streams do; nil counts nothing.
	Metrics *streaming.Metrics
	// Slots cap the streams of every data source of the process; nil sets
	// no cap across data sources.
	Slots *streaming.StreamSlots
	// Logger hears about undecodable payloads (at most one line per tap
	// every LogEvery), subscriptions and streams; nil logs nothing.
	Logger Logger
	// FirstMessageWait is how long a QueryData that subscribes to a target
	// first waits for its first messages (a broker sends retained messages
	// at once). Zero means DefaultFirstMessageWait (250 ms).
	FirstMessageWait time.Duration
	// SubscribeWait is how long at most a QueryData that subscribes to a
	// target first waits for the Upstream to confirm the subscription
	// (Subscribed.Confirmed), as it must right after the data source
	// opened, while its connection is still being made. Zero means
	// DefaultSubscribeWait (3 s).
	SubscribeWait time.Duration
	// SweepEvery is how often lingering taps are closed and the gauges
	// updated. Zero means a second.
	SweepEvery time.Duration
	// PressureWait is how long at most a tap waits for a stream that
	// makes no progress before it counts the stream as stalled (its
	// receiver stopped reading) and evicts rows it has not sent (see
	// pressure.go). Zero means DefaultPressureWait (1 s).
	PressureWait time.Duration
}

// Param is a query field of Options.Params.
type Param struct {
	// Name is the field's name in the query JSON.
	Name string
	// Default is the value an empty one means: a query that spells it out
	// reads the same tap, and has the same channel path, as one that
	// leaves the field out.
	Default string
	// Check says what is wrong with a value, nil when it is fine; it is
	// not called for an empty value. Its error is a *streaming.FieldError
	// that names the field, wrapping streaming.ErrMalformed when the value
	// is not one at all (a channel path holding it is one Pulse never
	// writes, NotFound), or another error when the settings do not allow
	// it (PermissionDenied).
	Check func(value string) error
}

// LogEvery is how often at most a tap logs payloads it could not decode.
const LogEvery = 10 * time.Second

func (o Options) withDefaults() Options {
	o.Settings = o.Settings.withDefaults()
	if o.FirstMessageWait <= 0 {
		o.FirstMessageWait = DefaultFirstMessageWait
	}
	if o.SubscribeWait <= 0 {
		o.SubscribeWait = DefaultSubscribeWait
	}
	if o.SweepEvery <= 0 {
		o.SweepEvery = time.Second
	}
	if o.PressureWait <= 0 {
		o.PressureWait = DefaultPressureWait
	}
	if o.Wildcard == nil {
		o.Wildcard = func(string) bool { return false }
	}
	if o.Check == nil {
		o.Check = func(string) error { return nil }
	}
	if o.Logger == nil {
		o.Logger = streaming.NopLogger{}
	}
	return o
}

// Logger is what a Feed logs through; the SDK's log.Logger is one.
type Logger = streaming.Logger
