import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

// The query model and data source settings. Mirrors docs/query-model.md (the generated signals)
// and docs/mqtt.md (the MQTT source) field for field: change them together, and the backend's copy
// too. The HTTP, WebSocket and NATS sources are feeds like MQTT: they share its history, limits,
// time field, fields and flush window, and add their own target and query fields.

/** The sources a Pulse data source can read, by their `jsonData.source` name. */
export type SourceName = 'signals' | 'mqtt' | 'http' | 'websocket' | 'nats';

/** Every source this frontend knows, in the order the config editor offers them. */
export const SOURCE_NAMES: readonly SourceName[] = ['signals', 'mqtt', 'http', 'websocket', 'nats'];

/** The sources that follow an upstream feed of JSON messages, keep history and stream it. */
export type FeedSourceName = Exclude<SourceName, 'signals'>;

/** Every feed source. */
export const FEED_SOURCE_NAMES: readonly FeedSourceName[] = ['mqtt', 'http', 'websocket', 'nats'];

/** The source of a data source whose settings name none. */
export const DEFAULT_SOURCE: SourceName = 'signals';

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

/**
 * One Pulse query. Every field is optional; an absent field takes its default. Which fields mean
 * something depends on the data source's source: `withStreaming` and `flushMs` are shared, `kind`
 * to `seriesCount` are the generated signals', `topic`, `timeField` and `fields` the MQTT source's.
 * The backend warns about the other source's fields, so an editor writes only its own.
 */
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
  /** MQTT: the topic filter to subscribe to (`+` a whole level, `#` the whole last level). */
  topic?: string;
  /** HTTP and WebSocket: the path to read, under the data source's URL; may carry `?query`. */
  path?: string;
  /** HTTP: how the response is read; absent means `auto` (by its Content-Type). */
  format?: Templated<HttpFormat>;
  /** HTTP: the Server-Sent Events event name to keep; absent or empty keeps every event. */
  event?: string;
  /** WebSocket: the text sent after each connect (a subscribe request); absent sends nothing. */
  subscribeMessage?: string;
  /** NATS: the subject to subscribe to (`*` one token, `>` the rest). */
  subject?: string;
  /** Feeds: the gjson path of each row's time in its payload; absent means the arrival time. */
  timeField?: string;
  /** Feeds: the gjson paths of the values to keep; absent or empty keeps every field. */
  fields?: string[];
}

/** How an HTTP source reads a response: by its Content-Type, as Server-Sent Events, or as NDJSON. */
export type HttpFormat = 'auto' | 'sse' | 'ndjson';

/** The HTTP formats, the default first. */
export const HTTP_FORMATS: readonly HttpFormat[] = ['auto', 'sse', 'ndjson'];

/** The query fields listed as they are, each a field of PulseQuery. */
const queryFields = <const F extends ReadonlyArray<keyof PulseQuery>>(...fields: F): F => fields;

/** The fields of a query that belong to the generated signals. */
export const SIGNALS_QUERY_FIELDS = queryFields(
  'kind',
  'stepMs',
  'periodMs',
  'amplitude',
  'offset',
  'seed',
  'seriesCount'
);

/** The fields of a query that every feed source reads, after its own. */
const FEED_QUERY_FIELDS = queryFields('timeField', 'fields');

/** The fields of a query that belong to the MQTT source. */
export const MQTT_QUERY_FIELDS = queryFields('topic', ...FEED_QUERY_FIELDS);

/** The fields of a query that belong to the HTTP source. */
export const HTTP_QUERY_FIELDS = queryFields('path', 'format', 'event', ...FEED_QUERY_FIELDS);

/** The fields of a query that belong to the WebSocket source. */
export const WEBSOCKET_QUERY_FIELDS = queryFields('path', 'subscribeMessage', ...FEED_QUERY_FIELDS);

/** The fields of a query that belong to the NATS source. */
export const NATS_QUERY_FIELDS = queryFields('subject', ...FEED_QUERY_FIELDS);

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

/**
 * The data source settings the backend reads (`jsonData`). `source` picks what the data source
 * reads; `maxStreams` is shared; the others belong to one source or to the feeds, and the other
 * sources ignore them. HTTP and WebSocket header names are `httpHeaderName1`…`httpHeaderNameN`,
 * their values `httpHeaderValue1`… in secureJsonData (Grafana's convention).
 */
