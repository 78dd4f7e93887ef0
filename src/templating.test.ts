import { combinationCount, combinations, multiValues, variableNames, withValues } from './templating';
import { fakeTemplateSrv } from './testing/templateSrv';

describe('template variables', () => {
  const srv = fakeTemplateSrv({ room: ['kitchen', 'hall'], line: 'l1', one: ['only'], dup: ['a', 'a', 'b'] });

  it('finds every variable a text names, in each syntax, once', () => {
    expect(variableNames('a/$room/${line}/[[room]]/${one:raw}/[[x:csv]]/${obj.path}/$$/plain')).toEqual([
      'room',
      'line',
      'one',
      'x',
      'obj',
    ]);
    expect(variableNames('plant/+/temp')).toEqual([]);
  });

  it('lists the variables with several values selected, scoped variables first', () => {
    expect(multiValues(srv, 'a/$room/$line/$one/$unknown', {})).toEqual([
      { name: 'room', values: ['kitchen', 'hall'] },
    ]);
    expect(multiValues(srv, '$room', { room: { text: 'hall', value: 'hall' } })).toEqual([]);
    expect(multiValues(srv, '$dup', {})).toEqual([{ name: 'dup', values: ['a', 'b'] }]);
  });

  it('makes every combination of values, in order', () => {
    const vars = [
      { name: 'a', values: ['1', '2'] },
      { name: 'b', values: ['x', 'y', 'z'] },
    ];
    expect(combinationCount(vars)).toBe(6);
    expect(combinations(vars).map((c) => c.join(''))).toEqual(['1x', '1y', '1z', '2x', '2y', '2z']);
    expect(combinations([])).toEqual([[]]);
    expect(withValues({ keep: { text: 'k', value: 'k' } }, vars, ['2', 'y'])).toEqual({
      keep: { text: 'k', value: 'k' },
      a: { text: '2', value: '2' },
      b: { text: 'y', value: 'y' },
    });
  });
});
