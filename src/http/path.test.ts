import { baseUrlProblem, pathAllowedBy, pathMatches, pathPatternProblem, pathProblem, relativeForm } from './path';

describe('HTTP and WebSocket paths', () => {
  it('accept paths under the URL, with a query string', () => {
    for (const path of [
      'events',
      '/events',
      '/a/b/../c',
      './a:b',
      '/',
      'events?room=kitchen&x=%20',
      'a/./b/',
      'a;v=1',
    ]) {
      expect([path, pathProblem(path)]).toEqual([path, undefined]);
    }
  });

  it('refuse what would leave the URL, as the backend does', () => {
    const cases: Array<[string, string]> = [
      [
        'https://other.host/x',
        "must be a path under the data source's URL, not an absolute URL (write ./a:b for a first segment with a colon)",
      ],
      [
        'mailto:x',
        "must be a path under the data source's URL, not an absolute URL (write ./a:b for a first segment with a colon)",
      ],
      ['//other.host/x', 'must not name a host (//…)'],
      ['user@host/x', 'must not contain @, which can pass for a user in a URL'],
      ['a/%40b', 'must not contain @, encoded or not, which can pass for a user in a URL'],
      ['..', "must stay under the data source's URL, but .. climbs above it"],
      ['a/../../b', "must stay under the data source's URL, but .. climbs above it"],
      ['/a/%2e%2e/b', 'must not contain an encoded dot segment (%2e)'],
      ['/a/.%252E/b', 'must not contain an encoded dot segment (%2e)'],
      ['/a/..;x/b', 'must not have a dot segment with parameters (..;)'],
      ['a%2Fb', 'must not contain an encoded slash or backslash (%2F, %5C)'],
      ['a\\b', 'must not contain a backslash, which some servers read as /'],
      ['a#frag', 'must not have a fragment (#)'],
      ['a\nb', 'must not contain control characters'],
      ['a%0ab', 'must not contain control characters, encoded or not'],
      ['a%zz', 'has a % not followed by two hex digits'],
      ['p'.repeat(2049), 'is 2,049 bytes, more than 2,048'],
    ];
    for (const [path, problem] of cases) {
      expect([path, pathProblem(path)]).toEqual([path, problem]);
    }
  });

  it('skip the segments that hold a template variable', () => {
    expect(pathProblem('/rooms/$room/events', { allowVariables: true })).toBeUndefined();
    expect(pathProblem('/rooms/${room}/..', { allowVariables: true })).toBeUndefined();
    expect(pathProblem('/$a/../..', { allowVariables: true })).toMatch(/climbs above it/);
    expect(pathProblem('/rooms/$room/%zz', { allowVariables: true })).toBe('has a % not followed by two hex digits');
  });

  it('compare allowed paths with the resolved form, without its leading slash', () => {
    expect(relativeForm('/events/../live?x=1')).toBe('live?x=1');
    expect(relativeForm('a/.')).toBe('a/');
    expect(relativeForm('../x')).toBeUndefined();
    expect(pathMatches('/events', 'events')).toBe(true);
    expect(pathMatches('events', '/events/')).toBe(false);
    expect(pathMatches('/public/*', '/public/a/b?x=1')).toBe(true);
    expect(pathMatches('public/*', 'public/../admin')).toBe(false);
    expect(pathMatches('*', '/anything')).toBe(true);
    expect(pathMatches('a*b', 'ab')).toBe(false);
    expect(pathAllowedBy([], '/x')).toBe(true);
    expect(pathAllowedBy(['/events', '/feeds/*'], '/feeds/1')).toBe(true);
    expect(pathAllowedBy(['/events', '/feeds/*'], '/admin')).toBe(false);
  });

  it('check allowed-path entries: * only at the end', () => {
    expect(pathPatternProblem('/events/*')).toBeUndefined();
    expect(pathPatternProblem('/a*/b')).toBe('may have a * only at its end (a prefix), got "/a*/b"');
    expect(pathPatternProblem('a\tb')).toBe('must not contain control characters');
  });
});

describe('base URLs', () => {
  const http = (url: string) => baseUrlProblem(url, ['http', 'https'], 'https://api.example.com/stream');
  it('accept http and https URLs with a host', () => {
    expect(http('https://api.example.com/stream?key=1')).toBeUndefined();
    expect(http('http://[::1]:8080')).toBeUndefined();
  });

  it('refuse what the backend refuses', () => {
    expect(http('ws://x')).toBe('must be http:// or https:// and a host, such as https://api.example.com/stream');
    expect(http('https://')).toBe(
      'must name a host: http:// or https:// and a host, such as https://api.example.com/stream'
    );
    expect(http('https://u:p@x')).toBe(
      'must not hold a user name or password: set the user and password under Authentication (Basic) instead'
    );
    expect(http('https://x:0')).toBe('has a port outside 1 to 65535');
    expect(http('https://x:')).toBe('has an empty port');
    expect(http('https://x/#top')).toBe('must not have a fragment (#)');
    expect(http('https://x/a b')).toBe('must not contain spaces or control characters');
    expect(baseUrlProblem('https://x', ['ws', 'wss'], 'wss://x')).toBe(
      'must be ws:// or wss:// and a host, such as wss://x'
    );
  });
});
