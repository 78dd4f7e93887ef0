import { boundsError, isTemplateVariable } from './bounds';
import { mqttChannelLength } from './mqtt/channel';
import { allowedBy, filterProblem, quote, utf8Length } from './mqtt/topic';
import { isKnownSource } from './sources';
import {
  DEFAULT_SOURCE,
  MQTT_LIMITS,
  MQTT_QUERY_FIELDS,
  NUMERIC_QUERY_FIELDS,
  PulseQuery,
  QUERY_BOUNDS,
  QueryBoundsTable,
  SIGNAL_KINDS,
  SIGNALS_QUERY_FIELDS,
  SourceName,
} from './types';

/** How strictly to check, and against which data source. */
export interface ValidateOptions {
  /** Bounds to check against; the contract's by default, narrower for a data source's settings. */
  bounds?: QueryBoundsTable;
  /** Accept unresolved template variables (the editor does; an interpolated query must not). */
  allowVariables?: boolean;
  /** The data source's source (`jsonData.source`); the signals by default. */
  source?: string;
  /** MQTT: the data source's uid, which counts in the channel's length; unchecked when absent. */
  uid?: string;
  /** MQTT: the data source's allowedTopics; empty or absent allows any topic. */
  allowedTopics?: readonly string[];
}

type Validator = (query: PulseQuery, options: ValidateOptions) => string[];

/** The checks of each source's queries. A source without an entry is left to the backend. */
const VALIDATORS: Readonly<Record<SourceName, Validator>> = {
  signals: validateSignalsQuery,
  mqtt: validateMqttQuery,
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
  const own: Readonly<Record<SourceName, readonly string[]>> = {
    signals: SIGNALS_QUERY_FIELDS,
    mqtt: MQTT_QUERY_FIELDS,
  };
  if (!isKnownSource(source)) {
    return [];
  }
  const model = query as unknown as Record<string, unknown>;
  return Object.entries(own)
    .filter(([name]) => name !== source)
    .flatMap(([, fields]) => fields.filter((field) => model[field] !== undefined));
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

function validateMqttQuery(query: PulseQuery, options: ValidateOptions): string[] {
  const deferred = deferrer(options);
  const problems: string[] = [];
  checkStreaming(query, problems);

  const topic: unknown = query.topic;
  if (topic == null || topic === '') {
    problems.push('topic is required: the MQTT topic or topic filter to read');
  } else if (typeof topic !== 'string') {
    problems.push(`topic must be text, got ${JSON.stringify(topic)}`);
  } else {
    const problem = filterProblem(topic, { allowVariables: options.allowVariables });
    if (problem) {
      problems.push(`topic ${problem}`);
    } else if (!deferred(topic) && !allowedBy(options.allowedTopics, topic)) {
      problems.push(`topic ${quote(topic)} is not covered by this data source's allowed topics`);
    }
  }

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
    const parts = [query.topic ?? '', query.timeField ?? '', ...(query.fields ?? []), String(query.flushMs ?? '')];
    if (!parts.some(deferred)) {
      const length = mqttChannelLength(options.uid, {
        topic: query.topic ?? '',
        timeField: query.timeField,
        fields: query.fields,
        flushMs: typeof query.flushMs === 'number' ? query.flushMs : undefined,
      });
      if (length > MQTT_LIMITS.channelLength) {
        problems.push(
          `with streaming, this query's channel would be ${length} characters long, and Grafana allows ` +
            `${MQTT_LIMITS.channelLength} (the topic, time field and fields take about 4 characters for every 3 bytes): ` +
            'shorten them, or turn streaming off'
        );
      }
    }
  }
  return problems;
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
