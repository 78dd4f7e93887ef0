import {
  CoreApp,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, isExpressionReference, StreamOptionsProvider } from '@grafana/runtime';
import { map, Observable } from 'rxjs';

import { boundsFor } from './bounds';
import { FEEDS, isFeedSource } from './feed/sources';
import { sourceOf } from './sources';
import { pulseStreamOptions } from './streamOptions';
import { combinationCount, combinations, multiValues, withValues } from './templating';
import {
  DEFAULT_FEED_QUERY,
  DEFAULT_QUERY,
  FeedSourceName,
  NUMERIC_QUERY_FIELDS,
  PulseOptions,
  PulseQuery,
  QUERY_BOUNDS,
  QueryBoundsTable,
} from './types';
import { validateQuery, ValidateOptions } from './validateQuery';

/** The most queries one query's target (topic, path, subject) may expand into through multi-value variables. */
export const MAX_EXPANDED_QUERIES = 100;

/** A query as query() sends it: expanded and resolved, or the reason it cannot be. */
type Expansion = { queries: PulseQuery[] } | { error: string };

/** The Pulse data source: queries run in the Go backend; this class prepares and checks them. */
export class DataSource extends DataSourceWithBackend<PulseQuery, PulseOptions> {
  /** What this data source reads (`jsonData.source`): "signals", "mqtt", "http", "websocket", "nats", or a name unknown here. */
  readonly source: string;
  /** The query bounds this data source's settings allow. */
  readonly bounds: QueryBoundsTable;
  /** The topic filters, path patterns or subject patterns a feed data source's queries may read; empty allows any. */
  readonly allowedTopics: readonly string[];
  /** Queries query() resolved already, which applyTemplateVariables must not resolve again. */
  private readonly resolved = new WeakSet<PulseQuery>();

  constructor(instanceSettings: DataSourceInstanceSettings<PulseOptions>) {
    super(instanceSettings);
    const jsonData = instanceSettings.jsonData ?? {};
    this.source = sourceOf(jsonData);
    this.bounds = boundsFor(jsonData);
    const allowed: unknown = jsonData.allowedTopics;
    this.allowedTopics = Array.isArray(allowed) ? allowed.filter((t): t is string => typeof t === 'string') : [];
  }

  /** The live buffer of each streaming frame: see pulseStreamOptions. */
  streamOptionsProvider: StreamOptionsProvider<PulseQuery> = (request, frame) =>
    pulseStreamOptions(this.source, request, frame);

  /** What validateQuery needs to check a query of this data source as its backend would. */
  get validation(): ValidateOptions {
    return { source: this.source, bounds: this.bounds, uid: this.uid, allowedTopics: this.allowedTopics };
  }

  getDefaultQuery(app: CoreApp): Partial<PulseQuery> {
    if (isFeedSource(this.source)) {
      // Alert rules read the history; a stream means nothing to them.
      const alerting = app === CoreApp.UnifiedAlerting || app === CoreApp.CloudAlerting;
      return alerting ? { ...DEFAULT_FEED_QUERY, withStreaming: false } : DEFAULT_FEED_QUERY;
    }
    if (this.source !== 'signals') {
      return {};
    }
    // A data source whose minStepMs is above the usual step would refuse the usual default.
    const stepMs = Math.max(QUERY_BOUNDS.stepMs.default, this.bounds.stepMs.min);
    return stepMs === DEFAULT_QUERY.stepMs ? DEFAULT_QUERY : { ...DEFAULT_QUERY, stepMs };
  }

  /** Leaves out hidden queries, and feed queries without a target yet (the editor asks for one). */
  filterQuery(query: PulseQuery): boolean {
    if (query.hide) {
      return false;
    }
    if (!isFeedSource(this.source)) {
      return true;
    }
    const target = query[FEEDS[this.source].target];
    return target != null && target !== '';
  }

  /**
   * Resolves template variables. Signals: in `kind`, and in numeric fields held as text. Feeds: in
   * the target (`topic`, `path` or `subject`), the source's params (`format`, `event`,
   * `subscribeMessage`), `timeField`, each of `fields` (an entry whose variable has several values
   * selected becomes one path per value; one that resolves to nothing is dropped) and `flushMs`. Text that
   * is not a number afterwards stays text, so it is reported as such instead of turning into NaN,
   * which JSON would send as null and the backend would take for "use the default".
   */
  applyTemplateVariables(query: PulseQuery, scopedVars: ScopedVars): PulseQuery {
    if (this.resolved.has(query)) {
      return query;
    }
    const templateSrv = getTemplateSrv();
    const resolved: PulseQuery = { ...query };
    const replace = (text: string) => templateSrv.replace(text, scopedVars);
    if (isFeedSource(this.source)) {
      const { target, params } = FEEDS[this.source];
      for (const field of [target, ...params]) {
        const value: unknown = query[field];
        if (typeof value === 'string') {
          resolved[field] = replace(value);
        }
      }
      if (typeof query.timeField === 'string') {
        resolved.timeField = replace(query.timeField);
      }
      if (Array.isArray(query.fields)) {
        resolved.fields = query.fields.flatMap((path) => this.resolvePath(path, scopedVars));
      }
      if (typeof query.flushMs === 'string') {
        resolved.flushMs = toNumber(replace(query.flushMs));
      }
      return resolved;
    }
    if (typeof query.kind === 'string') {
      resolved.kind = replace(query.kind);
    }
    for (const field of NUMERIC_QUERY_FIELDS) {
      const value = query[field];
      if (typeof value === 'string') {
        resolved[field] = toNumber(replace(value));
      }
    }
    return resolved;
  }

