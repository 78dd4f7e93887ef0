import { isTemplateVariable } from '../bounds';
import { utf8Length } from '../mqtt/topic';
import { FEED_LIMITS } from '../types';

// The HTTP and WebSocket sources' rules for a query's path and the data source's URL, as the
// backend applies them (source/httpstream/resolve.go, ResolvePath): a viewer's path stays under
// the URL the administrator set. The editors check a path before it runs; the backend has the
// last word.

/** How a check treats template variables. */
export interface PathCheckOptions {
  /** Skip the segments that hold a variable: they are checked once the variable is replaced. */
  allowVariables?: boolean;
}

/**
 * What keeps path from being one the backend resolves under the data source's URL, or undefined
 * when it is one: at most 2 048 bytes; no control characters, fragment (#) or backslash; not an
 * absolute URL, no host (//…), no @; every % starts an escape; no encoded slash, backslash or dot
 * segment, no dot segment with parameters, and no .. that climbs above the URL. An empty path is
 * the caller's to report.
 */
export function pathProblem(path: string, options: PathCheckOptions = {}): string | undefined {
  const deferred = (text: string) => options.allowVariables === true && isTemplateVariable(text);
  const bytes = utf8Length(path);
  if (!deferred(path) && bytes > FEED_LIMITS.pathBytes) {
    return `is ${bytes.toLocaleString('en-US')} bytes, more than ${FEED_LIMITS.pathBytes.toLocaleString('en-US')}`;
  }
  for (const ch of path) {
    const c = ch.charCodeAt(0);
    if (c < 0x20 || c === 0x7f) {
      return 'must not contain control characters';
    }
    if (ch === '#') {
      return 'must not have a fragment (#)';
    }
    if (ch === '\\') {
      return 'must not contain a backslash, which some servers read as /';
    }
  }
  const rawPath = path.split('?', 1)[0];
  if (rawPath.startsWith('//')) {
    return 'must not name a host (//…)';
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(rawPath)) {
    return "must be a path under the data source's URL, not an absolute URL (write ./a:b for a first segment with a colon)";
  }
  if (rawPath.includes('@')) {
    return 'must not contain @, which can pass for a user in a URL';
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(path)) {
    return 'has a % not followed by two hex digits';
  }
  let depth = 0;
  for (const segment of rawPath.replace(/^\//, '').split('/')) {
    if (deferred(segment)) {
      depth++;
      continue;
    }
    const decoded = decode(segment);
    if (/[\u0000-\u001f\u007f]/.test(decoded)) {
      return 'must not contain control characters, encoded or not';
    }
    if (/[/\\]/.test(decoded)) {
      return 'must not contain an encoded slash or backslash (%2F, %5C)';
    }
    if (decoded.includes('@')) {
      return 'must not contain @, encoded or not, which can pass for a user in a URL';
    }
    const [name, ...params] = segment.split(';');
    const dot = name === '.' || name === '..';
    if (dot && params.length > 0) {
      return 'must not have a dot segment with parameters (..;)';
    }
    if (!dot && isEncodedDot(name)) {
      return 'must not contain an encoded dot segment (%2e)';
    }
    if (name === '..') {
      if (depth === 0) {
        return "must stay under the data source's URL, but .. climbs above it";
      }
      depth--;
    } else if (name !== '.') {
      depth++;
    }
  }
  return undefined;
}

/** segment with its escapes decoded, byte by byte, so that no escape makes it throw. */
function decode(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Whether s decodes, once or more, to "." or "..". */
function isEncodedDot(s: string): boolean {
  let text = s;
  for (let i = 0; i < 4; i++) {
    if (text === '.' || text === '..') {
      return true;
    }
    const next = decode(text);
    if (next === text) {
      return false;
    }
    text = next;
  }
  return text === '.' || text === '..';
}

/**
 * What keeps pattern from being an allowedTopics entry of an HTTP or WebSocket data source, or
 * undefined: a path, matched exactly, or a prefix followed by one `*` at its end; at most 2 048
 * bytes, no control characters.
 */
export function pathPatternProblem(pattern: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(pattern)) {
    return 'must not contain control characters';
  }
  const bytes = utf8Length(pattern);
  if (bytes > FEED_LIMITS.pathBytes) {
    return `is ${bytes.toLocaleString('en-US')} bytes, more than ${FEED_LIMITS.pathBytes.toLocaleString('en-US')}`;
  }
  if (pattern.replace(/\*$/, '').includes('*')) {
    return `may have a * only at its end (a prefix), got ${JSON.stringify(pattern)}`;
  }
  return undefined;
}

/**
 * The form of path an allowedTopics entry is compared with, as the backend reads it: its dot
 * segments resolved, without a leading slash, and with its ?query (`events/../live?x=1` reads
 * `live?x=1`). Undefined for a path the backend would refuse anyway.
 */
export function relativeForm(path: string): string | undefined {
  if (pathProblem(path) !== undefined) {
    return undefined;
  }
  const q = path.indexOf('?');
  const rawPath = q >= 0 ? path.slice(0, q) : path;
  const query = q >= 0 ? path.slice(q + 1) : '';
  const parts = rawPath.replace(/^\//, '').split('/');
  const out: string[] = [];
  parts.forEach((segment, i) => {
    if (segment === '..') {
      out.pop();
    } else if (segment !== '.') {
      out.push(segment);
      return;
    }
    if (i === parts.length - 1) {
      out.push('');
    }
  });
  const rel = out.join('/');
  return query === '' ? rel : `${rel}?${query}`;
}

/**
 * Whether the allowedTopics entry pattern allows path: it equals the path's relative form, or
 * ends with `*` and the form starts with what comes before it. A leading slash is optional in
 * both; `*` alone allows every path.
 */
export function pathMatches(pattern: string, path: string): boolean {
  const rel = relativeForm(path);
  if (pattern === '' || rel === undefined || pathPatternProblem(pattern) !== undefined) {
    return false;
  }
  const entry = pattern.replace(/^\//, '');
  return entry.endsWith('*') ? rel.startsWith(entry.slice(0, -1)) : rel === entry;
}

/** Whether a data source whose allowedTopics lists patterns may read path; none allows any. */
export function pathAllowedBy(patterns: readonly string[] | undefined, path: string): boolean {
  return !patterns || patterns.length === 0 || patterns.some((p) => pathMatches(p, path));
}

/**
 * What keeps url from being a base URL with one of schemes and a host, or undefined. A user name
 * or password in it is refused: it would be stored in clear, where the authentication settings
 * are encrypted.
 */
export function baseUrlProblem(url: string, schemes: readonly string[], example: string): string | undefined {
  const want = `${schemes.map((s) => `${s}://`).join(' or ')} and a host, such as ${example}`;
  const text = url.trim();
  if (text === '') {
    return `the URL is required: ${want}`;
  }
  if (/[\s\u0000-\u001f\u007f]/.test(text)) {
    return 'must not contain spaces or control characters';
  }
  if (utf8Length(text) > FEED_LIMITS.pathBytes) {
    return `is ${utf8Length(text).toLocaleString('en-US')} bytes, more than ${FEED_LIMITS.pathBytes.toLocaleString('en-US')}`;
  }
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(text);
  if (!match || !schemes.includes(match[1].toLowerCase())) {
    return `must be ${want}`;
  }
  if (text.includes('#')) {
    return 'must not have a fragment (#)';
  }
  return authorityProblem(match[2], want, 'set the user and password under Authentication (Basic) instead');
}

/** What is wrong with a URL's host and port, or undefined. */
export function authorityProblem(authority: string, want: string, userAdvice: string): string | undefined {
  if (authority.includes('@')) {
    return `must not hold a user name or password: ${userAdvice}`;
  }
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority);
  const host = hostPort?.[1] ?? '';
  const port = hostPort?.[2];
  if (host === '' || host === '[]') {
    return `must name a host: ${want}`;
  }
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    return port === '' ? 'has an empty port' : 'has a port outside 1 to 65535';
  }
  return undefined;
}

/** The scheme of url in lower case, or undefined. */
export function schemeOf(url: string | undefined): string | undefined {
  return /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url?.trim() ?? '')?.[1]?.toLowerCase();
}
