// Package signals is the source of generated signals, Pulse's default:
// random walks, sines, square and sawtooth waves and counters, computed from
// the query and the time alone (see the streaming package), backfilled by
// QueryData and pushed live as their points fall due.
package signals
