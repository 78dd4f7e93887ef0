import { boundsError, isTemplateVariable } from './bounds';
import { feedChannelLength } from './feed/channel';
import { FEEDS, paramsOf } from './feed/sources';
import { pathAllowedBy, pathProblem } from './http/path';
import { allowedBy, filterProblem, quote, utf8Length } from './mqtt/topic';
import { subjectAllowedBy, subjectProblem } from './nats/subject';
import { isKnownSource } from './sources';
import {
  DEFAULT_SOURCE,
  FEED_LIMITS,
  FeedSourceName,
  HTTP_FORMATS,
  HTTP_QUERY_FIELDS,
  MQTT_LIMITS,
  MQTT_QUERY_FIELDS,
  NATS_QUERY_FIELDS,
  NUMERIC_QUERY_FIELDS,
  PulseQuery,
  QUERY_BOUNDS,
  QueryBoundsTable,
  SIGNAL_KINDS,
  SIGNALS_QUERY_FIELDS,
  SourceName,
  WEBSOCKET_QUERY_FIELDS,
} from './types';

/** How strictly to check, and against which data source. */
export interface ValidateOptions {
  /** Bounds to check against; the contract's by default, narrower for a data source's settings. */
  bounds?: QueryBoundsTable;
  /** Accept unresolved template variables (the editor does; an interpolated query must not). */
  allowVariables?: boolean;
  /** The data source's source (`jsonData.source`); the signals by default. */
  source?: string;
  /** Feeds: the data source's uid, which counts in the channel's length; unchecked when absent. */
  uid?: string;
  /** Feeds: the data source's allowedTopics (topic filters, path patterns or subject patterns); empty or absent allows any. */
  allowedTopics?: readonly string[];
}

type Validator = (query: PulseQuery, options: ValidateOptions) => string[];

/** The checks of each source's queries. A source without an entry is left to the backend. */
const VALIDATORS: Readonly<Record<SourceName, Validator>> = {
  signals: validateSignalsQuery,
  mqtt: (query, options) => validateFeedQuery('mqtt', query, options),
  http: (query, options) => validateFeedQuery('http', query, options),
  websocket: (query, options) => validateFeedQuery('websocket', query, options),
  nats: (query, options) => validateFeedQuery('nats', query, options),
};

/** How a feed source checks its target, and what each check says. */
interface TargetRules {
  /** The message when the target is missing. */
  required: string;
  /** What the backend would refuse in the target, without the field's name; undefined when fine. */
  problem: (text: string, allowVariables: boolean) => string | undefined;
  /** Whether the data source's allowedTopics allow the target. */
  allowed: (allowedTopics: readonly string[] | undefined, text: string) => boolean;
  /** What the data source's allowedTopics are called for this source. */
  allowedName: string;
  /** The query fields that make up the channel, as the message about its length names them. */
  channelParts: string;
}

const PATH_RULES: Omit<TargetRules, 'channelParts'> = {
  required: "path is required: the path to read under the data source's URL (/ for the URL itself)",
  problem: (text, allowVariables) => pathProblem(text, { allowVariables }),
  allowed: pathAllowedBy,
  allowedName: 'allowed paths',
};

const TARGET_RULES: Readonly<Record<FeedSourceName, TargetRules>> = {
  mqtt: {
    required: 'topic is required: the MQTT topic or topic filter to read',
    problem: (text, allowVariables) => filterProblem(text, { allowVariables }),
    allowed: allowedBy,
    allowedName: 'allowed topics',
    channelParts: 'the topic, time field and fields',
  },
  http: { ...PATH_RULES, channelParts: 'the path, format, event, time field and fields' },
  websocket: { ...PATH_RULES, channelParts: 'the path, subscribe message, time field and fields' },
  nats: {
    required: 'subject is required: the NATS subject to read (* matches one token, > every token after it)',
    problem: (text, allowVariables) => subjectProblem(text, { allowVariables }),
    allowed: subjectAllowedBy,
    allowedName: 'allowed subjects',
    channelParts: 'the subject, time field and fields',
  },
};

/** Each source's own query fields; the feeds share timeField and fields. */
const OWN_FIELDS: Readonly<Record<SourceName, readonly string[]>> = {
  signals: SIGNALS_QUERY_FIELDS,
  mqtt: MQTT_QUERY_FIELDS,
  http: HTTP_QUERY_FIELDS,
  websocket: WEBSOCKET_QUERY_FIELDS,
  nats: NATS_QUERY_FIELDS,
};

