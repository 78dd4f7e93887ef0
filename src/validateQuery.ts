import { boundsError, isTemplateVariable } from './bounds';
import { NUMERIC_QUERY_FIELDS, PulseQuery, QUERY_BOUNDS, QueryBoundsTable, SIGNAL_KINDS } from './types';

/** How strictly to check. */
export interface ValidateOptions {
  /** Bounds to check against; the contract's by default, narrower for a data source's settings. */
  bounds?: QueryBoundsTable;
  /** Accept unresolved template variables (the editor does; an interpolated query must not). */
  allowVariables?: boolean;
}

/** Everything the backend would refuse in query, one message per field; empty when it is valid. */
export function validateQuery(query: PulseQuery, options: ValidateOptions = {}): string[] {
  const bounds = options.bounds ?? QUERY_BOUNDS;
  const deferred = (v: string) => options.allowVariables === true && isTemplateVariable(v);
  const problems: string[] = [];

  if (query.withStreaming != null && typeof query.withStreaming !== 'boolean') {
    problems.push('withStreaming must be true or false');
  }
  const kind: unknown = query.kind;
  if (kind != null && !(typeof kind === 'string' && (deferred(kind) || SIGNAL_KINDS.some((k) => k === kind)))) {
    problems.push(`kind must be one of ${SIGNAL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  for (const field of NUMERIC_QUERY_FIELDS) {
    const value: unknown = query[field];
    if (value == null || (typeof value === 'string' && deferred(value))) {
      continue;
    }
    const error =
      typeof value === 'number' ? boundsError(value, bounds[field]) : `must be a number, got ${JSON.stringify(value)}`;
    if (error) {
      problems.push(`${field} ${error}`);
    }
  }
  return problems;
}
