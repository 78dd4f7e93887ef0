import { DataFrame, DataQueryRequest, StreamingFrameAction, StreamingFrameOptions } from '@grafana/data';

import { isFeedSource } from './feed/sources';
import { PulseQuery, QUERY_BOUNDS } from './types';

/**
 * The live buffer of a streaming panel: how many rows Grafana keeps of a channel (maxLength) and
 * how far back (maxDelta). A buffer too short shows only the newest part of the panel's window; one
 * too long costs the browser memory and drawing time for every frame.
 */
export const STREAM_BUFFER = {
  /** The fewest rows a buffer keeps, whatever maxDataPoints says. */
  minRows: 1000,
  /** The most values (rows × value fields) a buffer keeps, so that a wide frame keeps fewer rows. */
  maxValues: 200_000,
  /** Feeds (MQTT, HTTP, WebSocket, NATS): rows kept per data point the panel asks for (maxDataPoints, about its width in pixels). */
  rowsPerPoint: 10,
  /** Feeds: maxDataPoints when the request gives none, as the backend assumes. */
  defaultDataPoints: 1000,
  /** Signals: Grafana's own buffer length when the request gives no maxDataPoints. */
  standardRows: 500,
} as const;

/**
 * The buffer of one streaming frame. In both sources the buffer keeps nothing older than the time
 * range's width when the range ends now (maxDelta), and at most `maxValues` values.
 *
 * - Feeds (MQTT, HTTP, WebSocket, NATS): `rowsPerPoint` rows per data point, at least `minRows`:
 *   a feed's rate is unknown beforehand, and a fast one needs more rows than the panel has points
 *   to fill its window.
 * - Signals: what Grafana's standard provider keeps (maxDataPoints rows, 500 without), raised to
 *   the rows the window holds at the query's step when that is more, so that a fast signal fills
 *   the whole window rather than its newest maxDataPoints points; never below the standard.
 * - Another source (one this frontend does not know): Grafana's standard.
 */
export function pulseStreamOptions(
  source: string,
  request: DataQueryRequest<PulseQuery>,
  frame: DataFrame
): Partial<StreamingFrameOptions> {
  const width = request.range ? request.range.to.valueOf() - request.range.from.valueOf() : undefined;
  const options: Partial<StreamingFrameOptions> = {
    maxLength: bufferRows(source, request, frame, width),
    action: StreamingFrameAction.Append,
  };
  if (request.rangeRaw?.to === 'now' && width !== undefined && width > 0) {
    options.maxDelta = width;
  }
  return options;
}

function bufferRows(
  source: string,
  request: DataQueryRequest<PulseQuery>,
  frame: DataFrame,
  width: number | undefined
): number {
  const valueFields = Math.max(1, frame.fields.length - 1);
  const ceiling = Math.max(STREAM_BUFFER.minRows, Math.floor(STREAM_BUFFER.maxValues / valueFields));
  const points = positive(request.maxDataPoints);
  if (isFeedSource(source)) {
    const wanted = STREAM_BUFFER.rowsPerPoint * (points ?? STREAM_BUFFER.defaultDataPoints);
    return Math.min(ceiling, Math.max(STREAM_BUFFER.minRows, wanted));
  }
  const standard = points ?? STREAM_BUFFER.standardRows;
  if (source !== 'signals') {
    return standard;
  }
  const target = request.targets.find((t) => t.refId === frame.refId);
  const step = positive(target?.stepMs) ?? QUERY_BOUNDS.stepMs.default;
  const window = width !== undefined && width > 0 ? Math.ceil(width / step) + 1 : 0;
  return Math.max(standard, Math.min(window, ceiling));
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