export interface PulseOptions extends DataSourceJsonData {
  /** What this data source reads: the generated signals (absent), an MQTT broker, an HTTP or WebSocket endpoint, NATS. */
  source?: string;
  /** The smallest `stepMs` this data source accepts. */
  minStepMs?: number;
  /** The largest `seriesCount` this data source accepts. */
  maxSeries?: number;
  /** The most channels this data source streams at once; a viewer of one more is refused. */
  maxStreams?: number;
  /** MQTT: the broker's address, `scheme://host[:port]`. */
  uri?: string;
  /** MQTT: the user name; empty connects without one. */
  username?: string;
  /** MQTT: the client ID; empty makes a new one each time the data source opens. */
  clientID?: string;
  /** MQTT: the protocol version spoken to the broker; absent means 3.1.1. */
  protocolVersion?: MqttProtocolVersion;
  /** MQTT: accept any broker certificate (for testing only). */
  tlsSkipVerify?: boolean;
  /** MQTT: present the client certificate `tlsClientCert` with its key `tlsClientKey`. */
  tlsAuth?: boolean;
  /** MQTT: trust the broker's certificate when `tlsCACert` signed it. */
  tlsAuthWithCACert?: boolean;
  /** MQTT: the topic filters queries may subscribe to; empty allows any. */
  allowedTopics?: string[];
  /** WebSocket: the only subscribe messages queries may send; empty allows any. */
  allowedSubscribeMessages?: string[];
  /** MQTT: the most rows one tap keeps. */
  historyMaxRows?: number;
  /** MQTT: roughly the most memory one tap's rows take, in bytes. */
  historyMaxBytes?: number;
  /** MQTT: how long a tap is kept after its last stream stopped or a query last read it. */
  lingerSeconds?: number;
  /** HTTP: how long a stream may send nothing before it is opened again, in seconds; 0 waits for ever. */
  idleTimeoutSeconds?: number;
  /** HTTP, WebSocket: the base URL queries' paths resolve under. NATS: one or more servers, comma-separated. */
  url?: string;
  /** HTTP, WebSocket: the basic authentication user; its password is `basicAuthPassword`. */
  basicAuthUser?: string;
  /** NATS: how the connection authenticates. */
  authType?: NatsAuthType;
  /** HTTP, WebSocket: the names of the headers sent with each request. */
  [header: `httpHeaderName${number}`]: string | undefined;
}

/** How a NATS data source authenticates. */
export type NatsAuthType = 'none' | 'token' | 'userPassword' | 'nkey' | 'credentials';

/** The NATS authentication types, the default first. */
export const NATS_AUTH_TYPES: readonly NatsAuthType[] = ['none', 'token', 'userPassword', 'nkey', 'credentials'];

/** The MQTT versions Pulse speaks. */
export type MqttProtocolVersion = '3.1.1' | '5';

/** The MQTT protocol versions, the default first. */
export const MQTT_PROTOCOL_VERSIONS: readonly MqttProtocolVersion[] = ['3.1.1', '5'];

/** The secure settings (`secureJsonData`): Grafana stores them encrypted and never sends them back. */
export interface PulseSecureOptions {
  /** MQTT: the password, sent with the user name. */
  password?: string;
  /** MQTT: the PEM certificate of the CA that signed the broker's. */
  tlsCACert?: string;
  /** MQTT: the client's PEM certificate. */
  tlsClientCert?: string;
  /** MQTT: the client certificate's PEM private key. */
  tlsClientKey?: string;
  /** HTTP, WebSocket: the basic authentication password, sent with `basicAuthUser`. */
  basicAuthPassword?: string;
  /** HTTP, WebSocket: sent as `Authorization: Bearer <token>`; exclusive with basic authentication. */
  bearerToken?: string;
  /** NATS: the token, for `authType` token. */
  token?: string;
  /** NATS: the NKey seed (SU…), for `authType` nkey. */
  nkeySeed?: string;
  /** NATS: the content of a .creds file (JWT and NKey seed), for `authType` credentials. */
  credentials?: string;
  /** HTTP, WebSocket: the value of the header `httpHeaderName<N>` names. */
  [header: `httpHeaderValue${number}`]: string | undefined;
}

