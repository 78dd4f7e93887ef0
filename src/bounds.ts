import { NumberBounds, OPTION_BOUNDS, PulseOptions, QUERY_BOUNDS, QueryBoundsTable } from './types';

const VARIABLE = /\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/;

/** Whether text refers to a template variable ($name, ${name} or [[name]]). */
export function isTemplateVariable(text: string): boolean {
  return VARIABLE.test(text);
}

/** Why value does not fit bounds, or undefined when it does. */
export function boundsError(value: number, bounds: NumberBounds): string | undefined {
  if (!Number.isFinite(value)) {
    return 'must be a number';
  }
  if (bounds.integer && !Number.isInteger(value)) {
    return 'must be a whole number';
  }
  if (value < bounds.min || value > bounds.max) {
    return `must be between ${formatNumber(bounds.min)} and ${formatNumber(bounds.max)}`;
  }
  return undefined;
}

/** The nearest value that fits bounds (rounded first for integer fields). */
export function clampToBounds(value: number, bounds: NumberBounds): number {
  const rounded = bounds.integer ? Math.round(value) : value;
  return Math.min(bounds.max, Math.max(bounds.min, rounded));
}

/**
 * The query bounds narrowed by a data source's settings: the backend refuses a step below
 * minStepMs and more series than maxSeries, so the editor should not offer them.
 */
export function boundsFor(options?: PulseOptions): QueryBoundsTable {
  const minStep = setting(options?.minStepMs, OPTION_BOUNDS.minStepMs);
  const maxSeries = setting(options?.maxSeries, OPTION_BOUNDS.maxSeries);
  return {
    ...QUERY_BOUNDS,
    stepMs: { ...QUERY_BOUNDS.stepMs, min: Math.max(QUERY_BOUNDS.stepMs.min, minStep) },
    seriesCount: { ...QUERY_BOUNDS.seriesCount, max: Math.min(QUERY_BOUNDS.seriesCount.max, maxSeries) },
  };
}

function setting(value: unknown, bounds: NumberBounds): number {
  return typeof value === 'number' && Number.isFinite(value) ? clampToBounds(value, bounds) : bounds.default;
}

function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}
