import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

// A template service for specs that replaces variables as Grafana's does, in the parts Pulse
// relies on: the three syntaxes, scoped variables first, a multi-value variable's list (glob by
// default, `csv` and `raw` formats, a format function given the raw value), unknown names kept.

/** Dashboard variables by name: one value, or several selected. */
export type Variables = Record<string, string | string[]>;

const REFERENCE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.[^:}]+)?(?::([^}]+))?\}/g;

type FormatFn = (value: unknown, variable: unknown, glob: (v: unknown) => string) => string;

export function fakeTemplateSrv(variables: Variables): TemplateSrv {
  const glob = (value: unknown) => (Array.isArray(value) ? `{${value.join(',')}}` : String(value));
  const format = (value: string | string[], name: string, fmt?: string | FormatFn): string => {
    if (typeof fmt === 'function') {
      return fmt(value, { name }, glob);
    }
    if (!Array.isArray(value)) {
      return value;
    }
    switch (fmt) {
      case 'csv':
      case 'raw':
        return value.join(',');
      default:
        return value.length > 1 ? glob(value) : value.join('');
    }
  };
  return {
    getVariables: () => [],
    containsTemplate: (text?: string) => !!text && new RegExp(REFERENCE.source).test(text),
    updateTimeRange: () => {},
    replace: (text?: string, scopedVars?: ScopedVars, fmt?: string | FormatFn) =>
      (text ?? '').replace(REFERENCE, (whole, n1, n2, f2, n3, f3) => {
        const name: string = n1 ?? n2 ?? n3;
        const scoped = scopedVars?.[name];
        const value = scoped !== undefined ? scoped.value : variables[name];
        if (value === undefined || value === null) {
          return whole;
        }
        return format(value as string | string[], name, f2 ?? f3 ?? fmt);
      }),
  };
}
