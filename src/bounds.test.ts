import { boundsError, boundsFor, clampToBounds, isTemplateVariable } from './bounds';
import { OPTION_BOUNDS, QUERY_BOUNDS } from './types';

describe('bounds', () => {
  it('clamps into range and rounds integer fields', () => {
    expect(clampToBounds(99, QUERY_BOUNDS.seriesCount)).toBe(16);
    expect(clampToBounds(0, QUERY_BOUNDS.seriesCount)).toBe(1);
    expect(clampToBounds(2.6, QUERY_BOUNDS.seriesCount)).toBe(3);
    expect(clampToBounds(2.6, QUERY_BOUNDS.amplitude)).toBe(2.6);
  });

  it('narrows step and series to the data source settings, ignoring nonsense settings', () => {
    const narrowed = boundsFor({ minStepMs: 250, maxSeries: 3 });
    expect(narrowed.stepMs).toMatchObject({ min: 250, max: 3_600_000 });
    expect(narrowed.seriesCount).toMatchObject({ min: 1, max: 3 });
    expect(boundsFor({})).toEqual(QUERY_BOUNDS);
    expect(boundsFor({ maxSeries: 400 }).seriesCount.max).toBe(16);
    expect(boundsFor({ minStepMs: Number.NaN }).stepMs.min).toBe(1);
  });

  it('bounds the stream limit to whole numbers from 1 to 10 000, 1000 by default', () => {
    expect(OPTION_BOUNDS.maxStreams).toEqual({ min: 1, max: 10_000, default: 1000, integer: true });
    expect(clampToBounds(20_000, OPTION_BOUNDS.maxStreams)).toBe(10_000);
    expect(clampToBounds(0, OPTION_BOUNDS.maxStreams)).toBe(1);
    expect(clampToBounds(12.5, OPTION_BOUNDS.maxStreams)).toBe(13);
    expect(boundsError(12.5, OPTION_BOUNDS.maxStreams)).toBe('must be a whole number');
    expect(boundsError(10_001, OPTION_BOUNDS.maxStreams)).toBe('must be between 1 and 10,000');
  });

  it('leaves the query bounds alone for the stream limit, which caps channels, not queries', () => {
    expect(boundsFor({ maxStreams: 1 })).toEqual(QUERY_BOUNDS);
  });

  it('recognises the three variable syntaxes', () => {
    expect(['$step', '${step}', '${step:raw}', '[[step]]'].every(isTemplateVariable)).toBe(true);
    expect(['1000', 'step', '$', ''].some(isTemplateVariable)).toBe(false);
  });
});