  /** Explore's interpolation: as query() sends them, one query per value of a multi-value target. */
  interpolateVariablesInQueries(queries: PulseQuery[], scopedVars: ScopedVars): PulseQuery[] {
    const used = new Set(queries.map((q) => q.refId));
    return queries.flatMap((query) => {
      const expansion = this.expand(query, scopedVars, used);
      return 'queries' in expansion ? expansion.queries : [this.applyTemplateVariables(query, scopedVars)];
    });
  }

  /**
   * Resolves every query once (a feed query whose target holds a variable with several values
   * selected becomes one query per value), sends the valid ones and answers each invalid one with
   * an error naming its fields, so a query the backend would refuse never leaves the browser and
   * the panel says why.
   */
  query(request: DataQueryRequest<PulseQuery>): Observable<DataQueryResponse> {
    const errors: DataQueryError[] = [];
    const targets: PulseQuery[] = [];
    const used = new Set(request.targets.map((t) => t.refId));
    for (const target of request.targets) {
      if (isExpressionReference(target.datasource)) {
        targets.push(target);
        continue;
      }
      const expansion = this.expand(target, request.scopedVars, used);
      if ('error' in expansion) {
        errors.push({ refId: target.refId, message: `Query ${target.refId}: ${expansion.error}` });
        continue;
      }
      for (const query of expansion.queries) {
        const problems = validateQuery(query, this.validation);
        if (problems.length > 0) {
          errors.push({ refId: query.refId, message: `Query ${query.refId}: ${problems.join('; ')}` });
        } else {
          this.resolved.add(query);
          targets.push(query);
        }
      }
    }
    const response = super.query({ ...request, targets });
    if (errors.length === 0) {
      return response;
    }
    return response.pipe(map((r) => ({ ...r, errors: [...(r.errors ?? []), ...errors] })));
  }

  /**
   * The queries target runs as, resolved. A feed query's target (an MQTT topic, an HTTP or
   * WebSocket path, a NATS subject) that refers to variables with several values selected gives
   * one query per combination of values, each with those variables set to its values throughout
   * the query and the refId `<refId>/<value>[/<value>…]` (made unique among used, with `#2`,
   * `#3`… should two coincide); any other query resolves as it is. A variable with several values
   * in the time field or a param, and not in the target, is an error: the query reads one of each.
   */
  private expand(target: PulseQuery, scopedVars: ScopedVars, used: Set<string>): Expansion {
    if (!isFeedSource(this.source)) {
      return { queries: [this.applyTemplateVariables(target, scopedVars)] };
    }
    const source: FeedSourceName = this.source;
    const templateSrv = getTemplateSrv();
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const targetField = FEEDS[source].target;
    const variables = multiValues(templateSrv, text(target[targetField]), scopedVars);
    for (const field of [...FEEDS[source].params, 'timeField' as const]) {
      const inField = multiValues(templateSrv, text(target[field]), scopedVars).filter(
        (v) => !variables.some((t) => t.name === v.name)
      );
      if (inField.length > 0) {
        const names = inField.map((v) => `$${v.name}`).join(', ');
        const reads = field === 'timeField' ? 'one time field' : `one ${field}`;
        return { error: `${field}: ${names} has several values selected, and a query reads ${reads}` };
      }
    }
    if (variables.length === 0) {
      return { queries: [this.applyTemplateVariables(target, scopedVars)] };
    }
    const count = combinationCount(variables);
    if (count > MAX_EXPANDED_QUERIES) {
      const what = { topic: 'topics', path: 'paths', subject: 'subjects' }[targetField];
      const wildcard =
        source === 'mqtt'
          ? ', or match them with a wildcard (for example a custom "All" value of +)'
          : source === 'nats'
            ? ', or match them with a wildcard (for example a custom "All" value of *)'
            : '';
      return {
        error:
          `the ${targetField}'s variables select ${count} ${what}, and one query expands into at most ${MAX_EXPANDED_QUERIES}: ` +
          `select fewer values${wildcard}`,
      };
    }
    const queries = combinations(variables).map((combo) => {
      let refId = `${target.refId}/${combo.join('/')}`;
      for (let n = 2; used.has(refId); n++) {
        refId = `${target.refId}/${combo.join('/')}#${n}`;
      }
      used.add(refId);
      return { ...this.applyTemplateVariables(target, withValues(scopedVars, variables, combo)), refId };
    });
    return { queries };
  }

  /** One `fields` entry, resolved: one path per value of its multi-value variables, none if empty. */
  private resolvePath(path: string, scopedVars: ScopedVars): string[] {
    if (typeof path !== 'string') {
      return [path];
    }
    const templateSrv = getTemplateSrv();
    const variables = multiValues(templateSrv, path, scopedVars);
    const resolved = combinations(variables).map((combo) =>
      templateSrv.replace(path, withValues(scopedVars, variables, combo))
    );
    // A path that only a variable made empty is dropped; one written empty stays, to be reported.
    return path === '' ? [path] : resolved.filter((p) => p !== '');
  }
}

function toNumber(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}
