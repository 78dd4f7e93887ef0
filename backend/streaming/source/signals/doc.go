// Package signals is the source of generated signals, Pulse's default:
// random walks, sines, square and sawtooth waves and counters, computed from
// the query and the time alone. It holds their query model and bounds
// (Query, Limits), the canonical channel-path codec (Path, ParsePath, the
// v1/... paths provisioned dashboards use), the generators, the backfill
// frames QueryData returns, the Pump that pushes points live as they fall
// due, and the Source that serves them (New).
package signals