/** The name of a secure setting. */
export type SecureField = Extract<keyof PulseSecureOptions, string>;

/** The MQTT source's secure settings (docs/mqtt.md). */
export const SECURE_FIELDS: readonly SecureField[] = ['password', 'tlsCACert', 'tlsClientCert', 'tlsClientKey'];

/** The settings' fields. */
export type OptionField = 'minStepMs' | 'maxSeries' | 'maxStreams';

/** The settings' bounds and defaults. */
export const OPTION_BOUNDS: Readonly<Record<OptionField, NumberBounds>> = {
  minStepMs: { min: 1, max: 3_600_000, default: 1, integer: true },
  maxSeries: { min: 1, max: 16, default: 16, integer: true },
  maxStreams: { min: 1, max: 10_000, default: 1000, integer: true },
};

/** The MQTT source's numeric settings. */
export type MqttOptionField = 'historyMaxRows' | 'historyMaxBytes' | 'lingerSeconds' | 'maxStreams';

/** The MQTT source's numeric settings' bounds and defaults (docs/mqtt.md, "Settings"). */
export const MQTT_OPTION_BOUNDS: Readonly<Record<MqttOptionField, NumberBounds>> = {
  historyMaxRows: { min: 1, max: 1_000_000, default: 10_000, integer: true },
  historyMaxBytes: { min: 65_536, max: 1_073_741_824, default: 4_194_304, integer: true },
  lingerSeconds: { min: 0, max: 86_400, default: 600, integer: true },
  maxStreams: OPTION_BOUNDS.maxStreams,
};

/** The HTTP source's idle timeout: its bounds and default, in seconds (docs/http.md, "Settings"). */
export const HTTP_IDLE_TIMEOUT_BOUNDS: NumberBounds = { min: 0, max: 86_400, default: 300, integer: true };

/** The MQTT query's numeric field and its bounds: the flush window, as for the signals. */
export const MQTT_QUERY_BOUNDS: Readonly<{ flushMs: NumberBounds }> = { flushMs: QUERY_BOUNDS.flushMs };

/** The MQTT source's limits on queries and settings (docs/mqtt.md, "Query" and "Limits"). */
export const MQTT_LIMITS = {
  /** The longest topic filter, in bytes of UTF-8: MQTT strings carry a two-byte length. */
  topicBytes: 65_535,
  /** The longest gjson path of `timeField` or of one `fields` entry, in bytes of UTF-8. */
  pathBytes: 1024,
  /** The most paths `fields` may list. */
  paths: 256,
  /** The most filters `allowedTopics` may list. */
  allowedTopics: 1000,
  /** Grafana Live's limit for a whole channel, `ds/<uid>/<path>`. */
  channelLength: 160,
} as const;

/**
 * A new MQTT query: streaming, since an MQTT panel is usually a live one. It carries no signal
 * fields (the backend would warn about them) and no topic yet.
 */
export const DEFAULT_MQTT_QUERY: Readonly<Omit<PulseQuery, 'refId'>> = { withStreaming: true };

/** A new query of any feed source (MQTT, HTTP, WebSocket, NATS): streaming, with no target yet. */
export const DEFAULT_FEED_QUERY = DEFAULT_MQTT_QUERY;

/** The limits of the HTTP, WebSocket and NATS sources' queries, beyond the feeds' shared ones. */
export const FEED_LIMITS = {
  /** The longest HTTP or WebSocket path, its query string included, in bytes of UTF-8. */
  pathBytes: 2048,
  /** The longest WebSocket subscribe message, in bytes of UTF-8 (16 KiB). */
  subscribeMessageBytes: 16_384,
  /** The longest HTTP event name, in bytes of UTF-8. */
  eventBytes: 256,
  /** The most custom headers an HTTP or WebSocket data source sets. */
  headers: 100,
  /** The most entries `allowedTopics` may list, as for MQTT. */
  allowedTopics: MQTT_LIMITS.allowedTopics,
  /** Grafana Live's limit for a whole channel, `ds/<uid>/<path>`. */
  channelLength: MQTT_LIMITS.channelLength,
} as const;