/** Everything the backend would refuse in query, one message per field; empty when it is valid. */
export function validateQuery(query: PulseQuery, options: ValidateOptions = {}): string[] {
  const source = options.source ?? DEFAULT_SOURCE;
  return isKnownSource(source) ? VALIDATORS[source](query, options) : [];
}

/**
 * The fields query carries that belong to another source than `source`: the backend ignores them
 * with a warning. A new source lists its fields here too.
 */
export function foreignFields(query: PulseQuery, source: string): string[] {
  if (!isKnownSource(source)) {
    return [];
  }
  const model = query as unknown as Record<string, unknown>;
  const own = new Set(OWN_FIELDS[source]);
  const foreign = Object.entries(OWN_FIELDS)
    .filter(([name]) => name !== source)
    .flatMap(([, fields]) => fields.filter((field) => !own.has(field) && model[field] !== undefined));
  return [...new Set(foreign)];
}

function validateSignalsQuery(query: PulseQuery, options: ValidateOptions): string[] {
  const bounds = options.bounds ?? QUERY_BOUNDS;
  const deferred = deferrer(options);
  const problems: string[] = [];

  checkStreaming(query, problems);
  const kind: unknown = query.kind;
  if (kind != null && !(typeof kind === 'string' && (deferred(kind) || SIGNAL_KINDS.some((k) => k === kind)))) {
    problems.push(`kind must be one of ${SIGNAL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  for (const field of NUMERIC_QUERY_FIELDS) {
    checkNumber(query, field, bounds, deferred, problems);
  }
  return problems;
}

function validateFeedQuery(source: FeedSourceName, query: PulseQuery, options: ValidateOptions): string[] {
  const deferred = deferrer(options);
  const rules = TARGET_RULES[source];
  const name = FEEDS[source].target;
  const problems: string[] = [];
  checkStreaming(query, problems);

  const target: unknown = query[name];
  if (target == null || target === '') {
    problems.push(rules.required);
  } else if (typeof target !== 'string') {
    problems.push(`${name} must be text, got ${JSON.stringify(target)}`);
  } else {
    const problem = rules.problem(target, options.allowVariables === true);
    if (problem) {
      problems.push(`${name} ${problem}`);
    } else if (!deferred(target) && !rules.allowed(options.allowedTopics, target)) {
      problems.push(`${name} ${quote(target)} is not covered by this data source's ${rules.allowedName}`);
    }
  }
  problems.push(...paramProblems(source, query, deferred));

  const timeField: unknown = query.timeField;
  if (timeField != null) {
    if (typeof timeField !== 'string') {
      problems.push(`timeField must be text, got ${JSON.stringify(timeField)}`);
    } else {
      problems.push(...pathProblems(timeField, deferred).map((p) => `timeField ${p}`));
    }
  }

  const fields: unknown = query.fields;
  if (fields != null) {
    if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string')) {
      problems.push(`fields must be a list of paths (text), got ${JSON.stringify(fields)}`);
    } else {
      problems.push(...fieldsProblems(fields as string[], deferred));
    }
  }

  checkNumber(query, 'flushMs', QUERY_BOUNDS, deferred, problems);

  if (problems.length === 0 && query.withStreaming === true && options.uid !== undefined) {
    const target = (query[name] as string | undefined) ?? '';
    const params = paramsOf(source, query);
    const parts = [target, ...params, query.timeField ?? '', ...(query.fields ?? []), String(query.flushMs ?? '')];
    if (!parts.some(deferred)) {
      const length = feedChannelLength(options.uid, source, {
        target,
        params,
        timeField: query.timeField,
        fields: query.fields,
        flushMs: typeof query.flushMs === 'number' ? query.flushMs : undefined,
      });
      if (length > FEED_LIMITS.channelLength) {
        problems.push(
          `with streaming, this query's channel would be ${length} characters long, and Grafana allows ` +
            `${FEED_LIMITS.channelLength} (${rules.channelParts} take about 4 characters for every 3 bytes): ` +
            'shorten them, or turn streaming off'
        );
      }
    }
  }
  return problems;
}

