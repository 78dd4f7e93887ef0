import { isTemplateVariable } from '../bounds';
import { MQTT_LIMITS } from '../types';

// MQTT's rules for topic filters, as the backend applies them (source/mqtt/topic.go): the editors
// check a topic before it runs, and the backend has the last word.

/** The length of text in bytes of UTF-8, as the backend counts it. */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** How a check treats template variables. */
export interface FilterCheckOptions {
  /** Skip the levels that hold a variable: they are checked once the variable is replaced. */
  allowVariables?: boolean;
  /** Accept a shared subscription (`$share/…`), as allowedTopics does. */
  allowShared?: boolean;
}

/**
 * What keeps filter from being a topic filter Pulse subscribes to, or undefined when it is one:
 * at most 65 535 bytes, no U+0000, `+` only as a whole level, `#` only as the whole last level,
 * no shared subscription (`$share/…`). An empty filter is the caller's to report.
 */
export function filterProblem(filter: string, options: FilterCheckOptions = {}): string | undefined {
  const deferred = (text: string) => options.allowVariables === true && isTemplateVariable(text);
  if (filter.includes('\u0000')) {
    return 'must not contain U+0000 (NUL)';
  }
  if (!deferred(filter)) {
    const bytes = utf8Length(filter);
    if (bytes > MQTT_LIMITS.topicBytes) {
      return `must be at most ${MQTT_LIMITS.topicBytes.toLocaleString('en-US')} bytes of UTF-8, got ${bytes.toLocaleString('en-US')}`;
    }
  }
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (deferred(level)) {
      continue;
    }
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return `'#' must be a whole level and the last one, got ${quote(filter)}`;
    }
    if (level.includes('+') && level !== '+') {
      return `'+' must be a whole level, got ${quote(filter)}`;
    }
  }
  if (filter.startsWith('$share/') && options.allowShared !== true) {
    return SHARED;
  }
  return undefined;
}

const SHARED =
  'must not be a shared subscription ($share/…): it splits the messages among subscribers, and a panel needs every one';

/** Whether filter is a valid topic filter, shared or not. */
function isFilter(filter: string): boolean {
  return filter !== '' && filterProblem(filter, { allowShared: true }) === undefined;
}

/**
 * Whether allowed matches every topic filter can match, so that subscribing to filter receives
 * nothing allowed does not: `plant/#` covers `plant`, `plant/+/temp` and `plant/#`; `plant/+`
 * covers `plant/line1` but not `plant/#`; `#` does not cover `$SYS/#`.
 */
export function covers(allowed: string, filter: string): boolean {
  if (!isFilter(allowed) || !isFilter(filter)) {
    return false;
  }
  // A wildcard first level never matches a topic that starts with "$".
  if ((allowed.startsWith('+') || allowed.startsWith('#')) && filter.startsWith('$')) {
    return false;
  }
  const a = allowed.split('/');
  const f = filter.split('/');
  for (let i = 0; ; i++) {
    if (a[i] === '#') {
      return true;
    }
    if (f[i] === '#' || (f[i] === '+' && a[i] !== '+') || (f[i] !== '+' && a[i] !== '+' && a[i] !== f[i])) {
      return false;
    }
    const aMore = i + 1 < a.length;
    const fMore = i + 1 < f.length;
    if (!aMore || !fMore) {
      // Where filter ends, allowed must end too, or match the parent level with a last "#".
      return aMore === fMore || (aMore && i + 2 === a.length && a[i + 1] === '#');
    }
  }
}

/** Whether a data source whose allowedTopics lists allowedTopics may subscribe to filter. */
export function allowedBy(allowedTopics: readonly string[] | undefined, filter: string): boolean {
  return !allowedTopics || allowedTopics.length === 0 || allowedTopics.some((a) => covers(a, filter));
}

/** At most the first 48 characters of text, quoted, as the backend quotes values. */
export function quote(text: string): string {
  const chars = Array.from(text);
  return chars.length <= 48
    ? JSON.stringify(text)
    : `${JSON.stringify(chars.slice(0, 48).join(''))}… (${chars.length} characters)`;
}
