import { createDataFrame, DataQueryRequest, dateTime, FieldType, StreamingFrameAction } from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';

import { DataSource } from './datasource';
import { pulseStreamOptions, STREAM_BUFFER } from './streamOptions';
import { instanceSettings } from './testing/fixtures';
import { PulseQuery } from './types';

/** Grafana's standard provider, which every DataSourceWithBackend starts with. */
const standardStreamOptionsProvider = new DataSourceWithBackend<PulseQuery>(instanceSettings()).streamOptionsProvider;

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MINUTE = 60_000;

/** A request for the last `minutes` minutes, or for a range that ended an hour ago. */
function request(
  targets: PulseQuery[],
  { minutes = 5, endsNow = true, maxDataPoints }: { minutes?: number; endsNow?: boolean; maxDataPoints?: number } = {}
): DataQueryRequest<PulseQuery> {
  const to = endsNow ? NOW : NOW - 60 * MINUTE;
  return {
    targets,
    maxDataPoints,
    range: {
      from: dateTime(to - minutes * MINUTE),
      to: dateTime(to),
      raw: endsNow
        ? { from: `now-${minutes}m`, to: 'now' }
        : { from: dateTime(to - minutes * MINUTE), to: dateTime(to) },
    },
    rangeRaw: endsNow
      ? { from: `now-${minutes}m`, to: 'now' }
      : { from: dateTime(to - minutes * MINUTE), to: dateTime(to) },
  } as unknown as DataQueryRequest<PulseQuery>;
}

/** A streaming frame of query refId with a time field and `values` value fields. */
function frame(refId = 'A', values = 1) {
  return createDataFrame({
    refId,
    fields: [
      { name: 'time', type: FieldType.time, values: [] },
      ...Array.from({ length: values }, (_, i) => ({ name: `v${i}`, type: FieldType.number, values: [] })),
    ],
  });
}

describe('the live buffer', () => {
  describe('of an MQTT stream', () => {
    it('keeps ten rows per data point, and nothing older than a range that ends now', () => {
      const options = pulseStreamOptions('mqtt', request([{ refId: 'A' }], { maxDataPoints: 1200 }), frame());
      expect(options).toEqual({ maxLength: 12_000, maxDelta: 5 * MINUTE, action: StreamingFrameAction.Append });
    });

    it('follows maxDataPoints between a floor and a ceiling of values', () => {
      const rows = (maxDataPoints: number | undefined, values = 1) =>
        pulseStreamOptions('mqtt', request([{ refId: 'A' }], { maxDataPoints }), frame('A', values)).maxLength;
      expect(rows(undefined)).toBe(10 * STREAM_BUFFER.defaultDataPoints);
      expect(rows(10)).toBe(STREAM_BUFFER.minRows);
      expect(rows(5000)).toBe(50_000);
      expect(rows(1_000_000)).toBe(STREAM_BUFFER.maxValues);
      // A wide frame (a wildcard topic's, one field per topic) keeps fewer rows, never below the floor.
      expect(rows(5000, 16)).toBe(STREAM_BUFFER.maxValues / 16);
      expect(rows(5000, 256)).toBe(STREAM_BUFFER.minRows);
    });

    it('sets no maxDelta for a range that does not end now', () => {
      const options = pulseStreamOptions('mqtt', request([{ refId: 'A' }], { endsNow: false }), frame());
      expect(options).not.toHaveProperty('maxDelta');
    });
  });

  describe('of a signals stream', () => {
    const signals = (
      query: Partial<PulseQuery>,
      opts: Parameters<typeof request>[1] = {},
      values = 1
    ): ReturnType<typeof pulseStreamOptions> =>
      pulseStreamOptions('signals', request([{ refId: 'A', ...query }], opts), frame('A', values));

    it('is Grafana’s standard one when the window holds fewer points than maxDataPoints', () => {
      const req = request([{ refId: 'A', stepMs: 1000 }], { maxDataPoints: 1000 });
      const standard = standardStreamOptionsProvider(req, frame());
      expect(signals({ stepMs: 1000 }, { maxDataPoints: 1000 })).toEqual(standard);
      expect(standard).toEqual({ maxLength: 1000, maxDelta: 5 * MINUTE, action: StreamingFrameAction.Append });
    });

    it('holds the whole window of a fast signal rather than its newest maxDataPoints points', () => {
      // Five minutes at 100 ms: 3 000 points, and one more at the window's start.
      expect(signals({ stepMs: 100 }, { maxDataPoints: 1000 })?.maxLength).toBe(3001);
      expect(signals({}, { minutes: 60, maxDataPoints: 1000 })?.maxLength).toBe(3601);
    });

    it('never keeps fewer rows than the standard, nor more values than the ceiling for the window', () => {
      expect(signals({ stepMs: 1 }, { minutes: 60, maxDataPoints: 1000 })?.maxLength).toBe(STREAM_BUFFER.maxValues);
      expect(signals({ stepMs: 1 }, { minutes: 60, maxDataPoints: 1000 }, 16)?.maxLength).toBe(
        STREAM_BUFFER.maxValues / 16
      );
      expect(signals({ stepMs: 1 }, { maxDataPoints: 500_000 })?.maxLength).toBe(500_000);
      expect(signals({ stepMs: 60_000 }, {})?.maxLength).toBe(500);
    });
  });

  it('is the data source’s provider, by its source', () => {
    const mqtt = new DataSource(instanceSettings({ source: 'mqtt' }));
    const signals = new DataSource(instanceSettings());
    const req = request([{ refId: 'A', stepMs: 100 }], { maxDataPoints: 1000 });
    expect(mqtt.streamOptionsProvider(req, frame()).maxLength).toBe(10_000);
    // Every feed keeps rows per data point as MQTT does: their rates are as unknown.
    for (const source of ['http', 'websocket', 'nats']) {
      const feed = new DataSource(instanceSettings({ source }));
      expect([source, feed.streamOptionsProvider(req, frame()).maxLength]).toEqual([source, 10_000]);
    }
    expect(signals.streamOptionsProvider(req, frame()).maxLength).toBe(3001);
    const kafka = new DataSource(instanceSettings({ source: 'kafka' }));
    expect(kafka.streamOptionsProvider(req, frame())).toEqual(standardStreamOptionsProvider(req, frame()));
  });
});