/** What the backend would refuse in a feed source's own query fields: format, event, subscribeMessage. */
function paramProblems(source: FeedSourceName, query: PulseQuery, deferred: (text: string) => boolean): string[] {
  const problems: string[] = [];
  for (const param of FEEDS[source].params) {
    const value: unknown = query[param];
    if (value == null) {
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`${param} must be text, got ${JSON.stringify(value)}`);
    } else if (value.includes('\u0000')) {
      problems.push(`${param} must not contain U+0000 (NUL)`);
    } else if (param === 'format' && value !== '' && !deferred(value) && !HTTP_FORMATS.some((f) => f === value)) {
      problems.push(`format must be one of ${HTTP_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
    } else if (param === 'event') {
      const problem = eventProblem(value, deferred);
      if (problem) {
        problems.push(`event ${problem}`);
      }
    } else if (param === 'subscribeMessage') {
      const problem = subscribeMessageProblem(value, deferred);
      if (problem) {
        problems.push(`subscribeMessage ${problem}`);
      }
    }
  }
  return problems;
}

/** What the HTTP source refuses in an SSE event name: a line break, or more than 256 bytes. */
export function eventProblem(event: string, deferred: (text: string) => boolean = () => false): string | undefined {
  if (/[\r\n]/.test(event)) {
    return 'is an event name, which has no line break';
  }
  const bytes = utf8Length(event);
  if (!deferred(event) && bytes > FEED_LIMITS.eventBytes) {
    return `must be at most ${FEED_LIMITS.eventBytes} bytes, got ${bytes.toLocaleString('en-US')}`;
  }
  return undefined;
}

/** What the WebSocket source refuses in a subscribe message: NUL, or more than 16 KiB. */
export function subscribeMessageProblem(
  message: string,
  deferred: (text: string) => boolean = () => false
): string | undefined {
  if (message.includes('\u0000')) {
    return 'must not contain U+0000 (NUL)';
  }
  const bytes = utf8Length(message);
  if (!deferred(message) && bytes > FEED_LIMITS.subscribeMessageBytes) {
    return `must be at most ${FEED_LIMITS.subscribeMessageBytes.toLocaleString('en-US')} bytes (16 KiB), got ${bytes.toLocaleString('en-US')}`;
  }
  return undefined;
}

/** What is wrong with one gjson path: too long or holding NUL. */
function pathProblems(path: string, deferred: (text: string) => boolean): string[] {
  if (path.includes('\u0000')) {
    return ['must not contain U+0000 (NUL)'];
  }
  const bytes = utf8Length(path);
  if (!deferred(path) && bytes > MQTT_LIMITS.pathBytes) {
    return [
      `must be at most ${MQTT_LIMITS.pathBytes.toLocaleString('en-US')} bytes, got ${bytes.toLocaleString('en-US')}`,
    ];
  }
  return [];
}

function fieldsProblems(fields: string[], deferred: (text: string) => boolean): string[] {
  const problems: string[] = [];
  if (fields.length > MQTT_LIMITS.paths) {
    problems.push(`fields must list at most ${MQTT_LIMITS.paths} paths, got ${fields.length}`);
  }
  const at = (bad: (path: string) => boolean) => fields.flatMap((f, i) => (bad(f) ? [i + 1] : []));
  const empty = at((f) => f === '');
  const nul = at((f) => f.includes('\u0000'));
  const long = at((f) => !deferred(f) && utf8Length(f) > MQTT_LIMITS.pathBytes);
  if (empty.length > 0) {
    problems.push(`fields ${entries(empty)} empty: a path is at least one character`);
  }
  if (nul.length > 0) {
    problems.push(`fields ${entries(nul, false)} must not contain U+0000 (NUL)`);
  }
  if (long.length > 0) {
    problems.push(
      `fields ${entries(long, false)} must be at most ${MQTT_LIMITS.pathBytes.toLocaleString('en-US')} bytes${long.length > 1 ? ' each' : ''}`
    );
  }
  return problems;
}

/** "entry 3 is", "entries 2, 5 and 7 are"; without the verb when verb is false. */
function entries(at: number[], verb = true): string {
  const list = at.length === 1 ? `entry ${at[0]}` : `entries ${at.slice(0, -1).join(', ')} and ${at[at.length - 1]}`;
  return verb ? `${list} ${at.length === 1 ? 'is' : 'are'}` : list;
}

function deferrer(options: ValidateOptions): (text: string) => boolean {
  return (text: string) => options.allowVariables === true && isTemplateVariable(text);
}

function checkStreaming(query: PulseQuery, problems: string[]) {
  if (query.withStreaming != null && typeof query.withStreaming !== 'boolean') {
    problems.push('withStreaming must be true or false');
  }
}

function checkNumber(
  query: PulseQuery,
  field: (typeof NUMERIC_QUERY_FIELDS)[number],
  bounds: QueryBoundsTable,
  deferred: (text: string) => boolean,
  problems: string[]
) {
  const value: unknown = query[field];
  if (value == null || (typeof value === 'string' && deferred(value))) {
    return;
  }
  const error =
    typeof value === 'number' ? boundsError(value, bounds[field]) : `must be a number, got ${JSON.stringify(value)}`;
  if (error) {
    problems.push(`${field} ${error}`);
  }
}
