import { boundsFor } from './bounds';
import { DEFAULT_QUERY, PulseQuery, QUERY_BOUNDS } from './types';
import { validateQuery } from './validateQuery';

const q = (fields: Partial<PulseQuery>): PulseQuery => ({ refId: 'A', ...fields });

describe('validateQuery', () => {
  it('accepts a bare query and the default query', () => {
    expect(validateQuery(q({}))).toEqual([]);
    expect(validateQuery(q(DEFAULT_QUERY))).toEqual([]);
  });

  it('accepts every bound itself', () => {
    for (const [field, b] of Object.entries(QUERY_BOUNDS)) {
      expect(validateQuery(q({ [field]: b.min }))).toEqual([]);
      expect(validateQuery(q({ [field]: b.max }))).toEqual([]);
    }
  });

  it('names each field that is out of bounds', () => {
    expect(validateQuery(q({ stepMs: 0, seriesCount: 17 }))).toEqual([
      'stepMs must be between 1 and 3,600,000',
      'seriesCount must be between 1 and 16',
    ]);
    expect(validateQuery(q({ amplitude: -1 }))).toEqual(['amplitude must be between 0 and 1,000,000,000']);
    expect(validateQuery(q({ periodMs: 9 }))).toEqual(['periodMs must be between 10 and 86,400,000']);
  });

  it('requires whole numbers where the contract says integer, and finite numbers everywhere', () => {
    expect(validateQuery(q({ seed: 1.5 }))).toEqual(['seed must be a whole number']);
    expect(validateQuery(q({ offset: -0.5 }))).toEqual([]);
    expect(validateQuery(q({ offset: NaN }))).toEqual(['offset must be a number']);
  });

  it('rejects an unknown kind and a non-boolean withStreaming', () => {
    expect(validateQuery(q({ kind: 'triangle' }))).toEqual([
      'kind must be one of randomWalk, sine, square, sawtooth, counter, got "triangle"',
    ]);
    const loose = { refId: 'A', withStreaming: 'yes' } as unknown as PulseQuery;
    expect(validateQuery(loose)).toEqual(['withStreaming must be true or false']);
  });

  it('defers template variables only when asked to', () => {
    const templated = q({ kind: '$kind', stepMs: '$step', seriesCount: '${n}' });
    expect(validateQuery(templated, { allowVariables: true })).toEqual([]);
    expect(validateQuery(templated)).toEqual([
      'kind must be one of randomWalk, sine, square, sawtooth, counter, got "$kind"',
      'stepMs must be a number, got "$step"',
      'seriesCount must be a number, got "${n}"',
    ]);
    expect(validateQuery(q({ stepMs: 'fast' }), { allowVariables: true })).toEqual([
      'stepMs must be a number, got "fast"',
    ]);
  });

  it('checks against narrower bounds when given them', () => {
    const bounds = boundsFor({ minStepMs: 500, maxSeries: 4 });
    expect(validateQuery(q({ stepMs: 100, seriesCount: 5 }), { bounds })).toEqual([
      'stepMs must be between 500 and 3,600,000',
      'seriesCount must be between 1 and 4',
    ]);
  });
});
