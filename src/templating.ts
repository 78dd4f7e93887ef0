import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

// Multi-value template variables: which ones a text refers to, and the values selected.

/** `$name`, `[[name]]`, `[[name:format]]`, `${name}`, `${name.path}`, `${name:format}`: Grafana's syntaxes. */
const REFERENCE = /\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?:\.[^:}]+)?(?::[^}]+)?\}/g;

/** The names of the variables text refers to, each once, in order of first appearance. */
export function variableNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) {
    names.add(match[1] ?? match[2] ?? match[3]);
  }
  return [...names];
}

/** A variable with several values selected. */
export interface MultiValue {
  name: string;
  values: string[];
}

/**
 * The variables text refers to that have several values selected, as Grafana would replace them
 * (scoped variables first; "All" as its custom value when the variable has one, which is then a
 * single value, or else as every option's value). A variable with one value, or none, is not
 * listed: Grafana replaces it as it is.
 */
export function multiValues(templateSrv: TemplateSrv, text: string, scopedVars: ScopedVars): MultiValue[] {
  const found: MultiValue[] = [];
  for (const name of variableNames(text)) {
    let values: string[] = [];
    // A format function receives the variable's raw value: a list for a multi-value selection.
    templateSrv.replace(`\${${name}}`, scopedVars, (value: unknown) => {
      if (Array.isArray(value)) {
        values = [...new Set(value.map(String))];
      }
      return '';
    });
    if (values.length > 1) {
      found.push({ name, values });
    }
  }
  return found;
}

/** How many combinations of one value each the variables give. */
export function combinationCount(variables: readonly MultiValue[]): number {
  return variables.reduce((n, v) => n * v.values.length, 1);
}

/**
 * Every combination of one value per variable, in order: the first variable's first value with
 * each of the second's, and so on. One empty combination when there are no variables.
 */
export function combinations(variables: readonly MultiValue[]): string[][] {
  return variables.reduce<string[][]>(
    (acc, v) => acc.flatMap((combo) => v.values.map((value) => [...combo, value])),
    [[]]
  );
}

/** scopedVars with each variable set to its value of combo, as a repeated panel's are. */
export function withValues(
  scopedVars: ScopedVars,
  variables: readonly MultiValue[],
  combo: readonly string[]
): ScopedVars {
  const vars: ScopedVars = { ...scopedVars };
  variables.forEach((v, i) => {
    vars[v.name] = { text: combo[i], value: combo[i] };
  });
  return vars;
}
