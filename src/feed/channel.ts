import { FeedSourceName, QUERY_BOUNDS } from '../types';

/** What a feed query's channel is made of, with its variables replaced. */
export interface FeedChannelQuery {
  /** The query's target: an MQTT topic, an HTTP or WebSocket path, a NATS subject. */
  target: string;
  /** The source's own query fields, in the source's order; empty text for one the query leaves out. */
  params?: readonly string[];
  timeField?: string;
  fields?: readonly string[];
  flushMs?: number;
}

/**
 * The channel path the backend gives a streaming feed query:
 * `<source>/v1/<flushMs>/<base64url of target [NUL param]… NUL timeField [NUL field]…>`, without
 * padding. Each source has a fixed list of params (none for MQTT and NATS); the backend decodes
 * the path back into the query, so every param is written, empty when unset.
 */
export function feedChannelPath(source: FeedSourceName, q: FeedChannelQuery): string {
  const joined = [q.target, ...(q.params ?? []), q.timeField ?? '', ...(q.fields ?? [])].join('\u0000');
  const flushMs = q.flushMs ?? QUERY_BOUNDS.flushMs.default;
  return `${source}/v1/${flushMs}/${base64url(new TextEncoder().encode(joined))}`;
}

/** The length of the whole channel, `ds/<uid>/<path>`, which Grafana Live bounds to 160. */
export function feedChannelLength(uid: string, source: FeedSourceName, q: FeedChannelQuery): number {
  return `ds/${uid}/`.length + feedChannelPath(source, q).length;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
