import { allowedBy, covers, filterProblem, quote, utf8Length } from './topic';

describe('MQTT topic filters', () => {
  it('accepts what MQTT accepts: wildcards as whole levels, # last, empty levels', () => {
    for (const filter of [
      'plant/line1/temp',
      'plant/+/temp',
      'plant/#',
      '#',
      '+',
      '+/+',
      '/a',
      'a//b',
      'a/',
      '$SYS/#',
      'ünï cödé/+',
    ]) {
      expect([filter, filterProblem(filter)]).toEqual([filter, undefined]);
    }
  });

  it('refuses misplaced wildcards, NUL, shared subscriptions and more than 65 535 bytes', () => {
    expect(filterProblem('plant/#/temp')).toBe(`'#' must be a whole level and the last one, got "plant/#/temp"`);
    expect(filterProblem('plant#')).toBe(`'#' must be a whole level and the last one, got "plant#"`);
    expect(filterProblem('plant/te+mp')).toBe(`'+' must be a whole level, got "plant/te+mp"`);
    expect(filterProblem('a\u0000b')).toBe('must not contain U+0000 (NUL)');
    expect(filterProblem('$share/g/plant/#')).toMatch(/^must not be a shared subscription/);
    expect(filterProblem('$share/g/plant/#', { allowShared: true })).toBeUndefined();
    expect(filterProblem('é'.repeat(32_767))).toBeUndefined();
    expect(filterProblem('é'.repeat(32_768))).toBe('must be at most 65,535 bytes of UTF-8, got 65,536');
  });

  it('defers the levels that hold a template variable when asked to', () => {
    expect(filterProblem('plant/$line+/temp', { allowVariables: true })).toBeUndefined();
    expect(filterProblem('plant/$line+/temp')).toMatch(/^'\+' must be a whole level/);
    expect(filterProblem('plant/#/$line', { allowVariables: true })).toMatch(/^'#' must be a whole level/);
    expect(filterProblem('$line\u0000', { allowVariables: true })).toBe('must not contain U+0000 (NUL)');
  });

  it('tells whether an allowed filter covers a query’s filter, as the backend does', () => {
    const cases: Array<[string, string, boolean]> = [
      ['plant/#', 'plant', true],
      ['plant/#', 'plant/line1/temp', true],
      ['plant/#', 'plant/+/temp', true],
      ['plant/#', 'plant/#', true],
      ['plant/#', 'office/temp', false],
      ['plant/#', '#', false],
      ['plant/+', 'plant/line1', true],
      ['plant/+', 'plant/+', true],
      ['plant/+', 'plant/line1/temp', false],
      ['plant/+', 'plant/#', false],
      ['plant/+', 'plant', false],
      ['plant/line1/temp', 'plant/line1/temp', true],
      ['plant/line1/temp', 'plant/+/temp', false],
      ['#', 'anything/at/all', true],
      ['#', '$SYS/#', false],
      ['+/#', '$SYS/uptime', false],
      ['$SYS/#', '$SYS/uptime', true],
      ['a/b/#', 'a', false],
      ['a/+/#', 'a/b', true],
      ['plant/#', 'plant/te+mp', false],
      ['bad/#/x', 'bad/a', false],
    ];
    for (const [allowed, filter, want] of cases) {
      expect([allowed, filter, covers(allowed, filter)]).toEqual([allowed, filter, want]);
    }
  });

  it('allows any filter with no allowed topics, else those one of them covers', () => {
    expect(allowedBy(undefined, 'x/y')).toBe(true);
    expect(allowedBy([], 'x/y')).toBe(true);
    expect(allowedBy(['office/#', 'plant/+/temp'], 'plant/line1/temp')).toBe(true);
    expect(allowedBy(['office/#', 'plant/+/temp'], 'plant/line1/hum')).toBe(false);
  });

  it('counts bytes of UTF-8 and quotes at most 48 characters', () => {
    expect(utf8Length('a€😀')).toBe(1 + 3 + 4);
    expect(quote('plant/temp')).toBe('"plant/temp"');
    expect(quote('x'.repeat(60))).toBe(`"${'x'.repeat(48)}"… (60 characters)`);
  });
});
