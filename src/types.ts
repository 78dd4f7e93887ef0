import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// The query model and data source settings. Mirrors docs/query-model.md field for field:
// change both together, and the backend's copy too.

/** The shapes Pulse generates. */
export type SignalKind = 'randomWalk' | 'sine' | 'square' | 'sawtooth' | 'counter';

/** Every kind, in the order the editor offers them. */
export const SIGNAL_KINDS: readonly SignalKind[] = ['randomWalk', 'sine', 'square', 'sawtooth', 'counter'];

/** The kinds with a cycle; `periodMs` means nothing to the others. */
export const PERIODIC_KINDS: readonly SignalKind[] = ['sine', 'square', 'sawtooth'];

/**
 * A field as a saved query may hold it: the model's own type, or a template variable such as
 * "$step" that DataSource.applyTemplateVariables resolves before the query leaves the browser.
 */
export type Templated<T> = T | string;

/** One Pulse query. Every field is optional; an absent field takes its default. */
export interface PulseQuery extends DataQuery {
  /** Keep the panel live through a Grafana Live channel. */
  withStreaming?: boolean;
  kind?: Templated<SignalKind>;
  /** Milliseconds between two points (integer). */
  stepMs?: Templated<number>;
  /** One cycle of the periodic kinds, in milliseconds (integer). */
  periodMs?: Templated<number>;
  /** Peak deviation from `offset`; a random walk's step size; a counter's increase per point. */
  amplitude?: Templated<number>;
  /** The value the signal moves around. */
  offset?: Templated<number>;
  /** Picks another random walk and shifts the phase of the periodic kinds (integer). */
  seed?: Templated<number>;
  /** How many series the query returns, in one frame (integer). */
  seriesCount?: Templated<number>;
  /** The stream's flush window in milliseconds: at most one frame per window (integer). */
  flushMs?: Templated<number>;
}

/** The numeric fields of a query. */
export type NumericQueryField = 'stepMs' | 'periodMs' | 'amplitude' | 'offset' | 'seed' | 'seriesCount' | 'flushMs';

/** What a numeric setting accepts, and what it is when absent. */
export interface NumberBounds {
  min: number;
  max: number;
  default: number;
  integer: boolean;
}

/** A bounds table for the numeric query fields. */
export type QueryBoundsTable = Readonly<Record<NumericQueryField, NumberBounds>>;

/** The contract's bounds and defaults; the editor, validation and tests all read them from here. */
export const QUERY_BOUNDS: QueryBoundsTable = {
  stepMs: { min: 1, max: 3_600_000, default: 1000, integer: true },
  periodMs: { min: 10, max: 86_400_000, default: 60_000, integer: true },
  amplitude: { min: 0, max: 1_000_000_000, default: 10, integer: false },
  offset: { min: -1_000_000_000, max: 1_000_000_000, default: 0, integer: false },
  seed: { min: 0, max: 999_999_999, default: 0, integer: true },
  seriesCount: { min: 1, max: 16, default: 1, integer: true },
  flushMs: { min: 10, max: 10_000, default: 100, integer: true },
};

/** The numeric query fields, in the contract's order. */
export const NUMERIC_QUERY_FIELDS = Object.keys(QUERY_BOUNDS) as NumericQueryField[];

/** A new query: every field spelled out at its default, so the editor shows what will run. */
export const DEFAULT_QUERY: Readonly<Omit<PulseQuery, 'refId'>> = {
  withStreaming: false,
  kind: 'randomWalk',
  stepMs: QUERY_BOUNDS.stepMs.default,
  periodMs: QUERY_BOUNDS.periodMs.default,
  amplitude: QUERY_BOUNDS.amplitude.default,
  offset: QUERY_BOUNDS.offset.default,
  seed: QUERY_BOUNDS.seed.default,
  seriesCount: QUERY_BOUNDS.seriesCount.default,
  flushMs: QUERY_BOUNDS.flushMs.default,
};

/** The data source settings the backend reads (`jsonData`). Pulse has no secure settings. */
export interface PulseOptions extends DataSourceJsonData {
  /** The smallest `stepMs` this data source accepts. */
  minStepMs?: number;
  /** The largest `seriesCount` this data source accepts. */
  maxSeries?: number;
  /** The most channels this data source streams at once; a viewer of one more is refused. */
  maxStreams?: number;
}

/** The settings' fields. */
export type OptionField = 'minStepMs' | 'maxSeries' | 'maxStreams';

/** The settings' bounds and defaults. */
export const OPTION_BOUNDS: Readonly<Record<OptionField, NumberBounds>> = {
  minStepMs: { min: 1, max: 3_600_000, default: 1, integer: true },
  maxSeries: { min: 1, max: 16, default: 16, integer: true },
  maxStreams: { min: 1, max: 10_000, default: 1000, integer: true },
};
