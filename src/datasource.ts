import {
  CoreApp,
  DataQueryError,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv, isExpressionReference } from '@grafana/runtime';
import { map, Observable } from 'rxjs';

import { boundsFor } from './bounds';
import { DEFAULT_QUERY, NUMERIC_QUERY_FIELDS, PulseOptions, PulseQuery, QUERY_BOUNDS, QueryBoundsTable } from './types';
import { validateQuery } from './validateQuery';

/** The Pulse data source: queries run in the Go backend; this class prepares and checks them. */
export class DataSource extends DataSourceWithBackend<PulseQuery, PulseOptions> {
  /** The query bounds this data source's settings allow. */
  readonly bounds: QueryBoundsTable;

  constructor(instanceSettings: DataSourceInstanceSettings<PulseOptions>) {
    super(instanceSettings);
    this.bounds = boundsFor(instanceSettings.jsonData);
  }

  getDefaultQuery(_app: CoreApp): Partial<PulseQuery> {
    // A data source whose minStepMs is above the usual step would refuse the usual default.
    const stepMs = Math.max(QUERY_BOUNDS.stepMs.default, this.bounds.stepMs.min);
    return stepMs === DEFAULT_QUERY.stepMs ? DEFAULT_QUERY : { ...DEFAULT_QUERY, stepMs };
  }

  filterQuery(query: PulseQuery): boolean {
    return !query.hide;
  }

  /**
   * Resolves variables in `kind` and in numeric fields held as text. Text that is not a number
   * afterwards stays text, so it is reported as such instead of turning into NaN, which JSON
   * would send as null and the backend would take for "use the default".
   */
  applyTemplateVariables(query: PulseQuery, scopedVars: ScopedVars): PulseQuery {
    const templateSrv = getTemplateSrv();
    const resolved: PulseQuery = { ...query };
    if (typeof query.kind === 'string') {
      resolved.kind = templateSrv.replace(query.kind, scopedVars);
    }
    for (const field of NUMERIC_QUERY_FIELDS) {
      const value = query[field];
      if (typeof value === 'string') {
        resolved[field] = toNumber(templateSrv.replace(value, scopedVars));
      }
    }
    return resolved;
  }

  /**
   * Sends the valid queries and answers each invalid one with an error naming its fields, so a
   * query the backend would refuse never leaves the browser and the panel says why.
   */
  query(request: DataQueryRequest<PulseQuery>): Observable<DataQueryResponse> {
    const errors: DataQueryError[] = [];
    const targets = request.targets.filter((target) => {
      if (isExpressionReference(target.datasource)) {
        return true;
      }
      const problems = validateQuery(this.applyTemplateVariables(target, request.scopedVars), { bounds: this.bounds });
      if (problems.length > 0) {
        errors.push({ refId: target.refId, message: `Query ${target.refId}: ${problems.join('; ')}` });
      }
      return problems.length === 0;
    });
    const response = super.query({ ...request, targets });
    if (errors.length === 0) {
      return response;
    }
    return response.pipe(map((r) => ({ ...r, errors: [...(r.errors ?? []), ...errors] })));
  }
}

function toNumber(text: string): number | string {
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}
