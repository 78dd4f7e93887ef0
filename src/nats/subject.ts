import { isTemplateVariable } from '../bounds';
import { authorityProblem } from '../http/path';
import { quote, utf8Length } from '../mqtt/topic';

// NATS subjects as the NATS source reads them: tokens separated by dots, `*` matching one whole
// token and `>` every token after it (last only). The editors check a subject before it runs; the
// backend has the last word.

/** How a check treats template variables. */
export interface SubjectCheckOptions {
  /** Skip the tokens that hold a variable: they are checked once the variable is replaced. */
  allowVariables?: boolean;
}

/** The longest subject the NATS source subscribes to, in bytes of UTF-8. */
export const MAX_SUBJECT_BYTES = 1024;

/**
 * What keeps subject from being one NATS subscribes to, or undefined when it is one: at most
 * 1 024 bytes, no white space or control character, no empty token (a leading, trailing or
 * doubled dot), `*` and `>` only as whole tokens, and `>` only as the last one. An empty subject
 * is the caller's to report.
 */
export function subjectProblem(subject: string, options: SubjectCheckOptions = {}): string | undefined {
  const deferred = (text: string) => options.allowVariables === true && isTemplateVariable(text);
  const bytes = utf8Length(subject);
  if (!deferred(subject) && bytes > MAX_SUBJECT_BYTES) {
    return `must be at most ${MAX_SUBJECT_BYTES.toLocaleString('en-US')} bytes, got ${bytes.toLocaleString('en-US')}`;
  }
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(subject)) {
    return `must not contain white space or control characters, got ${quote(subject)}`;
  }
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (deferred(token)) {
      continue;
    }
    if (token === '') {
      return `must not have an empty token (a leading, trailing or doubled dot), got ${quote(subject)}`;
    }
    if (token === '>' && i !== tokens.length - 1) {
      return `'>' must be the last token, got ${quote(subject)}`;
    }
    if (token.length > 1 && /[*>]/.test(token)) {
      return `'*' and '>' must be whole tokens, got ${quote(subject)}`;
    }
  }
  return undefined;
}

function isSubject(subject: string): boolean {
  return subject !== '' && subjectProblem(subject) === undefined;
}

/**
 * Whether the subject pattern allowed matches every subject subject can match: `plant.>` covers
 * `plant.line1.temp` and `plant.*`; `plant.*` covers `plant.line1` but not `plant.>`; `plant.>`
 * does not cover `plant` (`>` stands for one token or more).
 */
export function subjectCovers(allowed: string, subject: string): boolean {
  if (!isSubject(allowed) || !isSubject(subject)) {
    return false;
  }
  const a = allowed.split('.');
  const s = subject.split('.');
  for (let i = 0; i < s.length; i++) {
    if (a[i] === '>') {
      return true;
    }
    if (a[i] === undefined || s[i] === '>' || (a[i] !== '*' && (s[i] === '*' || a[i] !== s[i]))) {
      return false;
    }
  }
  return a.length === s.length;
}

/** Whether a data source whose allowedTopics lists patterns may subscribe to subject; none allows any. */
export function subjectAllowedBy(patterns: readonly string[] | undefined, subject: string): boolean {
  return !patterns || patterns.length === 0 || patterns.some((p) => subjectCovers(p, subject));
}

const WANT = 'nats://host[:port] or tls://host[:port], several separated by commas, such as nats://nats:4222';

/** The most servers url may list. */
export const MAX_NATS_SERVERS = 64;

/**
 * What keeps url from being a list of NATS servers, or undefined: one to 64 comma-separated
 * nats:// or tls:// addresses, all of one scheme, each with a host, an optional port and nothing
 * after it, and no user, password or token in them.
 */
export function natsUrlProblem(url: string): string | undefined {
  const text = url.trim();
  if (text === '') {
    return `the NATS server's address is required: ${WANT}`;
  }
  const servers = text.split(',').map((s) => s.trim());
  if (servers.length > MAX_NATS_SERVERS) {
    return `lists at most ${MAX_NATS_SERVERS} servers, got ${servers.length}`;
  }
  let scheme: string | undefined;
  for (let i = 0; i < servers.length; i++) {
    const server = servers[i];
    const which = servers.length > 1 ? `server ${i + 1}: ` : '';
    if (server === '') {
      return `${which}holds an empty server address: ${WANT}`;
    }
    const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(server);
    if (match?.[2].includes('@')) {
      return `${which}must not hold a user name, password or token: set them under Authentication instead`;
    }
    if (!match || !['nats', 'tls'].includes(match[1].toLowerCase())) {
      return `${which}must be ${WANT}`;
    }
    const problem = authorityProblem(match[2], WANT, 'set them under Authentication instead');
    if (problem) {
      return `${which}${problem}`;
    }
    if (match[3] !== '' && match[3] !== '/') {
      return `${which}is a server address without a path or query: ${WANT}`;
    }
    const lower = match[1].toLowerCase();
    if (scheme !== undefined && lower !== scheme) {
      return 'lists nats:// and tls:// servers: use one scheme for all of them';
    }
    scheme = lower;
  }
  return undefined;
}

/** Whether any of the servers url lists is a tls:// one. */
export function natsUsesTLS(url: string | undefined): boolean {
  return (url ?? '').split(',').some((s) => /^tls:\/\//i.test(s.trim()));
}
